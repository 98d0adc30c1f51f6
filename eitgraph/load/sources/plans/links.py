"""What an action row links the action to: the organisations, services and persons around it, its
funders and their amounts, the référentiel measures it names, and its pillars and material categories
(from their columns or, unless ``infer=false``, the keyword rules). Axes are in :mod:`.axes`."""

from __future__ import annotations

import re

from ....model.materials import category_code
from ....values import fold
from ...graphbatch import GraphBatch
from ...records import Record
from ..referentiel import LEVELS, PILLARS, measure_id, pillar_id, pillar_props
from . import tetrules
from .keywords import CATEGORY_PATTERNS, PILLAR_ALIASES, PILLAR_PATTERNS
from .numbering import short_slug, split_names
from .readings import read_amount

LIST_COLUMNS = ("governance", "leads", "partners", "services", "pilots", "referents", "funder_1", "funder_2",
                "funder_3")


def names(rec: Record, column: str, warn) -> list[str]:
    """The names of a list cell, split as Territoires en Transitions splits them (commas outside
    parentheses, quotes and guillemets); a « ; », « | » or line break between names is said, since TeT
    (and eitgraph) keep such a cell as one name."""
    items = tetrules.split_list(rec.get(column))
    for item in items:
        if re.search(r"\S\s*(?:;|\||\n)\s*\S", item):
            warn("list_separator", f"« {item} » in « {rec.headers.get(column, column)} » is read as one name: "
                                   "Territoires en Transitions separates names by commas only; write a comma "
                                   "between names", rec.loc(column))
    return items


def people(rec: Record, batch: GraphBatch, action_id: str, leads: list[str], partners: list[str], warn) -> None:
    """Lead and partner organisations, lead services and the persons who pilot or are elected referents."""
    for oid in leads:
        batch.rel("LEADS", "Organisation", oid, "Action", action_id, location=rec.loc("leads"))
    for oid in partners:
        if oid not in leads:
            batch.rel("PARTNER_OF", "Organisation", oid, "Action", action_id, location=rec.loc("partners"))
    for name in names(rec, "services", warn):
        sid = "service:" + short_slug(name, 60)
        batch.node("Service", sid, {"name": name}, location=rec.loc("services"))
        batch.rel("LEADS", "Service", sid, "Action", action_id, location=rec.loc("services"))
    for column, rtype in (("pilots", "PILOTS"), ("referents", "REFERENT_FOR")):
        for name in names(rec, column, warn):
            pid = short_slug(name, 60)
            if not pid:
                continue
            batch.node("Person", pid, {"name": name}, location=rec.loc(column))
            batch.rel(rtype, "Person", pid, "Action", action_id, location=rec.loc(column))


def funder_links(rec: Record, plan, action_id: str) -> None:
    """« Financeur N » and the « Montant € HT » after it. A funder is kept with or without an amount (TeT
    drops one without amount: said); several funders in one cell share its amount (TeT makes one funder
    of the whole cell: said); an amount without funder is dropped (said)."""
    funded: dict[str, dict] = {}
    for n in (1, 2, 3):
        text, kind, loc, what = plan.amount_cell(rec, n)
        amount = None
        if text:
            reading = read_amount(text, kind, what, funder=True)
            for code, message in reading.warnings:
                plan.warn(code, message, loc)
            if reading.error:
                plan.ctx.problems.add(reading.error, loc)
            amount = reading.value
        cell = rec.get(f"funder_{n}")
        items = names(rec, f"funder_{n}", plan.warn)
        header = rec.headers.get(f"funder_{n}", f"Financeur {n}")
        if not items:
            if amount is not None:
                plan.warn("funder", f"an amount ({text}) is given in « {what} » but no funder is named: it is not "
                                    "kept (Territoires en Transitions drops it too); name the funder", loc)
            continue
        if len(items) > 1:
            plan.warn("tet_differs", f"« {header} » names {len(items)} funders (« {cell} »): read as {len(items)} "
                                     "funders sharing the amount; Territoires en Transitions makes one funder named "
                                     "with the whole cell; give each funder its own « Financeur » column",
                      rec.loc(f"funder_{n}"))
        if amount is None and text is None:
            plan.warn("tet_differs", f"« {header} » names « {cell} » without an amount: kept as a funder without "
                                     "amount; Territoires en Transitions drops a funder without amount; write the "
                                     "amount (0 when unknown)", rec.loc(f"funder_{n}"))
        funders = [o for o in (plan.names.organisation(x, rec.loc(f"funder_{n}")) for x in items) if o]
        for oid in funders:
            f = funded.setdefault(oid, {"plan": plan.id, "amount": None, "share": None, "co_funders": len(funders),
                                        "rank": n})
            if amount is not None:
                f["amount"] = (f["amount"] or 0) + amount
                f["share"] = (f["share"] or 0) + amount / len(funders)
    for oid, props in funded.items():
        plan.batch.rel("FUNDED_BY", "Action", action_id, "Organisation", oid, props, rec.loc("funder_1"), key=plan.id)


