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
# Characters that show nothing: soft hyphen, zero-width space/joiners, direction marks and overrides,
# word joiner and invisible operators, byte-order mark. Two ids that differ only by them are one id.
_INVISIBLE = re.compile("[\u00ad\u180e\u200b-\u200f\u202a-\u202e\u2060-\u2064\u2066-\u206f\ufeff]")
# Spaces that are not the ordinary one (no-break, narrow, thin, ideographic…).
_ODD_SPACES = re.compile("[\u00a0\u1680\u2000-\u200a\u202f\u205f\u3000]")
# Latin letters Unicode does not decompose into a base letter and an accent.
_LATIN_EXTRA = str.maketrans({"œ": "oe", "æ": "ae", "ß": "ss", "ø": "o", "ł": "l", "đ": "d", "ð": "d",
                              "þ": "th", "ı": "i", "ŀ": "l", "ħ": "h"})
# Cyrillic and Greek letters that look like Latin ones: « Suеz » typed with a Cyrillic « е » is Suez.
# Applied only inside a word that also holds Latin letters, so that a name written in Cyrillic or
# Greek keeps its own letters (and its own key).
_CONFUSABLES = str.maketrans({
    "а": "a", "в": "b", "е": "e", "ё": "e", "к": "k", "м": "m", "н": "h", "о": "o", "р": "p", "с": "c", "т": "t",
    "у": "y", "х": "x", "і": "i", "ї": "i", "ј": "j", "ѕ": "s", "ԁ": "d", "һ": "h", "ӏ": "l", "ԛ": "q", "ԝ": "w",
    "α": "a", "β": "b", "ε": "e", "η": "n", "ι": "i", "κ": "k", "μ": "m", "ν": "v", "ο": "o", "ρ": "p",
    "τ": "t", "υ": "u", "χ": "x", "ζ": "z"})
_NON_WORD = re.compile(r"[\W_]+")
_LATIN = re.compile(r"[a-z]")


def _unconfuse(word: str) -> str:
    if word.isascii() or not _LATIN.search(word):
        return word
    return word.translate(_CONFUSABLES)


@lru_cache(maxsize=65536)  # labels and vocabulary values repeat across hundreds of thousands of rows
def fold(text: str) -> str:
    """Lowercase, accents removed, punctuation and spaces collapsed: for matching headers and names.
    Invisible characters (zero-width, BOM) are dropped, look-alike Cyrillic or Greek letters inside a
    Latin word are read as the Latin ones, and a name in another script keeps its letters.

    >>> fold("  Type d'acteur ")
    'type d acteur'
    >>> fold("Référent de"), fold("Cœur\u00a0d'Alsace"), fold("Su\u200bеz")
    ('referent de', 'coeur d alsace', 'suez')
    >>> fold("Газпром"), fold("東京ガス")
    ('газпром', '東京ガス')
    """
    text = unicodedata.normalize("NFKD", _INVISIBLE.sub("", text))
    if text.isascii():
        return " ".join(re.sub(r"[^a-z0-9]+", " ", text.lower()).split())
    text = _strip_latin_accents(text).lower().translate(_LATIN_EXTRA)
    return " ".join(_unconfuse(w) for w in _NON_WORD.sub(" ", text).split())


def _strip_latin_accents(decomposed: str) -> str:
    """Drop the accents of Latin letters only (é → e); other scripts keep their marks (ガ stays ガ, й stays й)."""
    out: list[str] = []
    latin_base = False
    for c in decomposed:
        if unicodedata.combining(c):
            if not latin_base:
                out.append(c)
            continue
        latin_base = c.isascii() or "LATIN" in unicodedata.name(c, "")
        out.append(c)
    return unicodedata.normalize("NFC", "".join(out))


def clean_text(text: str) -> str:
    """Text as it is meant: composed accents (NFC), no invisible characters, ordinary spaces.

    >>> clean_text("Caf\u0065\u0301\u00a0du\u200b Port")
    'Café du Port'
    """
    if text.isascii():
        return text
    return _ODD_SPACES.sub(" ", _INVISIBLE.sub("", unicodedata.normalize("NFC", text)))


def key_text(text: str) -> str:
    """Text of a code (SIRET, INSEE, NAF…) with look-alikes read as what they look like: full-width and
    other Unicode digits as ASCII digits, invisible characters dropped, the minus sign as ``-``.

    >>> key_text("７３２ 829\u200b320")
    '732 829320'
    """
    if text.isascii():
        return text
    text = unicodedata.normalize("NFKC", _INVISIBLE.sub("", text)).replace("\u2212", "-")
    return "".join(str(unicodedata.decimal(c)) if c.isdecimal() and not c.isascii() else c for c in text)


@lru_cache(maxsize=65536)  # flow keys: a regional diagnostics file slugs 790,000 labels and partners
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
    text = re.sub(r"(?i)\s*(€|euros?|eur|ht|ttc|%)\s*", "", key_text(text))
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


MAX_AMOUNT = 1e13  # 10,000 billion euros: four times France's yearly GDP; no plan budget comes near


