"""What a load's plan is made of, and what it reads about the datasets: the order of precedence, the
elements already in the graph, the plan itself, and the merge decisions."""

from __future__ import annotations

import json
from collections import Counter, defaultdict
from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import Any

from .notes import Note


class Precedence:
    """The order in which datasets' values win: kind first, then dataset id (never load order)."""

    def __init__(self, kinds: dict[str, str], ranks: dict[str, int]):
        self.kinds = kinds
        self.ranks = ranks

    def key(self, dataset: str) -> tuple:
        return (self.ranks.get(self.kinds.get(dataset, ""), 90), dataset)

    def order(self, datasets: Iterable[str]) -> list[str]:
        return sorted(set(datasets), key=self.key)


@dataclass
class Element:
    """A node or relationship already in the graph."""

    eid: str
    props: dict[str, Any]
    labels: tuple[str, ...] = ()  # sub-labels (nodes)
    a: str | None = None  # relationship ends (elementIds)
    b: str | None = None

    @property
    def sources(self) -> list[str]:
        return list(self.props.get("sources") or [])


@dataclass
class Plan:
    """The writes of one load, grouped the way the query builder writes them."""

    node_creates: dict[tuple, list[dict]] = field(default_factory=lambda: defaultdict(list))
    node_updates: list[dict] = field(default_factory=list)
    relabels: list[dict] = field(default_factory=list)
    node_deletes: dict[str, list[str]] = field(default_factory=lambda: defaultdict(list))
    rel_creates: dict[tuple, list[dict]] = field(default_factory=lambda: defaultdict(list))
    # New relationships of the load's own values alone, without their provenance: they all get ``stamp``.
    rel_stamped: dict[tuple, list[dict]] = field(default_factory=lambda: defaultdict(list))
    stamp: dict[str, Any] = field(default_factory=dict)  # source, sources, loaded_at
    rel_updates: dict[str, list[dict]] = field(default_factory=lambda: defaultdict(list))
    rel_deletes: dict[str, list[dict]] = field(default_factory=lambda: defaultdict(list))
    written: Counter = field(default_factory=Counter)   # what the dataset holds now, per label/type
    changed: Counter = field(default_factory=Counter)   # elements created or changed
    deleted: Counter = field(default_factory=Counter)
    owned_before: int = 0
    notes: list[Note] = field(default_factory=list)

    def size(self) -> int:
        return (sum(len(v) for v in self.node_creates.values()) + len(self.node_updates) + len(self.relabels)
                + sum(len(v) for v in self.node_deletes.values()) + sum(len(v) for v in self.rel_creates.values())
                + sum(len(v) for v in self.rel_stamped.values())
                + sum(len(v) for v in self.rel_updates.values()) + sum(len(v) for v in self.rel_deletes.values()))


def same_values(a: dict, b: dict) -> bool:
    """Equal stored values, ignoring the load time."""
    skip = ("loaded_at",)
    return {k: v for k, v in a.items() if k not in skip} == {k: v for k, v in b.items() if k not in skip}


def cascade_datasets(tx, dataset: str, nodes: list[str], chunk: int = 5000) -> list[str]:
    """Datasets other than ``dataset`` with relationships on these nodes."""
    found: set[str] = set()
    for i in range(0, len(nodes), chunk):
        for r in tx.run("UNWIND $ids AS i MATCH (n) WHERE elementId(n) = i MATCH (n)-[x]-() "
                        "RETURN collect(DISTINCT x.sources) AS rows", ids=nodes[i:i + chunk]):
            for sources in r["rows"]:
                found.update(sources or ())
    found.discard(dataset)
    return sorted(found)


DECISIONS = "decisions:same-as"


def same_as(tx) -> list:
    """The merge decisions (``eitgraph merge``): groups of (dataset, key) mentions that are one."""
    row = tx.run("MATCH (d:Dataset {id: $id}) RETURN d.groups AS g", id=DECISIONS).single()
    return [[tuple(m) for m in group] for group in json.loads(row["g"])] if row and row["g"] else []


def datasets_known(tx) -> list[tuple[str, str, str]]:
    """(id, kind, file name) of every dataset."""
    rows = []
    for r in tx.run("MATCH (d:Dataset) RETURN collect([d.id, d.kind, d.file]) AS rows"):
        rows.extend(r["rows"])
    return [tuple(r) for r in rows]
