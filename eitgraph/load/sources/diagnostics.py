"""Company flow diagnostics → flows (OUTPUTS / INPUTS), materials, partners and SUPPLIES."""

from __future__ import annotations

from ...model.materials import (
    category_code,
    category_of_low,
    known_low_code,
    normalise_quantity,
    split_unit,
    waste_codes,
)
from ...model.organisation_kinds import KINDS
from ...values import parse_boolean, slug
from ..graphbatch import GraphBatch
from ..identity import looks_like_handle, name_key
from ..records import Record


def _material(rec: Record, ctx) -> tuple[str | None, str | None]:
    """(material code, category) of a flow, or (None, None) after reporting the problem."""
    low, category = rec.get("low"), rec.get("category")
    code = None
    if low:
        try:
            code = known_low_code(low)
        except ValueError as exc:
            ctx.problems.add(str(exc), rec.loc("low"))
            return None, None
    if category:
        try:
            category = category_code(category)
        except ValueError as exc:
            ctx.problems.add(str(exc), rec.loc("category"))
            return None, None
    elif code:
        category = category_of_low(code)
    if not code and not category:
        ctx.problems.add("a flow needs a List of Waste code or a category", rec.loc("low"))
        return None, None
    return code or f"{category}:{slug(rec.get('label'))}", category


def partner_mention(batch: GraphBatch, text: str, kind: str, location) -> str:
    """A supplier or collector named by a diagnostic: the file says its name (or id, or SIRET) and
    what it does; :mod:`eitgraph.identity` finds it among the organisations of other files."""
    text = text.strip()
    compact = text.replace(" ", "")
    if compact.isdigit() and len(compact) == 14:
        key, props = compact, {"siret": compact, "name": None}
    else:
        key, props = "n:" + name_key(text), {"name": text}
        if looks_like_handle(text):  # may be another file's identifier: matched as one, never made an id
            props["_handle"] = text
    if key in batch.nodes.get("Organisation", {}):  # named on an earlier row: the first spelling stays
        return key
    props.update({"kind": kind, "_created": True})
    batch.node("Organisation", key, props, [KINDS[kind].label], location)
    return key


def transform(records: list[Record], ctx) -> GraphBatch:
    batch = GraphBatch()
    problems = ctx.problems
    create_missing = ctx.options.get("create_missing")
    if isinstance(create_missing, str):
        create_missing = parse_boolean(create_missing)
    seen_flows: dict[tuple, int] = {}

    def organisation(text: str, rec: Record, column: str, create: bool, kind: str) -> str:
        if create:
            return partner_mention(batch, text, kind, rec.loc(column))
        return batch.ref("Organisation", text, rec.loc(column),
                         "load the stakeholders first or use --option create_missing=true")

    for rec in records:
        site_text, direction, label = rec.get("site"), rec.get("direction"), rec.get("label")
        if not site_text or not direction or not label:
            continue
        site = organisation(site_text, rec, "site", bool(create_missing), "company")
        code, category = _material(rec, ctx)
        partner = None
        if rec.get("partner"):
            partner = organisation(rec.get("partner"), rec, "partner", True,
                                   "waste_operator" if direction == "out" else "company")
        quantity, unit = rec.get("quantity"), None
        if quantity is not None:
            if quantity < 0:
                problems.add(f"negative quantity {quantity:g}", rec.loc("quantity"))
                quantity = None
            elif not rec.get("unit"):
                problems.add("a quantity needs a unit (kg, t, L, m3, kWh, MWh, unités)", rec.loc("unit"))
            elif category:
                try:
                    written, per = split_unit(rec.get("unit"))  # « t/an » in the unit column
                except ValueError:
                    written, per = rec.get("unit"), None
                try:
                    quantity, unit = normalise_quantity(quantity, written, rec.get("period") or per, category)
                except ValueError as exc:
                    problems.add(str(exc), rec.loc("unit"))
        if site is None or code is None:
            continue
        flow = f"{slug(label)}@{slug(rec.get('partner')) if partner else ''}"
        ident = (site, direction, flow)
        if ident in seen_flows:
            problems.add(f"duplicate flow: {site_text} already has this {direction} flow of {label!r} with the same "
                         f"partner (row {seen_flows[ident]})", rec.loc("label"))
            continue
        seen_flows[ident] = rec.row
        if code not in waste_codes():
            batch.node("Material", code, {"label": label, "category": category}, location=rec.loc("label"))
            batch.rel("IN_CATEGORY", "Material", code, "MaterialCategory", category, location=rec.loc("category"))
        status = rec.get("status") or "existing"
        props = {
            "flow": flow, "label": label, "category": category, "quantity": quantity, "unit": unit,
            "original_quantity": rec.get("quantity"), "original_unit": rec.get("unit"), "period": rec.get("period"),
            "partner": partner, "cost": rec.get("cost"), "comment": rec.get("comment"),
        }
        if direction == "out":
            props["treatment"] = rec.get("treatment")
        rtype = "OUTPUTS" if direction == "out" else "INPUTS"
        batch.rel(rtype, "Organisation", site, "Material", code, props, rec.loc("label"), key=flow)
        if partner:
            src, dst = (site, partner) if direction == "out" else (partner, site)
            batch.rel("SUPPLIES", "Organisation", src, "Organisation", dst,
                      {"label": label, "category": category, "quantity": quantity, "unit": unit, "status": status},
                      rec.loc("partner"), key=code)
    return batch
