"""Materials: EIT categories, the EU List of Waste and its mapping to categories, and units.

>>> category_of_low("15 01 03")
'wood'
>>> category_of_low("16 02 13*")
'metals-weee'
>>> normalise_quantity(12.5, "kg", "mois", "paper-cardboard")
(0.15, 't/an')
>>> low_code("150101")
'15 01 01'
>>> normalise_quantity(1e308, "t", "jour", "wood")
Traceback (most recent call last):
...
ValueError: quantity 1e+308 t/jour is too large to compute (it overflows once converted to t/an)
"""

from __future__ import annotations

import csv
import difflib
import math
import re
from dataclasses import dataclass
from functools import lru_cache

import yaml

from .. import shipped
from ..values import fold, parse_boolean, parse_number

# Canonical unit per dimension, and the factor from each accepted unit to it.
CANONICAL = {"mass": "t/an", "volume": "m3/an", "energy": "MWh/an", "count": "unités/an"}
UNITS = {
    "kg": ("mass", 0.001), "t": ("mass", 1.0), "tonne": ("mass", 1.0), "tonnes": ("mass", 1.0),
    "l": ("volume", 0.001), "litre": ("volume", 0.001), "litres": ("volume", 0.001),
    "m3": ("volume", 1.0),
    "kwh": ("energy", 0.001), "mwh": ("energy", 1.0), "gwh": ("energy", 1000.0),
    "u": ("count", 1.0), "unite": ("count", 1.0), "unites": ("count", 1.0), "pieces": ("count", 1.0),
    "units": ("count", 1.0),
    # As diagnostics write them: « 1 200 unités », « 300 palettes », « 12 tonnes », « 40 m³ ».
    "piece": ("count", 1.0), "pcs": ("count", 1.0), "unit": ("count", 1.0), "palette": ("count", 1.0),
    "palettes": ("count", 1.0), "fut": ("count", 1.0), "futs": ("count", 1.0), "bigbag": ("count", 1.0),
    "bigbags": ("count", 1.0), "big bag": ("count", 1.0), "big bags": ("count", 1.0), "cuve": ("count", 1.0),
    "cuves": ("count", 1.0), "bidon": ("count", 1.0), "bidons": ("count", 1.0), "ibc": ("count", 1.0),
    "kilo": ("mass", 0.001), "kilos": ("mass", 0.001), "kilogramme": ("mass", 0.001),
    "kilogrammes": ("mass", 0.001), "tonnes metriques": ("mass", 1.0), "tm": ("mass", 1.0),
    "m 3": ("volume", 1.0), "metre cube": ("volume", 1.0), "metres cubes": ("volume", 1.0),
    "litre s": ("volume", 0.001),
}
# The largest quantity one flow can plausibly carry in a year, per canonical unit; above it a value is
# a typo (a unit or a period off by a factor of a thousand, digits pasted twice) or an overflow, and is
# refused. Bounds: a billion tonnes is three times all the waste France produces in a year (≈ 310 Mt);
# 1e11 m³ three times France's yearly water withdrawals (≈ 3e10 m³); 1e10 MWh six times France's final
# energy consumption (≈ 1,600 TWh); a trillion units.
MAX_PER_YEAR = {"t/an": 1e9, "m3/an": 1e11, "MWh/an": 1e10, "unités/an": 1e12}
# Periods to per-year factors (a day is a calendar day: 365 per year).
PERIODS = {"an": 1, "annee": 1, "année": 1, "year": 1, "yr": 1, "a": 1, "mois": 12, "month": 12,
           "semaine": 52, "week": 52, "jour": 365, "day": 365, "j": 365}


@dataclass(frozen=True)
class Category:
    code: str
    fr: str
    en: str
    dimensions: tuple[str, ...]


@dataclass(frozen=True)
class WasteCode:
    code: str  # "15 01 01", without the hazardous star
    label: str
    hazardous: bool
    chapter: str
    subchapter: str


@lru_cache(maxsize=1)
def _config() -> dict:
    with open(shipped.path("schema", "material-categories.yaml"), encoding="utf-8") as fh:
        return yaml.safe_load(fh)


@lru_cache(maxsize=1)
def categories() -> dict[str, Category]:
    return {code: Category(code, c["fr"], c["en"], tuple(c["dimensions"]))
            for code, c in _config()["categories"].items()}


