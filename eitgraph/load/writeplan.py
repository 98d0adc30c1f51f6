"""From a dataset's batch to the writes that leave the graph as a fresh load of the final files would.

A load reads what the graph holds for the labels and types the dataset writes or wrote (its own
elements, and those of other datasets its rows name), computes every element's new values from
the contributions of all its datasets (:mod:`eitgraph.contributions`), and writes only what
changes: creates, full replacements (properties a file no longer gives disappear), deletions of
what no dataset holds any more, and label changes. Organisations are matched to those already in
the graph by :mod:`eitgraph.identity`, so a file version under another name, or another kind of
file naming the same organisation, updates the same node.

Nothing here depends on the order in which datasets were loaded: values follow a fixed precedence
(kind, then dataset id), and a dataset's own earlier version only counts where no other dataset
gives an answer.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Callable, Iterable
from typing import Any

from ..errors import EitgraphError, Problems
from ..model.graph import Model
from ..store import plain
from .contributions import Contribution, contributions_of, decode, encode, merge, stored_props
from .graphbatch import GraphBatch
from .orgplan import OrganisationPlan
from .planstate import Element, Plan, Precedence, same_values
from .querybuilder import QueryBuilder

ORG = "Organisation"
# Properties of an organisation computed from all its contributions rather than taken from one.
ORG_DERIVED = ("id", "handles", "aliases")


class LoadAborted(EitgraphError):
    """The load was stopped before commit (e.g. the deletion cap); nothing changed."""


class Planner:
    """Computes the plan of one load inside its write transaction (reads only)."""

    def __init__(self, tx, model: Model, qb: QueryBuilder, dataset: str, precedence: Precedence,
                 loaded_at: str, touched: set[str], batch_size: int = 5000, same_as=()):
        self.tx = tx
        self.model = model
        self.qb = qb
        self.d = dataset
        self.prec = precedence
        self.now = loaded_at
        self.touched = touched
        self.batch_size = batch_size
        self.plan = Plan()
        self.problems = Problems()
        # label -> batch key -> where the node is: an elementId, or ("new", label, key)
        self.refs: dict[str, dict[str, Any]] = defaultdict(dict)
        self.final_key: dict[Any, str] = {}  # node ref -> its key after the load
        self.rekeyed: dict[str, str] = {}    # organisation id before -> after
        self.same_as = same_as               # merge decisions: groups of (dataset, key) mentions
        self.files: dict[str, str] = {}      # dataset -> the name of its file, for messages
        self.org_plan: OrganisationPlan | None = None

    # -- reading ------------------------------------------------------------------------------------
    def _collect(self, cypher: str, **params) -> list:
        out = []
        for r in self.tx.run(cypher, **params):
            out.extend(r["rows"])
        return out

    def _chunks(self, items: list) -> Iterable[list]:
        for i in range(0, len(items), self.batch_size):
            yield items[i:i + self.batch_size]

    def _owned_nodes(self, label: str) -> list[Element]:
        rows = self._collect(self.qb.owned_nodes(label), source=self.d)
        return [self._node(r) for r in rows]

    def _node(self, r) -> Element:
        eid, labels, props = r
        return Element(eid, plain(props), tuple(sorted(set(labels) & self._sub_all)))

    @property
    def _sub_all(self) -> set[str]:
        return {s for n in self.model.nodes.values() for s in n.sublabels}

    def _nodes_by_key(self, label: str, keys: list[str]) -> dict[str, Element]:
        key = self.model.nodes[label].key
        out = {}
        for chunk in self._chunks(keys):
            for r in self._collect(self.qb.nodes_by_key(label), keys=chunk):
                el = self._node(r)
                out[el.props[key]] = el
        return out

    # -- contributions of existing elements ---------------------------------------------------------
    def _contribs(self, el: Element, derived: Iterable[str], key: str | None) -> dict[str, Contribution]:
        found = contributions_of(el.props, derived, key)
        if found is None:  # written outside eitgraph's loaders: nothing to merge with
            return {}
        if not el.props.get("contributions") and len(found) == 1:
            (d, c), = found.items()
            found = {d: Contribution(c.props, el.labels)}
        return found

    # -- nodes --------------------------------------------------------------------------------------
    def plan_nodes(self, batch: GraphBatch) -> None:
        for label in self.model.nodes:
            if label == "Dataset":
                continue
            rows = batch.nodes.get(label, {})
            if label not in self.touched and not rows and not batch.refs.get(label) and not batch.end_keys(label):
                continue
            if label == ORG:
                self._plan_organisations(batch)
            else:
                self._plan_keyed(label, rows, batch)

    def _apply_node(self, label: str, key_prop: str, target: Element | None, new_key: str | None,
                    contribs: dict[str, Contribution], derive: Callable | None, ref: Any) -> None:
        """Record the writes that make one node hold ``contribs`` (none: delete it)."""
        if not contribs:
            if target is not None:
                self.plan.node_deletes[label].append(target.eid)
                self.plan.deleted[label] += 1
            return
        merged = merge(contribs, self.prec.order(contribs))
        if derive:
            derive(merged, contribs)
        key = merged.props.get(key_prop) if derive else new_key
        merged.props[key_prop] = key
        props = stored_props(merged, contribs, self.now, keep_contributions=derive is not None)
        self.final_key[ref] = key
        if target is None:
            self.plan.node_creates[(label, merged.labels)].append({"ref": ref, "key": key, "props": props})
            self.plan.changed[label] += 1
            return
        old_key = target.props.get(key_prop)
        if label == ORG and old_key != key:
            self.rekeyed[old_key] = key
        if not same_values(props, target.props):
            self.plan.node_updates.append({"id": target.eid, "props": props})
            self.plan.changed[label] += 1
        if tuple(merged.labels) != tuple(target.labels):
            self.plan.relabels.append({"id": target.eid, "label": label, "final": list(merged.labels),
                                       "remove": sorted(set(target.labels) - set(merged.labels)),
                                       "add": sorted(set(merged.labels) - set(target.labels))})

    def _plan_keyed(self, label: str, rows: dict, batch: GraphBatch) -> None:
        node = self.model.nodes[label]
        owned = {el.props.get(node.key): el for el in self._owned_nodes(label)}
        self.plan.owned_before += len(owned)
        ends = batch.end_keys(label)
        wanted = sorted((set(rows) | set(ends)) - set(owned))
        others = self._nodes_by_key(label, wanted) if wanted else {}
        for key, row in rows.items():
            target = owned.get(key) or others.get(key)
            contribs = self._contribs(target, (), node.key) if target else {}
            contribs.pop(self.d, None)
            contribs[self.d] = Contribution({k: v for k, v in row.props.items() if k != node.key},
                                            tuple(row.sublabels))
            ref = target.eid if target else ("new", label, key)
            self.refs[label][key] = ref
            self._apply_node(label, node.key, target, key, contribs, None, ref)
            self.plan.written[label] += 1
        for key, el in owned.items():
            if key in rows:
                continue
            contribs = self._contribs(el, (), node.key)
            contribs.pop(self.d, None)
            self._apply_node(label, node.key, el, key, contribs, None, el.eid)
            if contribs:
                self.refs[label][key] = el.eid
        # Relationship ends the batch names without writing them must be in the graph after the load.
        for key, loc in ends.items():
            if key in self.refs[label]:
                continue
            el = others.get(key)
            if el is None:
                self.problems.add(f"{label} {key!r} is not in the graph (load it first)", loc)
            else:
                self.refs[label][key] = el.eid
                self.final_key[el.eid] = key

    # -- organisations ------------------------------------------------------------------------------
    def _plan_organisations(self, batch: GraphBatch) -> None:
        self.org_plan = OrganisationPlan(self, batch, self.same_as)
        try:
            self.org_plan.run()
        finally:
            # No cycle back to the planner: the batch and the plan are freed by reference counting when the load
            # ends, not left to the collector (measured: 570,000 objects, 0.5 to 1 s, after a 50,000-row load).
            self.org_plan.p = self.org_plan.batch = None

    # -- relationships ------------------------------------------------------------------------------
    def plan_relationships(self, batch: GraphBatch) -> None:
        by_type: dict[str, list] = defaultdict(list)
        for r in batch.rels.values():
            by_type[r.type].append(r)
        for rtype, rel in self.model.relationships.items():
            rows = by_type.get(rtype, [])
            if rtype not in self.touched and not rows:
                continue
            owned = [Element(e, _plain(p), a=a, b=b) for e, a, b, p in
                     self._collect(self.qb.owned_rels(rtype), source=self.d)]
            self.plan.owned_before += len(owned)
            ident = {(el.a, el.b, el.props.get(rel.key) if rel.key else None): el for el in owned}
            wanted: dict[tuple, list] = {}
            resolved = []
            refs = [(name, spec.ref) for name, spec in rel.properties.items() if spec.ref]
            # Others' relationships between the same ends are looked up only if the graph has any of this type.
            others_may_exist = bool(rows) and self._any(rtype)
            for r in rows:
                a = self.refs[r.from_label].get(r.from_key)
                b = self.refs[r.to_label].get(r.to_key)
                if a is None or b is None:
                    if not self.problems:  # an end that is missing is reported with its node
                        raise EitgraphError(f"internal: {rtype} end {r.from_key if a is None else r.to_key!r} "
                                            "was not planned")
                    continue
                props = self._translate(refs, r.props)
                resolved.append((r, a, b, props))
                if others_may_exist and (a, b, r.key) not in ident and isinstance(a, str) and isinstance(b, str):
                    wanted[(a, b)] = []
            others: dict[tuple, Element] = {}
            if wanted:
                pairs = [{"a": a, "b": b} for a, b in wanted]
                for chunk in self._chunks(pairs):
                    for e, a, b, p in self._collect(self.qb.rels_between(rtype), rows=chunk):
                        el = Element(e, _plain(p), a=a, b=b)
                        others[(a, b, el.props.get(rel.key) if rel.key else None)] = el
            seen = set()
            mine: dict[tuple, tuple] = {}
            for r, a, b, props in resolved:
                key = (a, b, r.key)
                if key in mine:  # two rows of the file, one relationship: values merge as in GraphBatch
                    old = mine[key]
                    mine[key] = (old[0], {**props, **old[1]})
                else:
                    mine[key] = (r, props)
            for key, (r, props) in mine.items():
                a, b, rkey = key
                target = ident.get(key) or others.get(key)
                if target is None:
                    self._new_rel(rtype, rel.key, r.from_label, r.to_label, a, b, rkey, props)
                else:
                    contribs = self._rel_contribs(target, rel.key)
                    contribs.pop(self.d, None)
                    # The key is the element's identity, not a value a dataset contributes.
                    contribs[self.d] = Contribution({k: v for k, v in props.items() if k != rel.key})
                    self._apply_rel(rtype, rel.key, r.from_label, r.to_label, target, a, b, rkey, contribs)
                self.plan.written[rtype] += 1
                seen.add(key)
            for key, el in ident.items():
                if key in seen:
                    continue
                contribs = self._rel_contribs(el, rel.key)
                contribs.pop(self.d, None)
                self._apply_rel(rtype, rel.key, None, None, el, el.a, el.b, key[2], contribs)

    def _translate(self, refs: list[tuple[str, str]], props: dict) -> dict:
        """Property values that name an organisation by its key in the batch become its final id (``refs``:
        the type's (property, label) pairs that name a node). ``props`` itself when no value changes: never changed."""
        out = props
        for name, label in refs:
            value = props.get(name)
            if value is not None:
                ref = self.refs[label].get(value)
                final = self.final_key.get(ref, value) if ref is not None else value
                if final != value:
                    if out is props:  # copied on the first change only (most rows name no organisation)
                        out = dict(props)
                    out[name] = final
        return out

    def _any(self, rtype: str) -> bool:
        return self.tx.run(self.qb.any_rel(rtype)).single() is not None

    def _rel_contribs(self, el: Element, key: str | None) -> dict[str, Contribution]:
        return contributions_of(el.props, (), key) or {}

    def _new_rel(self, rtype, key_prop, fl, tl, a, b, rkey, props: dict) -> None:
        """A relationship the graph does not hold yet: what _apply_rel writes for this dataset's contribution
        alone, without building the contribution and merging it (a diagnostics load creates 76,000 of them)."""
        out = dict(props)  # the batch left out empty values (GraphBatch.rel), and so does _translate
        if key_prop:
            out[key_prop] = rkey
        if not self.plan.stamp:
            self.plan.stamp = {"source": self.d, "sources": [self.d], "loaded_at": self.now}
        self.plan.rel_stamped[(rtype, fl, tl)].append({"a": a, "b": b, "props": out})
        self.plan.changed[rtype] += 1

    def _apply_rel(self, rtype, key_prop, fl, tl, target: Element | None, a, b, rkey,
                   contribs: dict[str, Contribution]) -> None:
        if not contribs:
            if target is not None:
                self.plan.rel_deletes[rtype].append({"a": target.a, "x": target.eid})
                self.plan.deleted[rtype] += 1
            return
        merged = merge(contribs, self.prec.order(contribs))
        if key_prop:
            merged.props[key_prop] = rkey
        props = stored_props(merged, contribs, self.now)
        if target is None:
            self.plan.rel_creates[(rtype, fl, tl)].append({"a": a, "b": b, "props": props})
            self.plan.changed[rtype] += 1
        elif not same_values(props, target.props):
            self.plan.rel_updates[rtype].append({"a": target.a, "x": target.eid, "props": props})
            self.plan.changed[rtype] += 1

    # -- organisation ids that changed: properties elsewhere that name them ---------------------------
    def plan_reference_updates(self) -> None:
        moved = {old: new for old, new in self.rekeyed.items() if old != new}
        if not moved:
            return
        planned = {u["x"] for rows in self.plan.rel_updates.values() for u in rows}
        planned |= {u["x"] for rows in self.plan.rel_deletes.values() for u in rows}
        for rtype, rel in self.model.relationships.items():
            names = [n for n, p in rel.properties.items() if p.ref == ORG]
            for name in names:
                for e, a, _b, p in self._collect(self.qb.rels_with_value(rtype, name), values=sorted(moved)):
                    if e in planned:
                        continue
                    props = _plain(p)
                    props[name] = moved[props[name]]
                    if props.get("contributions"):
                        contribs = decode(props["contributions"])
                        contribs = {d: Contribution({**c.props, **({name: moved[c.props[name]]}
                                                                   if c.props.get(name) in moved else {})})
                                    for d, c in contribs.items()}
                        props["contributions"] = encode(contribs)
                    self.plan.rel_updates[rtype].append({"a": a, "x": e, "props": props})

    # -- nodes whose deletion would cut other datasets' relationships -------------------------------
    def check_dependents(self) -> list[str]:
        """Relationships of other datasets attached to nodes this load deletes."""
        # Organisations: other datasets' links to what changes are planned again (the cascade).
        ids = [e for label, rows in self.plan.node_deletes.items() if label != ORG for e in rows]
        out = []
        for chunk in self._chunks(ids):
            for r in self.tx.run(self.qb.dependents(), ids=chunk, source=self.d):
                out.extend(r["rows"])
        seen, shown = set(), []
        for labels, key, name, rtype, sources in out:
            label = next((lb for lb in labels if lb in self.model.nodes), labels[0])
            what = f"{label} {name!r} ({key})" if name and name != key else f"{label} {key!r}"
            text = f"{what}: {rtype} of {', '.join(s for s in sources if s != self.d)}"
            if text not in seen:
                seen.add(text)
                shown.append(text)
        return shown


def _plain(props):
    return plain(props)


