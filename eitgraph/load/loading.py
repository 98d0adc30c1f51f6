"""The one code path every source kind goes through: read → validate/transform → write → clean up.

Nothing is written until the whole file has been validated. The write is one
transaction: the dataset is taken off everything it wrote before, its rows are
written (``UNWIND`` batches), and what no dataset owns any more is deleted, with
a cap on how much a reload may delete. Reloading an unchanged file is a no-op.
"""

from __future__ import annotations

import contextlib
import dataclasses
import datetime as dt
import functools
import gc
import json
import tempfile
import time
from collections import defaultdict
from pathlib import Path

from ..errors import ConfigError, EitgraphError, Location, Problems, ValidationError
from ..model.graph import Model, load_model
from ..safety.writing import check_output
from ..store import plain
from .datasets import DatasetHistory
from .filestore import FileStore, file_sha256, sidecar_path
from .graphbatch import GraphBatch
from .notes import Note
from .planstate import Plan, Precedence, cascade_datasets, datasets_known, same_as
from .querybuilder import QueryBuilder
from .records import Record
from .rejects import write_rejects
from .report import LoadReport, Progress, TransformContext, dataset_name
from .spec import LoaderSpec, kind_ranks
from .tables import Table, check_input_file, check_reading_options, read_table
from .writeplan import LoadAborted, Planner

__all__ = ["LoadAborted", "LoadReport", "Loader", "Progress", "TransformContext", "dataset_name"]


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


def _dataset_node(tx, dataset_id: str) -> dict | None:
    row = tx.run("MATCH (d:Dataset {id: $id}) RETURN properties(d) AS p", id=dataset_id).single()
    return plain(row["p"]) if row else None


def _skippable(exc: ValidationError, table: Table) -> bool:
    """Lenient mode skips rows; a problem that is not about one row of this file stops the load."""
    return all(p.location.row is not None and p.location.row != table.header_row for p in exc.problems)