@lru_cache(maxsize=1)
def _category_aliases() -> dict[str, str]:
    out = {}
    for c in categories().values():
        for name in (c.code, c.fr, c.en):
            out[fold(name)] = c.code
    extra = {"bois": "wood", "papier": "paper-cardboard", "carton": "paper-cardboard", "papier carton":
             "paper-cardboard", "metaux": "metals-weee", "deee": "metals-weee", "biodechets": "organic",
             "plastique": "plastics", "denrees": "food", "gaz": "gases", "chaleur": "heat", "eau": "water",
             "energie": "energy", "palettes": "functional-objects", "objets fonctionnels": "functional-objects",
             "chimie": "chemicals", "produits chimiques": "chemicals", "solvants": "chemicals",
             "inertes": "minerals", "mineraux": "minerals", "verre": "minerals", "melange": "mixed", "dib": "mixed",
             "plastiques": "plastics", "textiles": "textile", "metal": "metals-weee", "effluent": "effluents",
             "matiere organique": "organic", "alimentaire": "food", "chaleur fatale": "heat"}
    out.update(extra)
    return out


@lru_cache(maxsize=1)
def compatibilities() -> dict[tuple[str, str], str]:
    """Declared (output category, input category) substitutions and their notes (wood → biomass fuel…)."""
    return {(c["from"], c["to"]): c.get("note", "") for c in _config().get("compatible", [])}


def category_code(text: str) -> str:
    """A category from its code or its French/English name; ValueError otherwise."""
    code = _category_aliases().get(fold(text))
    if code is None:
        raise ValueError(f"unknown category {text!r}; categories: {', '.join(categories())}")
    return code


@lru_cache(maxsize=1)
def waste_codes() -> dict[str, WasteCode]:
    with open(shipped.path("reference", "list_of_waste.csv"), encoding="utf-8", newline="") as fh:
        return {r["code"]: WasteCode(r["code"], r["label_fr"], parse_boolean(r["hazardous"]), r["chapter"],
                                     r["subchapter"]) for r in csv.DictReader(fh)}


@lru_cache(maxsize=16384)  # a few hundred codes repeat over every row of a diagnostics file
def low_code(text: str) -> str:
    """Normalise a LoW code to ``15 01 01`` (the hazardous ``*`` is dropped; it is known from the list)."""
    digits = re.sub(r"[\s.*]", "", text)
    if not re.fullmatch(r"\d{6}", digits):
        raise ValueError(f"a List of Waste code has 6 digits, like 15 01 01: {text!r}")
    return f"{digits[:2]} {digits[2:4]} {digits[4:]}"


def known_low_code(text: str) -> str:
    """A List of Waste code that exists, normalised; ValueError naming the nearest codes otherwise.

    >>> known_low_code("150101")
    '15 01 01'
    """
    code = low_code(text)
    if code not in waste_codes():
        raise ValueError(f"unknown List of Waste code {text!r}; nearest codes: {', '.join(nearest_codes(code))}")
    return code


def nearest_codes(code: str, n: int = 3) -> list[str]:
    """Existing LoW codes closest to a wrong one (same sub-chapter first), for error messages."""
    known = waste_codes()
    same = [c for c in known if c[:5] == code[:5]]
    pool = same or [c for c in known if c[:2] == code[:2]] or list(known)
    return difflib.get_close_matches(code, pool, n=n, cutoff=0.0)


def category_of_low(code: str) -> str:
    """The EIT category of a LoW code, by the most specific rule of schema/material-categories.yaml."""
    code = low_code(code)
    rules = _config()["low_rules"]
    for prefix in (code, code[:5], code[:2]):
        if prefix in rules:
            return rules[prefix]
    info = waste_codes().get(code)
    return "chemicals" if info and info.hazardous else "mixed"


def normalise_quantity(value: float, unit: str, period: str | None, category: str) -> tuple[float, str]:
    """Quantity per year in the canonical unit of its dimension; ValueError if the unit does not fit."""
    factor, per_year, canonical = _conversion(unit, period, category)
    return _finite(value, unit, period, value * factor * per_year, canonical)


