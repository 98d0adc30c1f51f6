"""Synergy leads → Synergy nodes, the organisations taking part, their category and materials."""

from __future__ import annotations

from ...model.materials import category_code, known_low_code
from ...values import fold
from ..graphbatch import GraphBatch
from ..records import Record

ROLES = {"fournisseur": "supplier", "supplier": "supplier", "receveur": "receiver", "receiver": "receiver",
         "porteur": "lead", "lead": "lead", "pilote": "lead", "partenaire": "partner", "partner": "partner"}


def transform(records: list[Record], ctx) -> GraphBatch:
    batch = GraphBatch()
    problems = ctx.problems
    for rec in records:
        sid = rec.get("id")
        if not sid or not rec.get("title"):
            continue
        category = None
        if rec.get("category"):
            try:
                category = category_code(rec.get("category"))
            except ValueError as exc:
                problems.add(str(exc), rec.loc("category"))
        batch.node("Synergy", sid, {"title": rec.get("title"), "theme": rec.get("theme"), "type": rec.get("type"),
                                    "status": rec.get("status") or "idea", "category": category,
                                    "description": rec.get("description"), "jobs": rec.get("jobs"),
                                    "trainings": rec.get("trainings")}, location=rec.loc("id"))
        if category:
            batch.rel("ABOUT", "Synergy", sid, "MaterialCategory", category, location=rec.loc("category"))
        for part in rec.get("organisations", []):
            org, _, role = part.partition(":")
            org, role = org.strip(), fold(role) or "partner"
            if role not in ROLES:
                problems.add(f"unknown role {role!r} for {org!r}; roles: fournisseur, receveur, porteur, "
                             "partenaire", rec.loc("organisations"))
            else:
                ref = batch.ref("Organisation", org, rec.loc("organisations"))
                batch.rel("PARTY_TO", "Organisation", ref, "Synergy", sid, {"role": ROLES[role]},
                          rec.loc("organisations"))
        for text in rec.get("materials", []):
            try:
                code = known_low_code(text)
            except ValueError as exc:
                problems.add(str(exc), rec.loc("materials"))
                continue
            batch.rel("CONCERNS", "Synergy", sid, "Material", code, location=rec.loc("materials"))
    return batch
