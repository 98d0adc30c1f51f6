"""What an action row links the action to: its axes, the organisations, services and persons around it,
its funders and their amounts, the référentiel measures it names, and its pillars and material
categories (from their columns or, unless ``infer=false``, the keyword rules)."""

from __future__ import annotations

import datetime as dt
import re

from ....errors import Location
from ....model.materials import category_code
from ....values import fold, parse_amount, parse_date
from ...graphbatch import GraphBatch
from ...records import Record
from ..referentiel import PILLARS, measure_id, pillar_id, pillar_props
from .keywords import CATEGORY_PATTERNS, PILLAR_ALIASES, PILLAR_PATTERNS
from .numbering import parse_axis, short_slug, split_names
from .organisations import Names
from .workbook import PLACEHOLDER


def axis_path(rec: Record, above: list[tuple[str, str]], problems) -> list[tuple[str, str]]:
    cells = [(col, rec.get(col)) for col in ("axis", "sub_axis", "sub_sub_axis")]
    deepest = max((i for i, (_, v) in enumerate(cells) if v), default=-1)
    path: list[tuple[str, str]] = []
    for i in range(deepest + 1):
        col, value = cells[i]
        if value:
            path.append((col, value))
        elif i < len(above):  # merged cells: inherit the level from the row above
            path.append(above[i])
        else:
            problems.add(f"« {rec.headers.get(cells[i + 1][0], cells[i + 1][0])} » is given without the level above "
                         "it on this row or the rows above", rec.loc(cells[i + 1][0]))
            return []
    return path


def amount_of(text: str | None, loc: Location, budget_text: str, problems) -> tuple[float | None, str | None]:
    if not text or text.strip() in {"-", "–", "—"}:
        return None, None
    try:
        return parse_amount(text), None
    except ValueError as exc:
        if budget_text == "keep" and "TTC" not in str(exc):
            return None, text
        problems.add(f"{exc} (or load with -o budget_text=keep to keep free text)", loc)
        return None, None


def date_of(rec: Record, column: str, problems) -> dt.date | None:
    text = rec.get(column)
    if not text:
        return None
    try:
        return parse_date(text)
    except ValueError as exc:
        problems.add(str(exc), rec.loc(column))
        return None


def funder_links(rec: Record, ctx, names: Names, batch: GraphBatch, action_id: str, plan_id: str,
                 amount_cols: dict, raw_rows: dict, budget_text: str) -> None:
    funded: dict[str, dict] = {}
    for n in (1, 2, 3):
        if f"amount_{n}" in rec.headers:
            text, loc = rec.get(f"amount_{n}"), rec.loc(f"amount_{n}")
        elif amount_cols.get(n):
            idx, label = amount_cols[n]
            cells = raw_rows.get(rec.row, [])
            text = cells[idx] if idx < len(cells) else None
            if text and fold(text).startswith(PLACEHOLDER):
                text = None
            loc = rec.table.location(rec.row, label)
        else:
            text, loc = None, rec.loc(f"funder_{n}")
        amount, _ = amount_of(text, loc, budget_text, ctx.problems)
        funders = [o for o in (names.organisation(x, rec.loc(f"funder_{n}"))
                               for x in split_names(rec.get(f"funder_{n}"))) if o]
        if amount is not None and not funders and not split_names(rec.get(f"funder_{n}")):
            ctx.problems.add(f"an amount is given for Financeur {n} but no funder is named", loc)
            continue
        for oid in funders:
            f = funded.setdefault(oid, {"plan": plan_id, "amount": None, "share": None, "co_funders": len(funders),
                                        "rank": n})
            if amount is not None:
                f["amount"] = (f["amount"] or 0) + amount
                f["share"] = (f["share"] or 0) + amount / len(funders)
    for oid, props in funded.items():
        batch.rel("FUNDED_BY", "Action", action_id, "Organisation", oid, props, rec.loc("funder_1"), key=plan_id)


_MEASURE_REF = re.compile(r"(?i)\b(eci|cae)[\s_-]*(\d+(?:\.\d+)*)")


def measure_links(rec: Record, batch: GraphBatch, action_id: str, eci_numbers, problems) -> None:
    for column in ("linked_measures", "linked_actions"):
        text = rec.get(column)
        if not text:
            continue
        for prefix, number in _MEASURE_REF.findall(text):
            if prefix.lower() != "eci":
                continue  # climat-air-énergie référentiel: not loaded, the text stays on the action
            number = number.rstrip(".")
            if number not in eci_numbers:
                problems.add(f"« eci {number} » is not an item of the référentiel économie circulaire", rec.loc(column))
                continue
            batch.rel("CONTRIBUTES_TO", "Action", action_id, "Measure", measure_id(number),
                      {"via": "linked"}, rec.loc(column))


def _pillar_code(text: str) -> str | None:
    f = fold(text)
    for code, p in PILLARS.items():
        if f in (fold(code), fold(p["name"])):
            return code
    return PILLAR_ALIASES.get(f)


def pillar_and_category_links(rec: Record, batch: GraphBatch, action_id: str, infer: bool,
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
        text = fold(" ".join(v for v in (rec.get("title"), rec.get("sub_action"), rec.get("description")) if v))
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


def axes(rec: Record, batch: GraphBatch, plan_id: str, action_id: str, path: list[tuple[str, str]]) -> None:
    """The action's axis path as Axis nodes (keyed by the plan and the numbers, or slugs, of the path)
    under the plan, and the action UNDER its deepest axis."""
    parent = None
    keys: list[str] = []
    for level, (col, text) in enumerate(path, start=1):
        num, name = parse_axis(text)
        keys.append(num or short_slug(name, 60))
        axis_id = f"{plan_id}:{'/'.join(keys)}"
        batch.node("Axis", axis_id, {"plan": plan_id, "number": num, "name": name, "level": level},
                   location=rec.loc(col))
        if parent:
            batch.rel("SUBAXIS_OF", "Axis", axis_id, "Axis", parent, location=rec.loc(col))
        else:
            batch.rel("AXIS_OF", "Axis", axis_id, "Plan", plan_id, location=rec.loc(col))
        parent = axis_id
    if parent:
        batch.rel("UNDER", "Action", action_id, "Axis", parent, location=rec.loc("title"))


def people(rec: Record, batch: GraphBatch, action_id: str, leads: list[str], partners: list[str]) -> None:
    """Lead and partner organisations, lead services and the persons who pilot or are elected referents."""
    for oid in leads:
        batch.rel("LEADS", "Organisation", oid, "Action", action_id, location=rec.loc("leads"))
    for oid in partners:
        if oid not in leads:
            batch.rel("PARTNER_OF", "Organisation", oid, "Action", action_id, location=rec.loc("partners"))
    for name in split_names(rec.get("services")):
        sid = "service:" + short_slug(name, 60)
        batch.node("Service", sid, {"name": name}, location=rec.loc("services"))
        batch.rel("LEADS", "Service", sid, "Action", action_id, location=rec.loc("services"))
    for column, rtype in (("pilots", "PILOTS"), ("referents", "REFERENT_FOR")):
        for name in split_names(rec.get(column)):
            pid = short_slug(name, 60)
            batch.node("Person", pid, {"name": name}, location=rec.loc(column))
            batch.rel(rtype, "Person", pid, "Action", action_id, location=rec.loc(column))
