"""Reference nomenclatures shipped in ``reference/`` (see its README for sources and licences).

>>> naf_label("20.11Z")
'Fabrication de gaz industriels'
>>> naf_section("20.13B")
'C'
"""

from __future__ import annotations

import csv
from functools import lru_cache

from .. import shipped

# NAF rév. 2 sections by division (first two digits).
_SECTIONS = [("A", 1, 3), ("B", 5, 9), ("C", 10, 33), ("D", 35, 35), ("E", 36, 39), ("F", 41, 43),
             ("G", 45, 47), ("H", 49, 53), ("I", 55, 56), ("J", 58, 63), ("K", 64, 66), ("L", 68, 68),
             ("M", 69, 75), ("N", 77, 82), ("O", 84, 84), ("P", 85, 85), ("Q", 86, 88), ("R", 90, 93),
             ("S", 94, 96), ("T", 97, 98), ("U", 99, 99)]


@lru_cache(maxsize=1)
def _naf_labels() -> dict[str, str]:
    with open(shipped.path("reference", "naf_rev2.csv"), encoding="utf-8", newline="") as fh:
        # Only sub-classes (4 digits + letter) are unambiguous in this extraction.
        return {r["code"]: r["label_fr"] for r in csv.DictReader(fh) if len(r["code"]) == 5}


def naf_label(code: str) -> str | None:
    """French label of a NAF sub-class given as ``20.13B`` or ``2013B``."""
    return _naf_labels().get(code.replace(".", "").upper())


def naf_section(code: str) -> str | None:
    try:
        division = int(code[:2])
    except ValueError:
        return None
    return next((s for s, lo, hi in _SECTIONS if lo <= division <= hi), None)