class Loader(DatasetHistory):
    """Loads files of any declared source kind into a store."""

    def __init__(self, store, model: Model | None = None, batch_size: int = 5000, files: FileStore | None = None):
        self.store = store
        self.model = model or load_model()
        self.qb = QueryBuilder(self.model)
        self.batch_size = batch_size
        self.files = files

    def load(self, kind: str, path: str | Path, options: dict | None = None, dataset_id: str | None = None,
             dry_run: bool = False, sheet: str | None = None, encoding: str | None = None,
             delimiter: str | None = None, progress: Progress | None = None,
             max_delete_ratio: float = 0.5, force: bool = False, strict: bool = False,
             on_error: str = "stop", errors_file: str | Path | None = None) -> LoadReport:
        """``on_error="skip"`` loads the valid rows and writes the rejected ones, with their original
        columns and the error, to ``errors_file`` (default: ``<file>-rejets.xlsx`` next to the input)."""
        started = time.monotonic()
        if on_error not in ("stop", "skip"):
            raise ConfigError(f"on_error must be 'stop' or 'skip', not {on_error!r}")
        spec = LoaderSpec.load(kind)
        opts = spec.resolve_options(options)
        path = Path(path)
        named = dataset_id is None
        dataset_id = dataset_id or f"{kind}:{dataset_name(path.stem)}"
        check_input_file(path)  # before anything opens it: a FIFO or a device would hang the read
        check_reading_options(encoding, delimiter, str(path))
        if on_error == "skip" and errors_file:  # before writing: the rejected rows must have somewhere to go
            check_output(errors_file)
        version, side = self._version(path, opts, sheet, encoding, delimiter)
        previous = self._previous(dataset_id)
        if previous and previous.get("kind") and previous["kind"] != kind and not previous.get("dropped"):
            raise EitgraphError(f"dataset {dataset_id!r} is a {previous['kind']!r} dataset; a {kind!r} file cannot "
                                "replace it. Give this file another --dataset id.")
        if (not dry_run and not force and not strict and previous and not previous.get("dropped")
                and (previous.get("sha256"), previous.get("kind"), previous.get("options"))
                == (version["sha256"], kind, version["options"])):
            return LoadReport(dataset_id, kind, path.name, 0, unchanged=True)
        sha = version["sha256"]
        with _without_gc():
            table = self.read(spec, path, sheet, encoding, delimiter)
            rejected: dict[int, list[str]] = {}  # row -> messages (on_error="skip")
            while True:
                try:
                    batch, notes = self.validate(spec, table, opts, strict, skip=set(rejected))
                    if named and previous and not previous.get("dropped") and previous.get("file") != path.name:
                        notes.insert(0, Note("new_version", f"{path.name} is read as a new version of dataset "
                                             f"{dataset_id} (last loaded from {previous.get('file')}); give "
                                             "--dataset to keep it apart", Location(path.name)))
                    report = LoadReport(dataset_id, kind, path.name, len(table.rows), dry_run=dry_run, notes=notes)
                    version["rows"] = len(table.rows) - len(rejected)
                    if not dry_run and self.files is not None and "copy" not in version:
                        version["copy"] = self.files.keep(path, sha.split(":")[0], side)
                    self.apply(report, dataset_id, kind, batch, version, previous, progress, max_delete_ratio,
                               force, dry_run=dry_run)
                    break
                except ValidationError as exc:
                    if on_error != "skip" or not _skippable(exc, table):
                        raise
                    for p in exc.problems:
                        rejected.setdefault(p.location.row, []).append(str(p))
            if rejected:
                report.skipped = len(rejected)
                target = Path(errors_file) if errors_file else path.with_name(f"{path.stem}-rejets.xlsx")
                if not dry_run or errors_file:
                    write_rejects(target, table, rejected)
                    report.errors_file = str(target)
        report.seconds = time.monotonic() - started
        return report

    @staticmethod
    def _version(path: Path, opts: dict, sheet, encoding, delimiter) -> tuple[dict, Path | None]:
        """What identifies this version of the file (checksum, with its sidecar's) and how it was read."""
        sha = file_sha256(path)
        side = sidecar_path(path)
        if side:  # metadata kept beside the file is part of the dataset
            sha += ":" + file_sha256(side)
        opts_json = json.dumps(opts, sort_keys=True, ensure_ascii=False, default=str)
        return {"sha256": sha, "file": path.name, "path": str(path.resolve()), "options": opts_json,
                "sheet": sheet, "encoding": encoding, "delimiter": delimiter}, side

    def apply(self, report: LoadReport, dataset_id: str, kind: str, batch: GraphBatch | None, version: dict | None,
              previous: dict | None, progress: Progress | None = None, max_delete_ratio: float = 0.5,
              force: bool = False, dry_run: bool = False, event: dict | None = None) -> None:
        """Write (or, for a dry run, only plan) what makes the graph hold ``batch`` as dataset
        ``dataset_id``; ``batch=None`` removes the dataset. One transaction, planned inside it: if the
        store runs it again (a transient error, or another client changed the graph meanwhile), it is
        planned again from what the graph then holds."""
        notes_before = list(report.notes)

        class _DryRun(Exception):
            pass

        def work(tx):
            # The Dataset node as it is now (another process may have loaded this dataset since we looked).
            current = _dataset_node(tx, dataset_id)
            touched = self._touched(current, batch)
            self._loading = {dataset_id: kind}  # its Dataset node is written last: cascades need its kind
            plan, cascade = self._plan(tx, dataset_id, kind, batch or GraphBatch(), touched, max_delete_ratio, force)
            report.written = dict(sorted(plan.written.items()))
            report.changed = dict(sorted(plan.changed.items()))
            report.deleted = dict(sorted((k, v) for k, v in plan.deleted.items() if v))
            report.notes[:] = notes_before + plan.notes
            if dry_run and not cascade:
                raise _DryRun
            self._apply(tx, plan, progress)
            self._cascade(tx, dataset_id, cascade, report)
            if dry_run:
                raise _DryRun
            self._record(tx, dataset_id, kind, version, current, report, batch is None, event)

        with contextlib.suppress(_DryRun):
            self.store.transaction(work, what=f"loading {report.file or dataset_id}", replan=True)

    def _touched(self, previous: dict | None, batch: GraphBatch | None) -> set[str]:
        """The labels and types the dataset writes now or wrote before (an old Dataset node without
        counts: all of them)."""
        if previous is None or previous.get("dropped"):
            before: set[str] = set()
        elif previous.get("counts"):
            before = set(json.loads(previous["counts"]))
        else:
            before = set(self.model.nodes) | set(self.model.relationships)
        return before | (set(batch.counts()) if batch is not None else set())

    # -- validate / transform (no writes) ------------------------------------
    def read(self, spec: LoaderSpec, path: Path, sheet=None, encoding=None, delimiter=None) -> Table:
        reader = spec.reader_function() or read_table
        return reader(path, sheet=sheet or spec.sheet, encoding=encoding, delimiter=delimiter,
                      header_row=spec.header_row)

    def validate(self, spec: LoaderSpec, table: Table, opts: dict, strict: bool = False,
                 skip: set[int] = frozenset()) -> tuple[GraphBatch, list[Note]]:
        """Typed records and the transform's batch; every problem raised together. Rows in ``skip``
        are left out (lenient mode)."""
        if skip:
            table = dataclasses.replace(table, rows=[r for r in table.rows if r[0] not in skip])
        problems = Problems()
        raw_notes: list[tuple] = []
        records: list[Record] = spec.records(table, problems, raw_notes, strict)
        notes = [Note(*n) for n in raw_notes]
        # Look-ups go to the leader of a cluster: they must see what the previous load committed.
        ctx = TransformContext(opts, self.model, problems, table, functools.partial(self.store.records, leader=True),
                               notes)
        batch: GraphBatch = spec.transform_function()(records, ctx)
        problems.extend(batch.problems.items)
        self._check_declared(spec, batch)
        problems.raise_if_any()
        return batch, notes

    def prepare(self, spec: LoaderSpec, path: Path, opts: dict, sheet=None, encoding=None,
                delimiter=None, strict: bool = False) -> tuple[GraphBatch, int, list[Note]]:
        table = self.read(spec, path, sheet, encoding, delimiter)
        batch, notes = self.validate(spec, table, opts, strict)
        return batch, len(table.rows), notes

    def _check_declared(self, spec: LoaderSpec, batch: GraphBatch) -> None:
        undeclared = {lbl for lbl in batch.nodes if lbl not in spec.writes_nodes}
        undeclared |= {r.type for r in batch.rels.values() if r.type not in spec.writes_relationships}
        if undeclared:
            raise EitgraphError(f"loader {spec.kind!r} wrote undeclared {sorted(undeclared)}; "
                                f"declare them under 'writes' in loaders/{spec.kind}.yaml")
        unkeyed = {r.type for r in batch.rels.values() if self.model.relationships[r.type].key and r.key is None}
        if unkeyed:
            raise EitgraphError(f"loader {spec.kind!r} wrote {sorted(unkeyed)} without their key property")

    # -- write (one transaction) ---------------------------------------------
    def _previous(self, dataset_id: str) -> dict | None:
        """What the Dataset node of this id holds, if any."""
        rows = self.store.records("MATCH (d:Dataset {id: $id}) RETURN properties(d) AS p", {"id": dataset_id},
                                  leader=True)
        return rows[0]["p"] if rows else None

    def _plan(self, tx, dataset_id: str, kind: str, batch: GraphBatch, touched: set[str],
              max_delete_ratio: float, force: bool) -> Plan:
        now = dt.datetime.now(dt.UTC).isoformat(timespec="seconds")
        known = datasets_known(tx)
        kinds = {**{d: k for d, k, _f in known}, **getattr(self, "_loading", {}), dataset_id: kind}
        planner = Planner(tx, self.model, self.qb, dataset_id, Precedence(kinds, kind_ranks()), now, touched,
                          self.batch_size, same_as(tx))
        planner.files = {d: f for d, _k, f in known if f}
        planner.plan_nodes(batch)
        planner.plan_relationships(batch)
        planner.problems.raise_if_any()
        planner.plan_reference_updates()
        plan = planner.plan
        dependents = planner.check_dependents()
        if dependents:  # never, even with --force: the other datasets would no longer match their files
            shown = "; ".join(dependents[:8]) + (f"; and {len(dependents) - 8} more" if len(dependents) > 8 else "")
            raise LoadAborted(f"{dataset_id}: this would remove nodes that other datasets still use: {shown}. "
                              "Nothing was changed. Fix or drop those datasets first (or keep these rows).")
        n_deleted = sum(plan.deleted.values())
        owned = plan.owned_before
        if not force and owned and n_deleted > max(10, max_delete_ratio * owned):
            raise LoadAborted(
                f"{dataset_id}: this would delete {n_deleted} of the {owned} nodes and relationships it holds "
                f"(more than {max_delete_ratio:.0%}); nothing was changed. Check the file, or use --force.")
        changed = planner.org_plan.changed_nodes if planner.org_plan else []
        self.last_planner = planner
        return plan, cascade_datasets(tx, dataset_id, changed) if changed else []

    def _cascade(self, tx, dataset_id: str, datasets: list[str], report: LoadReport, depth: int = 0) -> None:
        """Plan again, in the same transaction, the datasets whose links to organisations this load
        moved (a node merged, split or gone): their files are read again from the copies kept."""
        for other in datasets:
            rows = tx.run("MATCH (d:Dataset {id: $id}) RETURN properties(d) AS p", id=other).single()
            if rows is None:
                continue  # relationships written outside eitgraph's datasets: left alone
            previous = rows["p"]
            history = json.loads(previous.get("history") or "[]")
            state = history[-1].get("state", len(history) - 1) if history else -1
            event = history[state] if 0 <= state < len(history) else None
            if event is None or not event.get("copy") or self.files is None:
                raise LoadAborted(f"{dataset_id}: organisations that {other} links to change, and no copy of its file "
                                  f"is kept to link them again; reload {other} first. Nothing was changed.")
            kind = previous["kind"]
            spec = LoaderSpec.load(kind)
            with tempfile.TemporaryDirectory(prefix="eitgraph-cascade-") as tmp:
                path = self.files.restore(event["copy"], Path(tmp))
                table = self.read(spec, path, event.get("sheet"), event.get("encoding"), event.get("delimiter"))
                try:
                    batch, _notes = self.validate(spec, table, json.loads(event.get("options") or "{}"))
                    touched = set(json.loads(previous.get("counts") or "{}")) | set(batch.counts())
                    plan, more = self._plan(tx, other, kind, batch, touched, 1.0, True)
                except EitgraphError as exc:
                    why = str(exc).replace(str(Path(tmp)) + "/", "")  # the file's name, not the copy's place
                    raise LoadAborted(f"{dataset_id}: this load changes organisations that {other} names, and {other} "
                                      f"would no longer load: {why}. Nothing was changed.") from None
            self._apply(tx, plan, None)
            report.notes.append(Note("cascade", f"{other} was linked again to the organisations it names (they "
                                     "changed with this load)"))
            if more and depth < 3:
                self._cascade(tx, other, [m for m in more if m != dataset_id], report, depth + 1)

    def _run(self, tx, cypher: str, rows: list, tick, **params) -> list:
        out = []
        for i in range(0, len(rows), self.batch_size):
            chunk = _Rows(rows[i:i + self.batch_size])
            out.extend(tx.run(cypher, rows=chunk, **params))
            tick(len(chunk))
        return out

    def _apply(self, tx, plan: Plan, progress: Progress | None) -> None:
        total, done = plan.size(), 0

        def tick(n: int) -> None:
            nonlocal done
            done += n
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
            indexed = [{"i": i, "key": r["key"], "props": r["props"]} for i, r in enumerate(rows)]
            for rec in self._run(tx, self.qb.create_full_nodes(label, subs, names), indexed, tick):
                for i, eid in rec["found"]:
                    new_ids[rows[i]["ref"]] = eid
        for rtype, rows in plan.rel_updates.items():
            self._run(tx, self.qb.replace_rels(rtype), rows, tick)
        for (rtype, fl, tl), rows in plan.rel_creates.items():
            ready = [{"a": new_ids.get(r["a"], r["a"]), "b": new_ids.get(r["b"], r["b"]), "props": r["props"]}
                     for r in rows]
            names = {p for r in ready for p in r["props"]}
            if fl is None:  # the ends' labels do not matter to the statement: take the model's first
                fl, tl = self.model.relationships[rtype].sources[0], self.model.relationships[rtype].targets[0]
            self._run(tx, self.qb.create_full_rels(rtype, fl, tl, names), ready, tick)
        self._relabel(tx, plan.relabels, tick)

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

    def _record(self, tx, dataset_id: str, kind: str, version: dict | None, previous: dict | None,
                report: LoadReport, dropped: bool, extra: dict | None = None) -> None:
        """The Dataset node: what the dataset holds now, its warnings and every version loaded."""
        # Microseconds: 'undo' takes the dataset changed last, and loads follow each other within a second.
        now = dt.datetime.now(dt.UTC).isoformat(timespec="microseconds")
        history = json.loads((previous or {}).get("history") or "[]")
        event = {"at": now, "action": "drop" if dropped else "load", "state": len(history)}
        if version:
            event.update({k: v for k, v in version.items() if v is not None})
        event.update(extra or {})
        history.append(event)
        meta = {"kind": kind, "counts": json.dumps(report.written, sort_keys=True), "history": json.dumps(history),
                "warnings": json.dumps([n.as_dict() for n in report.notes], ensure_ascii=False),
                "changed_at": now, "dropped": dropped}
        if version and not dropped:
            meta.update({"file": version["file"], "path": version["path"], "sha256": version["sha256"],
                         "rows": version["rows"], "options": version["options"]})
        tx.run("MERGE (d:Dataset {id: $id}) SET d += $meta, d.loaded_at = $loaded_at",
               id=dataset_id, meta=meta, loaded_at=now).consume()

