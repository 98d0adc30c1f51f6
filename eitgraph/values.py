"""Parsers for the values French spreadsheets hold. Each raises ``ValueError`` with a
message meant for the person who filled the sheet.

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


def parse_number(text: str) -> float:
    """A number written the French or English way (spaces, NBSP, decimal comma, €, %)."""
    raw = text
    text = re.sub(r"(?i)\s*(€|euros?|eur|ht|ttc|%)\s*", "", text)
    text = _SPACES.sub("", text)
    if "," in text and "." in text:
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


_TRUE = {"oui", "o", "yes", "y", "true", "vrai", "1", "x"}
_FALSE = {"non", "n", "no", "false", "faux", "0"}


def parse_boolean(text: str) -> bool:
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


def parse_date(text: str) -> dt.date:
    """ISO dates, dd/mm/yyyy, and Excel serial numbers. Ambiguous forms are refused."""
    t = text.strip()
    try:
        m = re.fullmatch(r"(\d{4})-(\d{2})-(\d{2})(?:[T ].*)?", t)
        if m:
            return dt.date(int(m[1]), int(m[2]), int(m[3]))
        m = re.fullmatch(r"(\d{1,2})[/.](\d{1,2})[/.](\d{4})", t)
        if m:
            return dt.date(int(m[3]), int(m[2]), int(m[1]))
    except ValueError as exc:
        raise ValueError(f"not a valid date: {text!r} ({exc})") from None
    if re.fullmatch(r"\d{5}(\.0+)?", t):
        return dt.date(1899, 12, 30) + dt.timedelta(days=int(float(t)))
    raise ValueError(f"not a date (use 2024-03-31 or 31/03/2024): {text!r}")


def split_list(text: str, separators: str = ";|,") -> list[str]:
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
