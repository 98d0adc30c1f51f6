"""The one code path every source kind goes through: read → validate/transform → write → clean up.

Nothing is written until the whole file has been validated. The write is one
transaction: the dataset is taken off everything it wrote before, its rows are
written (``UNWIND`` batches), and what no dataset owns any more is deleted, with
a cap on how much a reload may delete. Reloading an unchanged file is a no-op.
"""

from __future__ import annotations

import contextlib
import datetime as dt
import gc
import hashlib
import json
import time
from collections import defaultdict
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

from ..errors import EitgraphError, Location, Problems
from ..model.graph import Model, load_model
from .graphbatch import GraphBatch
from .querybuilder import QueryBuilder
from .records import Record
from .spec import LoaderSpec
from .tables import Table, read_table, sidecar_path

Progress = Callable[[int, int], None]  # (done, total) in rows written


class LoadAborted(EitgraphError):
    """The load was stopped before commit (e.g. the cleanup cap); nothing changed."""


@dataclass
class LoadReport:
    dataset: str
    kind: str
    file: str
    rows: int
    written: dict[str, int] = field(default_factory=dict)
    deleted: dict[str, int] = field(default_factory=dict)
    dry_run: bool = False
    unchanged: bool = False
    seconds: float = 0.0

    def summary(self) -> str:
        if self.unchanged:
            return f"{self.dataset}: unchanged since last load ({self.file}), nothing written"
        verb = "would write" if self.dry_run else "wrote"
        parts = ", ".join(f"{v} {k}" for k, v in self.written.items()) or "nothing"
        text = f"{self.dataset}: {self.rows} rows read from {self.file}; {verb} {parts}"
        if self.deleted:
            text += "; removed " + ", ".join(f"{v} {k}" for k, v in self.deleted.items()) + " no longer in the file"
        if not self.dry_run:
            text += f" ({self.seconds:.1f} s)"
        return text


@dataclass
class TransformContext:
    """What a transform may consult besides its records: options and read-only lookups."""

    options: dict
    model: Model
    problems: Problems
    table: Table
    lookup: Callable[[str, dict], list[dict]]  # read-only Cypher (text from code, values as parameters)

    def existing(self, label: str, keys: set[str]) -> set[str]:
        """Which of ``keys`` already exist as nodes of key label ``label`` in the graph."""
        if not keys:
            return set()
        rows = self.lookup(QueryBuilder(self.model).existing_keys(label), {"keys": sorted(keys)})
        return {key for r in rows for key, _ in r["found"]}


class _Rows(list):
    """A batch of parameter rows with a short repr: the neo4j driver formats the parameters of
    every RUN for its debug log even when that log is off (measured: 0.5 s of a 50,000-row diagnostics
    load that now takes about 5 s)."""

    def __repr__(self) -> str:
        return f"<{len(self)} rows>"


@contextlib.contextmanager
def _without_gc():
    """Pause the cyclic garbage collector. A load builds millions of small objects that all live
    until it ends; each full collection walks them all again (measured: 14 full collections, 4 s of a
    20 s profiled 50,000-row diagnostics load). Whatever cycles the load leaves are collected after."""
    enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if enabled:
            gc.enable()


def file_sha256(path: Path) -> str:
    h = hashlib.sha256()
    with open(path, "rb") as fh:
        for chunk in iter(lambda: fh.read(1 << 20), b""):
            h.update(chunk)
    return h.hexdigest()


