"""The ``circular-loops`` query: closed loops of exchanges, computed on the extracted graph."""

from __future__ import annotations

from collections import defaultdict

import pandas as pd

from .extract import exchanges
from .loops import simple_cycles

COLUMNS = ["loop", "length", "members", "names", "materials", "categories", "bottleneck", "unit", "statuses"]


def circular_loops(kb, max_length: int = 5, status=None, territory: str | None = None,
                   category: str | None = None) -> pd.DataFrame:
    """Each simple directed loop of SUPPLIES once (members from the smallest id), with its materials,
    the smallest exchanged quantity along it (when all steps share a unit) and the statuses met."""
    edges = exchanges(kb, status, territory, category)
    by_pair: dict[tuple[str, str], list[dict]] = defaultdict(list)
    for e in edges:
        by_pair[(e["source"], e["target"])].append(e)
    names = {r["id"]: r["name"] for r in kb.store.records(
        "MATCH (o:Organisation) WHERE o.id IN $ids RETURN o.id AS id, o.name AS name",
        {"ids": sorted({n for pair in by_pair for n in pair})})}
    rows = []
    for i, cycle in enumerate(sorted(simple_cycles(by_pair.keys(), max_length), key=lambda c: (len(c), c)), 1):
        steps = [by_pair[(cycle[k], cycle[(k + 1) % len(cycle)])] for k in range(len(cycle))]
        # A step may carry several materials: its quantity is their sum, per unit.
        step_qty = []
        for step in steps:
            units = {e["unit"] for e in step}
            qty = sum(e["quantity"] for e in step if e["quantity"] is not None)
            step_qty.append((qty if all(e["quantity"] is not None for e in step) else None,
                             units.pop() if len(units) == 1 else None))
        units = {u for _, u in step_qty}
        bottleneck = (min(q for q, _ in step_qty)
                      if len(units) == 1 and None not in units and all(q is not None for q, _ in step_qty) else None)
        rows.append({
            "loop": i, "length": len(cycle), "members": list(cycle), "names": [names.get(n, n) for n in cycle],
            "materials": [" + ".join(sorted({e["label"] or e["material"] for e in step})) for step in steps],
            "categories": sorted({e["category"] for step in steps for e in step if e["category"]}),
            "bottleneck": bottleneck, "unit": units.pop() if bottleneck is not None else None,
            "statuses": sorted({e["status"] for step in steps for e in step if e["status"]}),
        })
    return pd.DataFrame(rows, columns=COLUMNS)