def parse_amount(text: str) -> float:
    """An amount in € HT: spaces, « € », « HT », decimal comma, « k€ » / « M€ », dots as thousands.
    An amount said to be TTC, or a negative one, is refused.

    >>> parse_amount("124 566 € HT"), parse_amount("12 000,50 €"), parse_amount("50 k€"), parse_amount("1.234.567")
    (124566.0, 12000.5, 50000.0, 1234567.0)
    """
    raw = text
    t = key_text(text).strip()
    if re.search(r"(?i)\bttc\b", t):
        raise ValueError(f"amount {raw!r} is TTC; the column is € HT")
    m = re.fullmatch(r"(?i)\s*([\d\s\u00a0\u202f.,]+?)\s*(k|m)\s*(?:€|eur|euros?)?\s*(?:ht)?\s*", t)
    try:
        value = parse_number(m[1]) * (1000 if m[2].lower() == "k" else 1_000_000) if m else parse_number(t)
    except ValueError:
        raise ValueError(f"not an amount in € HT: {raw!r} (write 124566 or 124 566 € HT)") from None
    if value < 0:
        raise ValueError(f"negative amount: {raw!r}")
    if value > MAX_AMOUNT:
        raise ValueError(f"amount {raw!r} is beyond any budget (more than {MAX_AMOUNT:,.0f} € HT); check the digits")
    return value


def parse_integer(text: str) -> int:
    """A whole number that a graph store can hold (64 bits).

    >>> parse_integer("2 911"), parse_integer("-3")
    (2911, -3)
    """
    value = parse_number(text)
    if not value.is_integer():
        raise ValueError(f"not a whole number: {text!r}")
    if abs(value) >= 2**63:
        raise ValueError(f"number too large: {text!r}")
    return int(value)


def parse_count(text: str) -> int:
    """A count of people, members, jobs…: a whole number, zero or more.

    >>> parse_count("2 911")
    2911
    >>> parse_count("-5")
    Traceback (most recent call last):
    ...
    ValueError: a count cannot be negative: '-5'
    """
    value = parse_integer(text)
    if value < 0:
        raise ValueError(f"a count cannot be negative: {text!r}")
    return value


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
    digits = _SPACES.sub("", key_text(text)).replace(".", "")
    if not re.fullmatch(r"\d{14}", digits):
        raise ValueError(f"a SIRET has 14 digits: {text!r}")
    if digits.startswith("356000000") and digits != "35600000000048":  # La Poste head office: Luhn
        if sum(int(c) for c in digits) % 5 != 0:
            raise ValueError(f"invalid SIRET (check digit): {text!r}")
    elif not luhn_ok(digits):
        raise ValueError(f"invalid SIRET (Luhn check failed): {text!r}")
    return digits


def parse_siren(text: str) -> str:
    digits = _SPACES.sub("", key_text(text))
    if not re.fullmatch(r"\d{9}", digits):
        raise ValueError(f"a SIREN has 9 digits: {text!r}")
    if not luhn_ok(digits) and digits != "356000000":
        raise ValueError(f"invalid SIREN (Luhn check failed): {text!r}")
    return digits


def parse_insee(text: str) -> str:
    """An INSEE commune code (5 characters; Corsica 2A/2B). Excel's lost leading zero is restored."""
    code = _SPACES.sub("", key_text(text)).upper()
    if re.fullmatch(r"\d{4}", code):
        code = "0" + code
    if not re.fullmatch(r"\d{5}|2[AB]\d{3}", code):
        raise ValueError(f"not an INSEE commune code: {text!r}")
    return code


def parse_departement(text: str) -> str:
    code = _SPACES.sub("", key_text(text)).upper()
    if re.fullmatch(r"\d", code):
        code = "0" + code
    if not re.fullmatch(r"\d{2}|2[AB]|97\d", code):
        raise ValueError(f"not a département code: {text!r}")
    return code


def parse_naf(text: str) -> str:
    """A NAF rév. 2 sub-class, normalised to ``20.13B``."""
    code = _SPACES.sub("", key_text(text)).upper().replace(".", "")
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


DATE_RANGE = (dt.date(1900, 1, 1), dt.date(2100, 12, 31))


def parse_date(text: str, bound: str | None = None) -> dt.date:
    """A date: ``2024-03-31`` (also ``2024-3-31``, with a time after it, or ``2024/03/31``),
    ``31/03/2024`` (day first, also with ``.`` or ``-``), or an Excel serial number (its day; between
    20000 and 80000). A date before 1900 or after 2100 is refused: no EIT record or plan holds one,
    and a workbook date in 2173 is Excel serial 99999, a number typed in a date cell. Ambiguous forms
    are refused with a message saying how to write them: month first (``03/31/2024``), a two-digit
    year, no day. ``bound`` ('start' or 'end') also takes a bare year as
    its first or last day (plan periods).

    >>> parse_date("31/03/2024"), parse_date("2024-3-5"), parse_date("45382"), parse_date("2019", "end")
    (datetime.date(2024, 3, 31), datetime.date(2024, 3, 5), datetime.date(2024, 3, 31), datetime.date(2019, 12, 31))
    >>> parse_date("2173-10-14")
    Traceback (most recent call last):
    ...
    ValueError: date '2173-10-14' is outside the plausible range 1900–2100
    """
    value = _parse_date(text, bound)
    if not DATE_RANGE[0] <= value <= DATE_RANGE[1]:
        raise ValueError(f"date {text!r} is outside the plausible range {DATE_RANGE[0].year}–{DATE_RANGE[1].year}")
    return value


def _parse_date(text: str, bound: str | None = None) -> dt.date:
    """The date a cell means (see :func:`parse_date`), without the range check."""
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
    "string": clean_text,
    "number": parse_number,
    "integer": parse_integer,
    "count": parse_count,
    "siret": parse_siret,
    "siren": parse_siren,
    "insee": parse_insee,
    "departement": parse_departement,
    "naf": parse_naf,
    "boolean": parse_boolean,
    "score": parse_score,
    "date": parse_date,
}