class Loader:
    """Loads files of any declared source kind into a store."""

    def __init__(self, store, model: Model | None = None, batch_size: int = 5000):
        self.store = store
        self.model = model or load_model()
        self.qb = QueryBuilder(self.model)
        self.batch_size = batch_size

    def load(self, kind: str, path: str | Path, options: dict | None = None, dataset_id: str | None = None,
             dry_run: bool = False, sheet: str | None = None, encoding: str | None = None,
             delimiter: str | None = None, progress: Progress | None = None,
             max_delete_ratio: float = 0.5, force: bool = False) -> LoadReport:
        started = time.monotonic()
        spec = LoaderSpec.load(kind)
        opts = spec.resolve_options(options)
        path = Path(path)
        dataset_id = dataset_id or f"{kind}:{path.stem}"
        if not path.exists():
            raise EitgraphError(f"{path}: file not found")
        sha = file_sha256(path)
        side = sidecar_path(path)
        if side:  # metadata kept beside the file is part of the dataset
            sha += ":" + file_sha256(side)
        opts_json = json.dumps(opts, sort_keys=True, ensure_ascii=False, default=str)

        previous = self._previous(dataset_id)
        if not dry_run and not force and previous and previous[:3] == (sha, kind, opts_json):
            return LoadReport(dataset_id, kind, path.name, 0, unchanged=True)

        with _without_gc():
            batch, nrows = self.prepare(spec, path, opts, sheet, encoding, delimiter)
            report = LoadReport(dataset_id, kind, path.name, nrows, batch.counts(), dry_run=dry_run)
            if not dry_run:
                meta = {"id": dataset_id, "kind": kind, "file": path.name, "path": str(path.resolve()),
                        "sha256": sha, "rows": nrows, "options": opts_json,
                        "counts": json.dumps(batch.counts(), sort_keys=True)}
                # Only the labels and types this dataset writes now or wrote before need releasing and
                # cleaning up; an old Dataset node without counts means all of them.
                if previous is None:
                    before = set()
                elif previous[3]:
                    before = set(json.loads(previous[3]))
                else:
                    before = set(self.model.nodes) | set(self.model.relationships)
                touched = set(batch.counts()) | before
                report.deleted = self.store.transaction(
                    lambda tx: self._write(tx, dataset_id, batch, meta, touched, progress, max_delete_ratio, force),
                    what=f"loading {path.name}",
                )
        report.seconds = time.monotonic() - started
        return report

    # -- validate / transform (no writes) ------------------------------------
    def prepare(self, spec: LoaderSpec, path: Path, opts: dict, sheet=None, encoding=None,
                delimiter=None) -> tuple[GraphBatch, int]:
        reader = spec.reader_function() or read_table
        table = reader(path, sheet=sheet or spec.sheet, encoding=encoding, delimiter=delimiter,
                           header_row=spec.header_row)
        problems = Problems()
        records: list[Record] = spec.records(table, problems)
        ctx = TransformContext(opts, self.model, problems, table, self.store.records)
        batch: GraphBatch = spec.transform_function()(records, ctx)
        problems.extend(batch.problems.items)
        self._check_declared(spec, batch)
        self._check_references(batch, ctx, problems)
        problems.raise_if_any()
        return batch, len(table.rows)

    def _check_declared(self, spec: LoaderSpec, batch: GraphBatch) -> None:
        undeclared = {lbl for lbl in batch.nodes if lbl not in spec.writes_nodes}
        undeclared |= {r.type for r in batch.rels.values() if r.type not in spec.writes_relationships}
        if undeclared:
            raise EitgraphError(f"loader {spec.kind!r} wrote undeclared {sorted(undeclared)}; "
                                f"declare them under 'writes' in loaders/{spec.kind}.yaml")
        unkeyed = {r.type for r in batch.rels.values() if self.model.relationships[r.type].key and r.key is None}
        if unkeyed:
            raise EitgraphError(f"loader {spec.kind!r} wrote {sorted(unkeyed)} without their key property")

    def _check_references(self, batch: GraphBatch, ctx: TransformContext, problems: Problems) -> None:
        """Relationship ends that the batch does not write must already be in the graph."""
        wanted: dict[str, dict[str, Location]] = defaultdict(dict)
        for r in batch.rels.values():
            for label, key in ((r.from_label, r.from_key), (r.to_label, r.to_key)):
                if not batch.has_node(label, key):
                    wanted[label].setdefault(key, r.location)
        for label, keys in wanted.items():
            missing = set(keys) - ctx.existing(label, set(keys))
            for key in sorted(missing):
                problems.add(f"{label} {key!r} is not in the graph (load it first)", keys[key])

    # -- write (one transaction) ---------------------------------------------
    def _previous(self, dataset_id: str) -> tuple | None:
        """(sha256, kind, options, counts) of the last load of this dataset, if any."""
        rows = self.store.records(
            "MATCH (d:Dataset {id: $id}) RETURN d.sha256 AS sha, d.kind AS kind, d.options AS options, "
            "d.counts AS counts", {"id": dataset_id})
        return tuple(rows[0].values()) if rows else None

    def _run_batches(self, tx, cypher: str, rows: list, params: dict, tick) -> list:
        out = []
        for i in range(0, len(rows), self.batch_size):
            chunk = _Rows(rows[i:i + self.batch_size])
            out.extend(tx.run(cypher, rows=chunk, **params))
            tick(len(chunk))
        return out

    def _ids(self, tx, label: str, keys: list[str]) -> dict[str, str]:
        """key -> elementId of the nodes of ``label`` with these keys that exist."""
        out = {}
        for i in range(0, len(keys), self.batch_size):
            for r in tx.run(self.qb.existing_keys(label), keys=keys[i:i + self.batch_size]):
                out.update(r["found"])
        return out

    def _write(self, tx, dataset_id: str, batch: GraphBatch, meta: dict, touched: set[str],
               progress: Progress | None, max_delete_ratio: float, force: bool) -> dict[str, int]:
        now = dt.datetime.now(dt.UTC).isoformat(timespec="seconds")
        params = {"source": dataset_id, "loaded_at": now}
        total, done = batch.size(), 0

        def tick(n: int) -> None:
            nonlocal done
            done += n
            if progress:
                progress(done, total)

        labels = [lb for lb in self.model.nodes if lb in touched]
        rel_types = [rt for rt in self.model.relationships if rt in touched]
        # Only what this dataset owned can be left without owner (every load deletes orphans), so
        # labels and types it owned nothing of need no orphan scan: on a first load, none do.
        released = {lb: tx.run(self.qb.release_nodes(lb), source=dataset_id).single()["n"] for lb in labels}
        released.update({rt: tx.run(self.qb.release_rels(rt), source=dataset_id).single()["n"] for rt in rel_types})
        owned_before = sum(released[lb] for lb in labels if lb != "Dataset")

        ids: dict[str, dict[str, str]] = defaultdict(dict)  # label -> key -> elementId, for the relationships
        for label, rows in batch.nodes.items():
            existing = self._ids(tx, label, list(rows))
            ids[label].update(existing)
            groups: dict[tuple[bool, tuple], list] = defaultdict(list)
            for key, row in rows.items():
                groups[(key in existing, tuple(sorted(row.sublabels)))].append(
                    {"key": key, "id": existing.get(key), "props": row.props})
            for (is_old, subs), group in groups.items():
                if is_old:
                    self._run_batches(tx, self.qb.update_nodes(label, subs), group, params, tick)
                else:
                    names = {p for g in group for p in g["props"]}
                    found = self._run_batches(tx, self.qb.create_nodes(label, subs, names), group, params, tick)
                    for r in found:
                        ids[label].update(r["found"])

        rel_groups: dict[tuple, list] = defaultdict(list)
        ends: dict[str, set[str]] = defaultdict(set)  # ends the batch does not write: validated, look them up
        for r in batch.rels.values():
            rel_groups[(r.type, r.from_label, r.to_label)].append(r)
            for label, key in ((r.from_label, r.from_key), (r.to_label, r.to_key)):
                if key not in ids[label]:
                    ends[label].add(key)
        for label, keys in ends.items():
            ids[label].update(self._ids(tx, label, list(keys)))
        for (rtype, fl, tl), rels in rel_groups.items():
            try:
                group = [{"i": i, "a": ids[fl][r.from_key], "b": ids[tl][r.to_key], "rkey": r.key, "props": r.props}
                         for i, r in enumerate(rels)]
            except KeyError as exc:  # deleted by someone else since validation
                raise LoadAborted(f"{exc.args[0]!r} is no longer in the graph; nothing was changed") from None
            # Update those that exist, then create the others: one pass over the rows instead of a
            # look-up then an update. None exist when the graph has none of the type (a first load).
            updated = set()
            if tx.run(self.qb.any_rel(rtype)).single() is not None:
                for i in range(0, len(group), self.batch_size):
                    found = tx.run(self.qb.update_rels(rtype, fl, tl), rows=_Rows(group[i:i + self.batch_size]),
                                   **params)
                    for r in found:
                        updated.update(r["done"])
                tick(len(updated))
            new = [g for g in group if g["i"] not in updated]
            names = {p for g in new for p in g["props"]}
            self._run_batches(tx, self.qb.create_rels(rtype, fl, tl, names), new, params, tick)

        orphans = {lb: tx.run(self.qb.count_orphan_nodes(lb)).single()["n"] for lb in labels if released[lb]}
        orphans = {k: v for k, v in orphans.items() if v}
        n_orphans = sum(orphans.values())
        if not force and owned_before and n_orphans > max(10, max_delete_ratio * owned_before):
            raise LoadAborted(
                f"reloading {dataset_id} would delete {n_orphans} of the {owned_before} nodes it wrote before "
                f"(more than {max_delete_ratio:.0%}); nothing was changed. Check the file, or use --force.")
        deleted: dict[str, int] = {}
        for rt in (rt for rt in rel_types if released[rt]):
            n = tx.run(self.qb.delete_orphan_rels(rt)).single()["n"]
            if n:
                deleted[rt] = n
        for lb, n in orphans.items():
            tx.run(self.qb.delete_orphan_nodes(lb)).consume()
            deleted[lb] = n
        tx.run("MERGE (d:Dataset {id: $id}) SET d += $meta, d.loaded_at = $loaded_at",
               id=dataset_id, meta=meta, loaded_at=now).consume()
        return deleted
