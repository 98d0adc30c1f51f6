"""Parsers for the values French spreadsheets hold, one per kind of value. Each raises ``ValueError``
with a message meant for the person who filled the sheet. Columns (``loaders/*.yaml``), loader options
and query parameters all read their values here: one number parser, one boolean reading, one date
parser, one list splitter.

>>> parse_number("15 156")
15156.0
>>> parse_number("1 234,5 €")
1234.5
>>> parse_siret("732 829 320 00074")
'73282932000074'
>>> parse_insee("1004")
'01004'
>>> parse_naf("2013B")
'20.13B'
>>> parse_score("fort")
3
"""

from __future__ import annotations

import datetime as dt
import math
import re
import unicodedata
from functools import lru_cache

_SPACES = re.compile(r"[\s\u00a0\u202f']+")


@lru_cache(maxsize=65536)  # labels and vocabulary values repeat across hundreds of thousands of rows
def fold(text: str) -> str:
    """Lowercase, accents removed, punctuation and spaces collapsed: for matching headers and names.

    >>> fold("  Type d'acteur ")
    'type d acteur'
    >>> fold("Référent de")
    'referent de'
    """
    text = unicodedata.normalize("NFKD", text)
    text = "".join(c for c in text if not unicodedata.combining(c)).lower()
    return " ".join(re.sub(r"[^a-z0-9]+", " ", text).split())


def slug(text: str) -> str:
    """A stable identifier from a name.

    >>> slug("Endress + Hauser Flowtec AG")
    'endress-hauser-flowtec-ag'
    """
    return fold(text).replace(" ", "-")


_DOTTED_THOUSANDS = re.compile(r"-?\d{1,3}(?:\.\d{3}){2,}(?:,\d+)?")


def parse_number(text: str) -> float:
    """A number written the French or English way (spaces, NBSP, decimal comma, €, %); dots between
    groups of three digits are thousands separators when there are at least two of them.

    >>> parse_number("1.234.567"), parse_number("1.234.567,5"), parse_number("1.234")
    (1234567.0, 1234567.5, 1.234)
    """
    raw = text
    text = re.sub(r"(?i)\s*(€|euros?|eur|ht|ttc|%)\s*", "", text)
    text = _SPACES.sub("", text)
    if _DOTTED_THOUSANDS.fullmatch(text):
        text = text.replace(".", "").replace(",", ".")
    elif "," in text and "." in text:
        # The last separator is the decimal one: 1.234,5 or 1,234.5
        if text.rfind(",") > text.rfind("."):
            text = text.replace(".", "").replace(",", ".")
        else:
            text = text.replace(",", "")
    else:
        text = text.replace(",", ".")
    try:
        value = float(text)
    except ValueError:
        raise ValueError(f"not a number: {raw!r}") from None
    if not math.isfinite(value):
        raise ValueError(f"not a number: {raw!r}")
    return value


def parse_amount(text: str) -> float:
    """An amount in € HT: spaces, « € », « HT », decimal comma, « k€ » / « M€ », dots as thousands.
    An amount said to be TTC, or a negative one, is refused.

    >>> parse_amount("124 566 € HT"), parse_amount("12 000,50 €"), parse_amount("50 k€"), parse_amount("1.234.567")
    (124566.0, 12000.5, 50000.0, 1234567.0)
    """
    raw = text
    t = text.strip()
    if re.search(r"(?i)\bttc\b", t):
        raise ValueError(f"amount {raw!r} is TTC; the column is € HT")
    m = re.fullmatch(r"(?i)\s*([\d\s\u00a0\u202f.,]+?)\s*(k|m)\s*(?:€|eur|euros?)?\s*(?:ht)?\s*", t)
    try:
        value = parse_number(m[1]) * (1000 if m[2].lower() == "k" else 1_000_000) if m else parse_number(t)
    except ValueError:
        raise ValueError(f"not an amount in € HT: {raw!r} (write 124566 or 124 566 € HT)") from None
    if value < 0:
        raise ValueError(f"negative amount: {raw!r}")
    return value


