"""A load's plan written: ``UNWIND`` batches of the query builder's statements, in the order the store needs
(deletions, replacements, creations, then label changes)."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterator

from .pending import Writer
from .planstate import Plan
from .querybuilder import SHARED
from .sidebyside import Rows, parts, side_by_side


def shared_provenance(rows: list[dict]) -> tuple[dict, list[int], list[int]]:
    """The provenance most new elements of a load share (that of the first row: ``source``, ``sources`` and
    ``loaded_at``), and the positions of the rows that carry it and of those that do not (an element other
    datasets also write keeps its own)."""
    first = rows[0]["props"]
    common = {k: first.get(k) for k in SHARED}
    same, other = [], []
    for i, r in enumerate(rows):
        p = r["props"]
        (same if all(p.get(k) == v for k, v in common.items()) else other).append(i)
    return common, same, other


def _without(props: dict) -> dict:
    return {k: v for k, v in props.items() if k not in SHARED}


class PlanWriter:
    """Needs the Loader's model, qb, store and batch_size."""

    def _run(self, tx, cypher: str, rows: list, tick, **params) -> list:
        out = []
        for i in range(0, len(rows), self.batch_size):
            chunk = Rows(rows[i:i + self.batch_size])
            out.extend(tx.run(cypher, rows=chunk, **params))
            tick(len(chunk))
            # The driver's result summary keeps its parameters and sits in a reference cycle: with the collector
            # paused for the load, every row sent would stay in memory until the load ends (measured: 76,000 rows
            # of a 50,000-row diagnostics load, then 0.5 s to collect them). Sent and answered: let them go.
            chunk.clear()
        return out

    def _apply(self, tx, plan: Plan, progress) -> None:
        tx = tx if isinstance(tx, Writer) else Writer(tx)
        total, done = plan.size(), 0

        def tick(n: int, in_tx: bool = True) -> None:
            nonlocal done
            done += n
            if in_tx:  # else written in other sessions (side_by_side)
                tx.wrote(n)
            if progress:
                progress(done, total)

        for rtype, rows in plan.rel_deletes.items():
            self._run(tx, self.qb.delete_rels(rtype), rows, tick)
        ids = [e for rows in plan.node_deletes.values() for e in rows]
        for i in range(0, len(ids), self.batch_size):
            tx.run(self.qb.delete_nodes(), ids=ids[i:i + self.batch_size]).consume()
            tick(len(ids[i:i + self.batch_size]))
        self._run(tx, self.qb.replace_nodes(), plan.node_updates, tick)
        new_ids: dict[tuple, str] = {}
        for (label, subs), rows in plan.node_creates.items():
            names = {p for r in rows for p in r["props"]}
            common, same, other = shared_provenance(rows)
            for part, shared in ((same, True), (other, False)):
                indexed = [{"i": i, "key": rows[i]["key"],
                            "props": _without(rows[i]["props"]) if shared else rows[i]["props"]} for i in part]
                query = self.qb.create_full_nodes(label, subs, names, shared=shared)
                for rec in self._run(tx, query, indexed, tick, **(common if shared else {})):
                    for i, eid in rec["found"]:
                        new_ids[rows[i]["ref"]] = eid
        for rtype, rows in plan.rel_updates.items():
            self._run(tx, self.qb.replace_rels(rtype), rows, tick)
        jobs = self._rel_creates(plan, new_ids)
        n_new = sum(len(rows) for rows in (*plan.rel_creates.values(), *plan.rel_stamped.values()))
        if tx.session is not None and n_new > tx.limit and getattr(self.store, "backend", "neo4j") == "neo4j":
            tx.commit()  # the nodes just created, for the other sessions to see
            side_by_side(self.store, tx, parts(jobs, self.batch_size, tx.limit), tick)
        else:
            for cypher, rows, params in jobs:
                self._run(tx, cypher, rows, tick, **params)
        self._relabel(tx, plan.relabels, tick)

    def _rel_creates(self, plan: Plan, new_ids: dict) -> Iterator[tuple[str, list, dict]]:
        """The statements that create the plan's new relationships, with their rows and parameters, built
        one after the other (a regional load's 760,000 rows are not all held at once)."""
        for (rtype, fl, tl), rows in plan.rel_creates.items():
            yield from self._create_rels(rtype, fl, tl, rows, new_ids)
        for (rtype, fl, tl), rows in plan.rel_stamped.items():
            yield from self._create_rels(rtype, fl, tl, rows, new_ids, plan.stamp)

    def _create_rels(self, rtype: str, fl, tl, rows: list[dict], new_ids: dict,
                     stamp: dict | None = None) -> Iterator[tuple[str, list, dict]]:
        """``stamp``: the rows leave out their provenance, which is this."""
        names = {p for r in rows for p in r["props"]}
        if fl is None:  # the ends' labels do not matter to the statement: take the model's first
            fl, tl = self.model.relationships[rtype].sources[0], self.model.relationships[rtype].targets[0]
        if stamp:
            ready = [{"a": new_ids.get(r["a"], r["a"]), "b": new_ids.get(r["b"], r["b"]), "props": r["props"]}
                     for r in rows]
            yield self.qb.create_full_rels(rtype, fl, tl, names, shared=True), ready, stamp
            return
        common, same, other = shared_provenance(rows)
        for part, shared in ((same, True), (other, False)):
            ready = [{"a": new_ids.get(r["a"], r["a"]), "b": new_ids.get(r["b"], r["b"]),
                      "props": _without(r["props"]) if shared else r["props"]} for r in (rows[i] for i in part)]
            yield self.qb.create_full_rels(rtype, fl, tl, names, shared=shared), ready, common if shared else {}

    def _relabel(self, tx, relabels: list[dict], tick) -> None:
        """Label changes last: in ArcadeDB a label change moves the vertex (a new elementId)."""
        arcade = getattr(self.store, "backend", "neo4j") == "arcadedb"
        groups: dict[tuple, list[str]] = defaultdict(list)
        for r in relabels:
            if arcade and r["remove"] and r["add"]:
                rels_out = [rt for rt, rel in self.model.relationships.items() if r["label"] in rel.sources]
                rels_in = [rt for rt, rel in self.model.relationships.items() if r["label"] in rel.targets]
                tx.run(self.qb.recreate_node(r["label"], r["final"], rels_out, rels_in), id=r["id"]).consume()
            else:
                groups[(r["label"], tuple(r["remove"]), tuple(r["add"]))].append(r["id"])
            tick(1)
        for (label, remove, add), ids in groups.items():
            tx.run(self.qb.relabel_nodes(label, remove, add), ids=ids).consume()
