"""The ``circular-loops`` query: closed loops of exchanges, computed on the extracted graph."""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass

import pandas as pd

from ..graphread import Exchange, GraphSource, reader
from .loops import simple_cycles

COLUMNS = ["loop", "length", "members", "names", "materials", "categories", "bottleneck", "unit", "statuses"]


@dataclass(frozen=True)
class Step:
    """Everything exchanged from one organisation to the next, summarised once per pair."""

    materials: str
    categories: frozenset
    statuses: frozenset
    quantity: float | None  # the sum when every exchange of the step has a quantity in one unit
    unit: str | None


def _steps(edges: list[dict]) -> dict[tuple[str, str], Step]:
    by_pair: dict[tuple[str, str], list[dict]] = defaultdict(list)
    for e in edges:
        by_pair[(e["source"], e["target"])].append(e)
    steps = {}
    for pair, items in by_pair.items():
        units = {e["unit"] for e in items}
        known = all(e["quantity"] is not None for e in items) and len(units) == 1
        steps[pair] = Step(" + ".join(sorted({e["label"] or e["material"] for e in items})),
                           frozenset(e["category"] for e in items if e["category"]),
                           frozenset(e["status"] for e in items if e["status"]),
                           sum(e["quantity"] for e in items) if known else None,
                           next(iter(units)) if known else None)
    return steps


def circular_loops(graph: GraphSource, max_length: int = 5, status=None, territory: str | None = None,
                   category: str | None = None) -> pd.DataFrame:
    """Each simple directed loop of SUPPLIES once (members from the smallest id), with its materials,
    the smallest exchanged quantity along it (when all steps share a unit) and the statuses met."""
    graph = reader(graph)
    return loops_of(graph, graph.exchanges(status, territory, category), max_length)


def loops_of(graph: GraphSource, edges: list[Exchange], max_length: int = 5) -> pd.DataFrame:
    """:func:`circular_loops` of exchanges already extracted and filtered (``graph`` names the members)."""
    steps = _steps(edges)
    cycles = sorted(simple_cycles(steps.keys(), max_length), key=lambda c: (len(c), c))
    names = {k: r["name"] for k, r in reader(graph).organisations_by_id(n for c in cycles for n in c).items()}
    rows = []
    for i, cycle in enumerate(cycles, 1):
        path = [steps[(cycle[k], cycle[(k + 1) % len(cycle)])] for k in range(len(cycle))]
        units = {s.unit for s in path}
        bottleneck = min(s.quantity for s in path) if len(units) == 1 and None not in units else None
        rows.append((i, len(cycle), list(cycle), [names.get(n, n) for n in cycle], [s.materials for s in path],
                     sorted(frozenset().union(*(s.categories for s in path))), bottleneck,
                     path[0].unit if bottleneck is not None else None,
                     sorted(frozenset().union(*(s.statuses for s in path)))))
    return pd.DataFrame(rows, columns=COLUMNS)
