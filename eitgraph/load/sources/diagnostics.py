"""Company flow diagnostics → flows (OUTPUTS / INPUTS), materials, partners and SUPPLIES."""

from __future__ import annotations

import difflib

from ...model.materials import category_code, category_of_low, known_low_code, normalise_quantity, waste_codes
from ...model.organisation_kinds import KINDS
from ...values import fold, parse_boolean, slug
from ..graphbatch import GraphBatch
from ..records import Record

ORGANISATIONS = "MATCH (o:Organisation) RETURN o.id AS id, o.name AS name, o.siret AS siret"
# The same in one record holding a list: a record per organisation costs the driver more than the query.
_ORGANISATION_LIST = "MATCH (o:Organisation) RETURN collect([o.id, o.name, o.siret]) AS orgs"
SIMILAR = 0.85  # folded-name similarity above which an unknown partner is a probable duplicate


class Directory:
    """Finds organisations by id, SIRET or exact name, and names close to an unknown one."""

    def __init__(self, rows: list[dict]):
        self.by_key: dict[str, str] = {}
        self.names: dict[str, tuple[str, str]] = {}
        for r in rows:
            self.by_key[r["id"]] = r["id"]
            if r.get("siret"):
                self.by_key[r["siret"]] = r["id"]
            if r.get("name"):
                self.by_key.setdefault(fold(r["name"]), r["id"])
                self.names[fold(r["name"])] = (r["id"], r["name"])

    def find(self, text: str) -> str | None:
        return self.by_key.get(text.strip()) or self.by_key.get(text.replace(" ", "")) or self.by_key.get(fold(text))

    def similar(self, text: str) -> tuple[str, str] | None:
        close = difflib.get_close_matches(fold(text), list(self.names), n=1, cutoff=SIMILAR)
        return self.names[close[0]] if close else None

    def add(self, org_id: str, name: str) -> None:
        self.by_key[org_id] = org_id
        self.by_key.setdefault(fold(name), org_id)


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


def transform(records: list[Record], ctx) -> GraphBatch:
    batch = GraphBatch()
    problems = ctx.problems
    create_missing = ctx.options.get("create_missing")
    if isinstance(create_missing, str):
        create_missing = parse_boolean(create_missing)
    orgs = Directory([{"id": i, "name": n, "siret": s}
                      for r in ctx.lookup(_ORGANISATION_LIST, {}) for i, n, s in r["orgs"]])
    seen_flows: dict[tuple, int] = {}

    def organisation(text: str, rec: Record, column: str, create: bool, kind: str) -> str | None:
        org_id = orgs.find(text)
        if org_id:
            return org_id
        close = orgs.similar(text)
        if close:
            problems.add(f"{text!r} is not a known organisation but is close to {close[1]!r} (id {close[0]}): "
                         "probable duplicate; write its identifier or exact name", rec.loc(column))
            return None
        if not create:
            problems.add(f"site {text!r} is not loaded (no organisation with this id, SIRET or name); load the "
                         "stakeholders first or use --option create_missing=true", rec.loc(column))
            return None
        org_id = text if text.isdigit() and len(text) == 14 else slug(text)
        batch.node("Organisation", org_id, {"name": text, "kind": kind, "siret": text if org_id == text else None},
                   [KINDS[kind].label], rec.loc(column))
        orgs.add(org_id, text)
        return org_id

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
                    quantity, unit = normalise_quantity(quantity, rec.get("unit"), rec.get("period"), category)
                except ValueError as exc:
                    problems.add(str(exc), rec.loc("unit"))
        if site is None or code is None:
            continue
        flow = f"{slug(label)}@{partner or ''}"
        ident = (site, direction, flow)
        if ident in seen_flows:
            problems.add(f"duplicate flow: {site} already has this {direction} flow of {label!r} with the same "
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