@lru_cache(maxsize=1024)  # a few units, periods and categories repeat over every row of a diagnostics file
def _conversion(unit: str, period: str | None, category: str) -> tuple[float, float, str]:
    """(factor to the canonical unit, times per year, canonical unit); ValueError if the unit does not fit."""
    key = unit.strip().lower().replace("³", "3")
    if key not in UNITS:
        key = fold(unit).replace(" ", "")  # unités, pièces…
    if key not in UNITS:
        raise ValueError(f"unknown unit {unit!r}; use kg, t, L, m3, kWh, MWh, GWh or unités")
    dimension, factor = UNITS[key]
    cat = categories()[category]
    if dimension not in cat.dimensions:
        allowed = ", ".join(CANONICAL[d].split("/")[0] for d in cat.dimensions)
        raise ValueError(f"unit {unit!r} ({dimension}) does not fit category {category!r} (expects {allowed})")
    per_year = PERIODS.get(fold(period)) if period else 1
    if per_year is None:
        raise ValueError(f"unknown period {period!r}; use an, mois, semaine or jour")
    return factor, per_year, CANONICAL[dimension]


def _finite(value: float, unit: str, period: str | None, quantity: float, canonical: str) -> tuple[float, str]:
    if math.isfinite(quantity) and abs(quantity) <= MAX_PER_YEAR[canonical]:
        return round(quantity, 9), canonical
    written = f"{value:g} {unit}" + (f"/{period}" if period else "")
    if not math.isfinite(quantity):
        raise ValueError(f"quantity {written} is too large to compute (it overflows once converted to {canonical})")
    if abs(quantity) > MAX_PER_YEAR[canonical]:
        raise ValueError(f"quantity {written} = {quantity:.3g} {canonical} is beyond what one flow can carry "
                         f"(at most {MAX_PER_YEAR[canonical]:g} {canonical}); check the unit and the period")
    return round(quantity, 9), canonical


_QUANTITY = re.compile(r"^\s*(?:env(?:iron|\.)?\s+|~\s*|ca\.?\s+)?([-+]?\d[\d\s\u00a0\u202f.,']*)\s*(.*?)\s*$",
                       re.IGNORECASE)


def split_quantity(text: str) -> tuple[float, str | None]:
    """A quantity written with its unit in the cell: « 1 200 unités » → (1200.0, "unités"); « 3,5 t/an » →
    (3.5, "t/an"); « 12 » → (12.0, None). ValueError when it does not start with a number or the unit is
    unknown.

    >>> split_quantity("1 200 unités"), split_quantity("3,5 t/an"), split_quantity("environ 40 m³"), split_quantity("12")
    ((1200.0, 'unités'), (3.5, 't/an'), (40.0, 'm³'), (12.0, None))
    """
    m = _QUANTITY.match(text)
    if not m:
        raise ValueError(f"not a number: {text!r}")
    number, unit = m[1].strip(), m[2] or None
    try:
        value = parse_number(number)
    except ValueError:
        raise ValueError(f"not a number: {text!r}") from None
    if unit:
        try:
            split_unit(unit)
        except ValueError:
            raise ValueError(f"not a number: {text!r} (unit {unit!r} is not one of kg, t, L, m3, kWh, MWh, GWh, "
                             "unités, palettes…)") from None
    return value, unit


@lru_cache(maxsize=4096)  # pure, and called on every quantity of a diagnostics file
def split_unit(text: str) -> tuple[str, str | None]:
    """A unit as written, with its period: "t/an" → ("t", "an"); "kg par mois" → ("kg", "mois").

    >>> split_unit("t/an"), split_unit("MWh"), split_unit("tonnes par an"), split_unit("m3 / semaine")
    (('t', 'an'), ('MWh', None), ('tonnes', 'an'), ('m3', 'semaine'))
    """
    parts = re.split(r"\s*(?:/|\bpar\b|\bper\b)\s*", text.strip(), maxsplit=1)
    unit = parts[0].strip()
    period = parts[1].strip() if len(parts) > 1 else None
    key = unit.lower().replace("³", "3")
    if key not in UNITS and fold(unit).replace(" ", "") not in UNITS:
        raise ValueError(f"unknown unit {text!r}")
    if period is not None and fold(period) not in PERIODS:
        raise ValueError(f"unknown period {text!r}")
    return unit, period
