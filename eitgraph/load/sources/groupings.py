"""Declared groupings of territories (PETR, Pays…) → Territory nodes with PART_OF from their members."""

from __future__ import annotations

from ..graphbatch import GraphBatch
from ..records import Record


def transform(records: list[Record], ctx) -> GraphBatch:
    batch = GraphBatch()
    members = {r.get("member") for r in records if r.get("member")}
    known = ctx.existing("Territory", members)
    for rec in records:
        code, member = rec.get("code"), rec.get("member")
        if not code or not member:
            continue
        kind = rec.get("type")
        batch.node("Territory", code, {"name": rec.get("name"), "kind": (kind or "").lower()},
                   ["PETR"] if kind == "PETR" else [], rec.loc("code"))
        if member not in known:
            ctx.problems.add(f"member {member!r} is not a territory in the graph (load the EPCI and communes "
                             "first; EPCI are identified by SIREN, communes by INSEE code)", rec.loc("member"))
            continue
        batch.rel("PART_OF", "Territory", member, "Territory", code, location=rec.loc("member"))
    return batch