_MEASURE_REF = re.compile(r"(?i)\b(eci|cae)[\s_-]*(\d+(?:\.\d+)*)")


def measure_links(rec: Record, plan, action_id: str) -> None:
    """« eci 3.5 – … » in « Mesures liées » / « Actions liées » → the référentiel item eci_3.5 (an item of
    the shipped référentiel; its node is mentioned here, so the link holds whether the référentiel is
    loaded before or after the plan). Other items are said and not linked."""
    for column in ("linked_measures", "linked_actions"):
        text = rec.get(column)
        if not text:
            continue
        for prefix, number in _MEASURE_REF.findall(text):
            number = number.rstrip(".")
            if prefix.lower() != "eci":
                plan.warn("measure_not_linked", f"« {prefix} {number} »: the référentiel climat-air-énergie is not "
                                                "loaded by eitgraph; the text stays on the action", rec.loc(column))
                continue
            if number not in plan.eci_numbers:
                plan.warn("measure_unknown", f"« eci {number} » is not an item of the référentiel économie "
                                             "circulaire: not linked", rec.loc(column))
                continue
            mid = measure_id(number)
            level = number.count(".") + 1
            plan.batch.node("Measure", mid, {"referentiel": "eci", "number": number, "level": level,
                                             "kind": LEVELS[level]}, ["ReferentielItem"], rec.loc(column))
            plan.batch.rel("CONTRIBUTES_TO", "Action", action_id, "Measure", mid, {"via": "linked"}, rec.loc(column))
            plan.measures.setdefault(mid, rec.loc(column))


def _pillar_code(text: str) -> str | None:
    f = fold(text)
    for code, p in PILLARS.items():
        if f in (fold(code), fold(p["name"])):
            return code
    return PILLAR_ALIASES.get(f)


def pillar_and_category_links(rec: Record, batch: GraphBatch, action_id: str, title: str, infer: bool,
                               known_categories: set[str], problems) -> None:
    pillars: dict[str, str] = {}
    for text in split_names(rec.get("pillars")):
        code = _pillar_code(text)
        if code is None:
            problems.add(f"unknown pillar {text!r}; pillars: {', '.join(p['name'] for p in PILLARS.values())}",
                         rec.loc("pillars"))
        else:
            pillars[code] = "column"
    cats: dict[str, str] = {}
    for text in split_names(rec.get("categories")):
        try:
            cats[category_code(text)] = "column"
        except ValueError as exc:
            problems.add(str(exc), rec.loc("categories"))
    if infer:
        text = fold(" ".join(v for v in (title, rec.get("description")) if v))
        if not rec.get("pillars"):
            pillars.update({code: "keywords" for code, rx in PILLAR_PATTERNS.items() if rx.search(text)})
        if not rec.get("categories"):
            cats.update({code: "keywords" for code, rx in CATEGORY_PATTERNS.items()
                         if code in known_categories and rx.search(text)})
    for code, via in pillars.items():
        batch.node("Measure", pillar_id(code), pillar_props(code), ["Pillar"], rec.loc("pillars"))
        batch.rel("CONTRIBUTES_TO", "Action", action_id, "Measure", pillar_id(code), {"via": via}, rec.loc("pillars"))
    for code, via in cats.items():
        batch.rel("TARGETS", "Action", action_id, "MaterialCategory", code, {"via": via}, rec.loc("categories"))