def parse_integer(text: str) -> int:
    value = parse_number(text)
    if not value.is_integer():
        raise ValueError(f"not a whole number: {text!r}")
    return int(value)


def luhn_ok(digits: str) -> bool:
    total = 0
    for i, ch in enumerate(reversed(digits)):
        d = int(ch)
        if i % 2 == 1:
            d *= 2
            if d > 9:
                d -= 9
        total += d
    return total % 10 == 0


def luhn_complete(digits: str) -> str:
    """``digits`` followed by the check digit that makes them pass the Luhn test (SIREN, SIRET).

    >>> luhn_complete("73282932")
    '732829320'
    """
    return next(digits + d for d in "0123456789" if luhn_ok(digits + d))


def parse_siret(text: str) -> str:
    """A 14-digit SIRET with a valid Luhn key (La Poste's establishments use their own rule)."""
    digits = _SPACES.sub("", text).replace(".", "")
    if not re.fullmatch(r"\d{14}", digits):
        raise ValueError(f"a SIRET has 14 digits: {text!r}")
    if digits.startswith("356000000") and digits != "35600000000048":  # La Poste head office: Luhn
        if sum(int(c) for c in digits) % 5 != 0:
            raise ValueError(f"invalid SIRET (check digit): {text!r}")
    elif not luhn_ok(digits):
        raise ValueError(f"invalid SIRET (Luhn check failed): {text!r}")
    return digits


def parse_siren(text: str) -> str:
    digits = _SPACES.sub("", text)
    if not re.fullmatch(r"\d{9}", digits):
        raise ValueError(f"a SIREN has 9 digits: {text!r}")
    if not luhn_ok(digits) and digits != "356000000":
        raise ValueError(f"invalid SIREN (Luhn check failed): {text!r}")
    return digits


def parse_insee(text: str) -> str:
    """An INSEE commune code (5 characters; Corsica 2A/2B). Excel's lost leading zero is restored."""
    code = _SPACES.sub("", text).upper()
    if re.fullmatch(r"\d{4}", code):
        code = "0" + code
    if not re.fullmatch(r"\d{5}|2[AB]\d{3}", code):
        raise ValueError(f"not an INSEE commune code: {text!r}")
    return code


def parse_departement(text: str) -> str:
    code = _SPACES.sub("", text).upper()
    if re.fullmatch(r"\d", code):
        code = "0" + code
    if not re.fullmatch(r"\d{2}|2[AB]|97\d", code):
        raise ValueError(f"not a département code: {text!r}")
    return code


def parse_naf(text: str) -> str:
    """A NAF rév. 2 sub-class, normalised to ``20.13B``."""
    code = _SPACES.sub("", text).upper().replace(".", "")
    if not re.fullmatch(r"\d{4}[A-Z]", code):
        raise ValueError(f"not a NAF rév. 2 code (like 20.13B): {text!r}")
    return f"{code[:2]}.{code[2:]}"


_TRUE = {"oui", "o", "yes", "y", "true", "vrai", "1", "x", "on"}
_FALSE = {"non", "n", "no", "false", "faux", "0", "off"}


def parse_boolean(text: str) -> bool:
    """Yes or no, in French or English: oui / non, o / n, yes / no, true / false, vrai / faux, 1 / 0,
    on / off, and « x » (a ticked box) for yes; anything else is an error.

    >>> parse_boolean("Oui"), parse_boolean("FAUX"), parse_boolean("off")
    (True, False, False)
    """
    folded = fold(text)
    if folded in _TRUE:
        return True
    if folded in _FALSE:
        return False
    raise ValueError(f"expected oui/non: {text!r}")


_SCORES = {"faible": 1, "bas": 1, "low": 1, "moyen": 2, "moyenne": 2, "medium": 2,
           "fort": 3, "forte": 3, "eleve": 3, "elevee": 3, "high": 3}


def parse_score(text: str) -> int:
    """A 1–3 score, as a digit or faible / moyen / fort."""
    folded = fold(text)
    if folded in _SCORES:
        return _SCORES[folded]
    if folded in {"1", "2", "3"}:
        return int(folded)
    raise ValueError(f"expected 1, 2, 3 or faible/moyen/fort: {text!r}")


