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


@dataclass(slots=True)
class NodeRow:
    label: str
    key: str
    props: dict[str, Any]
    sublabels: set[str]
    location: Location


@dataclass(slots=True)
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
    # Organisations named by text only (a diagnosed site, a synergy party): label -> key -> (text, where)
    refs: dict[str, dict[str, tuple[str, Location]]] = field(default_factory=dict)
    hints: dict[str, str] = field(default_factory=dict)
    # (number of relationships indexed, label -> end key -> where first used): see end_keys
    _ends: tuple[int, dict] | None = field(default=None, init=False, repr=False, compare=False)

    def node(self, label: str, key: str, props: dict, sublabels=(), location: Location | None = None) -> None:
        """Add a node; the same key again must carry the same values (missing values are filled in)."""
        props = {k: v for k, v in props.items() if v is not None and (v.__class__ is not list or v)}  # no None, []
        location = location or Location()
        rows = self.nodes.setdefault(label, {})
        existing = rows.get(key)
        if existing is None:
            rows[key] = NodeRow(label, key, props, set(sublabels), location)
            return
        clashes = [f"{k} {existing.props[k]!r} (row {existing.location.row}) vs {v!r}"
                   for k, v in props.items() if k in existing.props and existing.props[k] != v]
        if clashes:
            shown = key.split(":", 1)[1].split("@")[0] if key[:2] in ("h:", "n:") else key  # a file's own key
            self.problems.add(f"{shown!r} appears twice with different values: " + "; ".join(clashes), location)
            return
        for k, v in props.items():
            existing.props.setdefault(k, v)
        existing.sublabels.update(sublabels)

    def rel(self, rtype: str, from_label: str, from_key: str, to_label: str, to_key: str,
            props: dict | None = None, location: Location | None = None, key: str | None = None) -> None:
        """Add a relationship; ``key`` is the value of the type's key property, if it has one."""
        props = {k: v for k, v in (props or {}).items() if v is not None and (v.__class__ is not list or v)}
        ident = (rtype, from_label, from_key, to_label, to_key, key)
        existing = self.rels.get(ident)
        if existing is None:
            self.rels[ident] = RelRow(rtype, from_label, from_key, to_label, to_key, props,
                                      location or Location(), key)
        else:
            for k, v in props.items():
                existing.props.setdefault(k, v)

    def ref(self, label: str, text: str, location: Location | None = None, hint: str = "") -> str:
        """A key standing for the node ``text`` names (an id, SIRET or name), found when the batch is
        written; relationships use it as an end. ``hint`` ends the message when it is not found."""
        text = text.strip()
        key = "ref:" + text
        named = self.refs.setdefault(label, {})
        if key not in named:  # else named on an earlier row: its first place stays
            named[key] = (text, location or Location())
        if hint:
            self.hints[key] = hint
        return key

    def end_keys(self, label: str) -> dict[str, Location]:
        """Keys of ``label`` that relationships use as ends but the batch neither writes nor refers
        to by text: they must already be in the graph."""
        written, named = self.nodes.get(label, {}), self.refs.get(label, {})
        return {k: loc for k, loc in self._end_index().get(label, {}).items() if k not in written and k not in named}

    def _end_index(self) -> dict[str, dict[str, Location]]:
        """Every relationship end, with the first relationship's location, in one pass: a plan asks for the ends
        of each label (measured: 15 passes over 79,000 relationships, 0.3 s of a 50,000-row diagnostics load).
        Relationships are only ever added, so their number tells whether the index is current."""
        if self._ends is None or self._ends[0] != len(self.rels):
            index: dict[str, dict[str, Location]] = {}
            for r in self.rels.values():
                index.setdefault(r.from_label, {}).setdefault(r.from_key, r.location)
                index.setdefault(r.to_label, {}).setdefault(r.to_key, r.location)
            self._ends = (len(self.rels), index)
        return self._ends[1]

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
