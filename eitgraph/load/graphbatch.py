"""What a transform produces: nodes and relationships to write, checked for conflicts.

>>> from eitgraph.errors import Location
>>> b = GraphBatch()
>>> b.node("Organisation", "acme", {"name": "ACME"}, ["Company"], Location("a.csv", row=2))
>>> b.node("Organisation", "acme", {"name": "ACME SA"}, ["Company"], Location("a.csv", row=5))
>>> print(b.problems.items[0])
a.csv, row 5: 'acme' appears twice with different values: name 'ACME' (row 2) vs 'ACME SA'
"""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass, field
from typing import Any

from ..errors import Location, Problems


@dataclass
class NodeRow:
    label: str
    key: str
    props: dict[str, Any]
    sublabels: set[str]
    location: Location


@dataclass
class RelRow:
    type: str
    from_label: str
    from_key: str
    to_label: str
    to_key: str
    props: dict[str, Any]
    location: Location
    key: str | None = None


@dataclass
class GraphBatch:
    nodes: dict[str, dict[str, NodeRow]] = field(default_factory=dict)
    rels: dict[tuple, RelRow] = field(default_factory=dict)
    problems: Problems = field(default_factory=Problems)

    def node(self, label: str, key: str, props: dict, sublabels=(), location: Location | None = None) -> None:
        """Add a node; the same key again must carry the same values (missing values are filled in)."""
        props = {k: v for k, v in props.items() if v is not None and v != []}
        location = location or Location()
        rows = self.nodes.setdefault(label, {})
        existing = rows.get(key)
        if existing is None:
            rows[key] = NodeRow(label, key, props, set(sublabels), location)
            return
        clashes = [f"{k} {existing.props[k]!r} (row {existing.location.row}) vs {v!r}"
                   for k, v in props.items() if k in existing.props and existing.props[k] != v]
        if clashes:
            self.problems.add(f"{key!r} appears twice with different values: " + "; ".join(clashes), location)
            return
        for k, v in props.items():
            existing.props.setdefault(k, v)
        existing.sublabels.update(sublabels)

    def rel(self, rtype: str, from_label: str, from_key: str, to_label: str, to_key: str,
            props: dict | None = None, location: Location | None = None, key: str | None = None) -> None:
        """Add a relationship; ``key`` is the value of the type's key property, if it has one."""
        props = {k: v for k, v in (props or {}).items() if v is not None and v != []}
        ident = (rtype, from_label, from_key, to_label, to_key, key)
        existing = self.rels.get(ident)
        if existing is None:
            self.rels[ident] = RelRow(rtype, from_label, from_key, to_label, to_key, props,
                                      location or Location(), key)
        else:
            for k, v in props.items():
                existing.props.setdefault(k, v)

    def has_node(self, label: str, key: str) -> bool:
        return key in self.nodes.get(label, {})

    def counts(self) -> dict[str, int]:
        out: Counter = Counter()
        for label, rows in self.nodes.items():
            out[label] += len(rows)
        for r in self.rels.values():
            out[r.type] += 1
        return dict(sorted(out.items()))

    def size(self) -> int:
        return sum(len(v) for v in self.nodes.values()) + len(self.rels)