_ISO = re.compile(r"(\d{4})-(\d{1,2})-(\d{1,2})(?:[T ].*)?|(\d{4})/(\d{1,2})/(\d{1,2})")
_DAY_FIRST = re.compile(r"(\d{1,2})[/.\-](\d{1,2})[/.\-](\d{4})")
EXCEL_SERIALS = (20000, 80000)  # 1954-10-03 … 2119-01-10: a 5-digit number outside is no date


def parse_date(text: str, bound: str | None = None) -> dt.date:
    """A date: ``2024-03-31`` (also ``2024-3-31``, with a time after it, or ``2024/03/31``),
    ``31/03/2024`` (day first, also with ``.`` or ``-``), or an Excel serial number (its day; between
    20000 and 80000). Ambiguous forms are refused with a message saying how to write them: month first
    (``03/31/2024``), a two-digit year, no day. ``bound`` ('start' or 'end') also takes a bare year as
    its first or last day (plan periods).

    >>> parse_date("31/03/2024"), parse_date("2024-3-5"), parse_date("45382"), parse_date("2019", "end")
    (datetime.date(2024, 3, 31), datetime.date(2024, 3, 5), datetime.date(2024, 3, 31), datetime.date(2019, 12, 31))
    """
    t = text.strip()
    try:
        m = _ISO.fullmatch(t)
        if m:
            year, month, day = (int(g) for g in (m.groups()[:3] if m[1] else m.groups()[3:]))
            return dt.date(year, month, day)
        m = _DAY_FIRST.fullmatch(t)
        if m:
            day, month = int(m[1]), int(m[2])
            if month > 12 and day <= 12:
                raise ValueError(f"ambiguous date {text!r}: it looks like month/day/year; write it day first "
                                 f"({month:02d}/{day:02d}/{m[3]})")
            return dt.date(int(m[3]), month, day)
    except ValueError as exc:
        if "ambiguous" in str(exc):
            raise
        raise ValueError(f"not a valid date: {text!r} ({exc})") from None
    if re.fullmatch(r"\d{5}(\.\d+)?", t):
        serial = int(float(t))
        if not EXCEL_SERIALS[0] <= serial <= EXCEL_SERIALS[1]:
            raise ValueError(f"Excel date serial {text!r} is out of range")
        return dt.date(1899, 12, 30) + dt.timedelta(days=serial)
    if re.fullmatch(r"\d{4}", t) and bound:
        return dt.date(int(t), 1, 1) if bound == "start" else dt.date(int(t), 12, 31)
    if re.fullmatch(r"\d{1,2}[/.\-]\d{1,2}[/.\-]\d{2}", t):
        raise ValueError(f"ambiguous date {text!r} (two-digit year): write the full year, as 31/03/2024")
    if re.fullmatch(r"(\d{1,2}[/.\-])?\d{4}|\d{4}[/.\-]\d{1,2}", t):
        raise ValueError(f"ambiguous date {text!r} (no day): write a full date, as 01/03/2024")
    raise ValueError(f"not a date (use 31/03/2024 or 2024-03-31): {text!r}")


def split_list(text: str, separators: str = ";|,") -> list[str]:
    """The non-empty items of a list written in one cell or option, stripped.

    >>> split_list("GT Bois | GT Textile;COPIL"), split_list("a,,b ,", ",")
    (['GT Bois', 'GT Textile', 'COPIL'], ['a', 'b'])
    """
    parts = re.split("[" + re.escape(separators) + "]", text)
    return [p.strip() for p in parts if p.strip()]


PARSERS = {
    "string": lambda t: t,
    "number": parse_number,
    "integer": parse_integer,
    "siret": parse_siret,
    "siren": parse_siren,
    "insee": parse_insee,
    "departement": parse_departement,
    "naf": parse_naf,
    "boolean": parse_boolean,
    "score": parse_score,
    "date": parse_date,
}
