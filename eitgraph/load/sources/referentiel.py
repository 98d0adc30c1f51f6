"""The ADEME référentiel économie circulaire and the 7 pillars of the circular economy → Measure nodes.

Ids: ``eci_<identifiant>`` (``eci_3.5``); levels by the number of dots: 1 axis, 2 orientation,
3 sub-action, 4 task. An item without points gets its percentage of its parent's points.

Pillars (ADEME, « les 7 piliers de l'économie circulaire »), ids ``pillar_<code>``, grouped in three
domains. Orientations of the référentiel serve a pillar by the documented mapping
:data:`ORIENTATION_PILLARS` (e.g. 3.5 « Soutenir et accompagner les projets d'EIT » → pillar_eit).

>>> measure_id("eci 3.5"), measure_id("ECI_2.1.3")
('eci_3.5', 'eci_2.1.3')
>>> PILLARS["eit"]["name"]
'Écologie industrielle et territoriale'
"""

from __future__ import annotations

import re
from functools import lru_cache

from ... import shipped
from ..graphbatch import GraphBatch
from ..records import Record

OFFER, DEMAND, WASTE = ("Offre des acteurs économiques", "Demande et comportement des consommateurs",
                        "Gestion des déchets")
PILLARS: dict[str, dict] = {
    "supply": {"name": "Approvisionnement durable", "domain": OFFER},
    "ecodesign": {"name": "Écoconception", "domain": OFFER},
    "eit": {"name": "Écologie industrielle et territoriale", "domain": OFFER},
    "functional_economy": {"name": "Économie de la fonctionnalité", "domain": OFFER},
    "responsible_consumption": {"name": "Consommation responsable", "domain": DEMAND},
    "extended_use": {"name": "Allongement de la durée d'usage", "domain": DEMAND},
    "recycling": {"name": "Recyclage", "domain": WASTE},
}
# Orientations of the référentiel and the pillar each one serves (the others are cross-cutting).
ORIENTATION_PILLARS = {"2.2": "recycling", "2.3": "recycling", "3.2": "supply", "3.3": "responsible_consumption",
                       "3.4": "ecodesign", "3.5": "eit", "3.6": "functional_economy"}
LEVELS = {1: "axis", 2: "orientation", 3: "sub_action", 4: "task"}
_NUMBER = re.compile(r"^\d+(?:\.\d+)*$")


def pillar_id(code: str) -> str:
    return f"pillar_{code}"


def pillar_props(code: str) -> dict:
    return {"name": PILLARS[code]["name"], "kind": "pillar", "domain": PILLARS[code]["domain"]}


def measure_id(text: str, referentiel: str = "eci") -> str:
    """``eci_3.5`` from « eci 3.5 », « ECI_3.5 » or « 3.5 »."""
    m = re.fullmatch(r"(?i)\s*(?:([a-z]+)[\s_-]*)?(\d+(?:\.\d+)*)\.?\s*", text)
    if not m:
        raise ValueError(f"not a référentiel number: {text!r}")
    return f"{(m[1] or referentiel).lower()}_{m[2]}"


@lru_cache(maxsize=1)
def shipped_numbers() -> frozenset[str]:
    """The identifiants of the shipped référentiel (to check « eci 2.1 » references before loading)."""
    import csv
    with open(shipped.path("reference", "referentiel-eci-structure.csv"), encoding="utf-8", newline="") as fh:
        return frozenset(r["identifiant"] for r in csv.DictReader(fh))


def transform(records: list[Record], ctx) -> GraphBatch:
    batch = GraphBatch()
    prefix = ctx.options.get("referentiel") or "eci"
    for code in PILLARS:
        batch.node("Measure", pillar_id(code), pillar_props(code), ["Pillar"], ctx.table.location())
    numbers: set[str] = set()
    for rec in records:
        number = (rec.get("number") or "").rstrip(".")
        if number and not _NUMBER.match(number):
            ctx.problems.add(f"not a référentiel number (like 3.5.1): {number!r}", rec.loc("number"))
        elif number:
            numbers.add(number)
    # Points: given, else the item's percentage of its parent's points (cascading down the levels).
    points: dict[str, float | None] = {}
    ordered = sorted((r for r in records if (r.get("number") or "").rstrip(".") in numbers),
                     key=lambda r: (r.get("number") or "").count("."))
    for rec in ordered:
        number = rec.get("number").rstrip(".")
        parent = number.rsplit(".", 1)[0] if "." in number else None
        pts = rec.get("points")
        if pts is None and rec.get("percentage") is not None and points.get(parent) is not None:
            pts = round(points[parent] * rec.get("percentage") / 100, 3)
        points[number] = pts
    for rec in records:
        number = (rec.get("number") or "").rstrip(".")
        if number not in numbers:
            continue
        level = number.count(".") + 1
        if level not in LEVELS:
            ctx.problems.add(f"référentiel items have at most 4 levels: {number!r}", rec.loc("number"))
            continue
        parent = number.rsplit(".", 1)[0] if level > 1 else None
        pts = points.get(number)
        mid = f"{prefix}_{number}"
        batch.node("Measure", mid, {"name": rec.get("name"), "kind": LEVELS[level], "referentiel": prefix,
                                    "number": number, "level": level, "points": pts,
                                    "percentage": rec.get("percentage"), "category": rec.get("category"),
                                    "description": rec.get("description")}, ["ReferentielItem"], rec.loc("number"))
        if parent:
            if parent not in numbers:
                ctx.problems.add(f"parent {parent!r} of {number!r} is not in the file", rec.loc("number"))
            else:
                batch.rel("CHILD_OF", "Measure", mid, "Measure", f"{prefix}_{parent}", location=rec.loc("number"))
        if number in ORIENTATION_PILLARS:
            batch.rel("OF_PILLAR", "Measure", mid, "Measure", pillar_id(ORIENTATION_PILLARS[number]),
                      location=rec.loc("number"))
    return batch
