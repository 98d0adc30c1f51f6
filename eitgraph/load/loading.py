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
import inspect
import json
import time
from pathlib import Path

from ..bulk import paused_gc
from ..errors import ConfigError, EitgraphError, Location, Problems, ValidationError
from ..graphread import DATASET_NODE
from ..model.graph import Model, load_model
from ..safety.inputs import check_input_file
from ..safety.writing import check_output
from ..values import parse_boolean
from .cascade import Cascades
from .datasets import DatasetHistory, dataset_node
from .filestore import FileStore, file_version
from .graphbatch import GraphBatch
from .notes import Note
from .pending import PendingLoads, Writer
from .planstate import Plan, Precedence, cascade_datasets, datasets_known, same_as
from .planwriter import PlanWriter
from .querybuilder import QueryBuilder
from .recognise import hints, input_and_kind
from .records import Record
from .rejects import write_rejects
from .report import LoadReport, Progress, TransformContext, dataset_name
from .spec import LoaderSpec, kind_ranks
from .tables import Table, check_reading_options, read_table
from .units import derive_names
from .writeplan import LoadAborted, Planner

__all__ = ["LoadAborted", "LoadReport", "Loader", "Progress", "TransformContext", "dataset_name"]


def _skippable(exc: ValidationError, table: Table) -> bool:
    """Lenient mode skips rows; a problem that is not about one row of this file stops the load."""
    return all(p.location.row is not None and p.location.row != table.header_row for p in exc.problems)


class Loader(DatasetHistory, Cascades, PendingLoads, PlanWriter):
    """Loads files of any declared source kind into a store."""

    # Writes per transaction when a plan is bigger than that (see pending.Writer); measured with the embedded
    # store's default 1 GB heap: 300,000 new organisations and their LOCATED_IN fail in one transaction.
    COMMIT_EVERY = 60_000

    def __init__(self, store, model: Model | None = None, batch_size: int = 5000, files: FileStore | None = None,
                 commit_every: int | None = None):
        self.store = store
        self.model = model or load_model()
        self.qb = QueryBuilder(self.model)
        self.batch_size = batch_size
        self.files = files
        self.commit_every = commit_every or self.COMMIT_EVERY

    def load(self, kind: str | None, path: str | Path, options: dict | None = None, dataset_id: str | None = None,
             dry_run: bool = False, sheet: str | None = None, encoding: str | None = None,
             delimiter: str | None = None, progress: Progress | None = None,
             max_delete_ratio: float = 0.5, force: bool = False, strict: bool = False,
             on_error: str = "stop", errors_file: str | Path | None = None,
             header_row: int | None = None) -> LoadReport:
        """``on_error="skip"`` loads the valid rows and writes the rejected ones, with their original
        columns and the error, to ``errors_file`` (default: ``<file>-rejets.xlsx`` next to the input).
        ``kind=None``: the kind is recognised from the file's headers (and said in a note). A bare file name
        that is not in the current folder may name a reference file shipped with eitgraph."""
        started = time.monotonic()
        if on_error not in ("stop", "skip"):
            raise ConfigError(f"on_error must be 'stop' or 'skip', not {on_error!r}")
        path, kind, first_notes = input_and_kind(path, kind, sheet)
        spec = LoaderSpec.load(kind)
        opts, strict = self._options(spec, options, strict)
        named = dataset_id is None
        dataset_id = dataset_id or f"{kind}:{dataset_name(path.stem)}"
        check_input_file(path)  # before anything opens it: a FIFO or a device would hang the read
        check_reading_options(encoding, delimiter, str(path))
        if on_error == "skip" and errors_file:  # before writing: the rejected rows must have somewhere to go
            check_output(errors_file)
        version, side = file_version(path, opts, sheet, encoding, delimiter)
        version["header_row"] = header_row
        previous = self._current(dataset_id, kind)
        if (not dry_run and not force and not strict and previous and not previous.get("dropped")
                and (previous.get("sha256"), previous.get("kind"), previous.get("options"))
                == (version["sha256"], kind, version["options"])):
            return LoadReport(dataset_id, kind, path.name, 0, unchanged=True)
        sha = version["sha256"]
        # Millions of objects that live until the load ends: 14 full collections took 4 s of a 20 s load.
        with paused_gc(), hints(path, kind, sheet):
            table = self.read(spec, path, sheet, encoding, delimiter, opts, header_row)
            rejected: dict[int, list[str]] = {}  # row -> messages (on_error="skip")
            while True:
                try:
                    batch, notes = self.validate(spec, table, opts, strict, skip=set(rejected))
                    notes[:0] = self._renamed(named, previous, path, dataset_id) + first_notes
                    report = LoadReport(dataset_id, kind, path.name, len(table.rows), dry_run=dry_run, notes=notes,
                                        rows_read=getattr(table, "rows_read", None),
                                        left_out=dict(getattr(table, "skipped", {}) or {}))
                    version["rows"] = len(table.rows) - len(rejected)
                    table = table if on_error == "skip" else None  # only skipping reads it again: 430 MB freed
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
                self._hand_back(report, table, rejected, path, errors_file, dry_run)
            del table, batch  # before the collector is back on: they need not reach its oldest generation
            self.last_planner = None
        report.seconds = time.monotonic() - started
        return report

    @staticmethod
    def _renamed(named: bool, previous: dict | None, path: Path, dataset_id: str) -> list[Note]:
        if named and previous and not previous.get("dropped") and previous.get("file") != path.name:
            return [Note("new_version", f"{path.name} is read as a new version of dataset {dataset_id} (last loaded "
                         f"from {previous.get('file')}); give --dataset to keep it apart", Location(path.name))]
        return []

    @staticmethod
    def _options(spec: LoaderSpec, options: dict | None, strict) -> tuple[dict, bool]:
        if isinstance(strict, str):  # « -o strict=true » reaches here as text
            strict = parse_boolean(strict)
        options = dict(options or {})
        if strict and "strict" in spec.options:  # a kind with its own strict rule (sirene): --strict sets it
            options["strict"] = True
        return spec.resolve_options(options), strict

    def _current(self, dataset_id: str, kind: str) -> dict | None:
        """The dataset's Dataset node before this load (a load of it stopped half-way is put back first)."""
        previous = self._previous(dataset_id)
        if previous and previous.get("pending"):
            self.recover()
            previous = self._previous(dataset_id)
        if previous and previous.get("kind") and previous["kind"] != kind and not previous.get("dropped"):
            raise EitgraphError(f"dataset {dataset_id!r} is a {previous['kind']!r} dataset; a {kind!r} file cannot "
                                "replace it. Give this file another --dataset id.")
        return previous

    @staticmethod
    def _hand_back(report: LoadReport, table: Table, rejected: dict, path: Path, errors_file, dry_run: bool) -> None:
        """The rows left out (--on-error skip), with their errors, in a workbook beside the file."""
        report.skipped = len(rejected)
        target = Path(errors_file) if errors_file else path.with_name(f"{path.stem}-rejets.xlsx")
        if not dry_run or errors_file:
            write_rejects(target, table, rejected)
            report.errors_file = str(target)

    def apply(self, report: LoadReport, dataset_id: str, kind: str, batch: GraphBatch | None, version: dict | None,
              previous: dict | None, progress: Progress | None = None, max_delete_ratio: float = 0.5,
              force: bool = False, dry_run: bool = False, event: dict | None = None,
              also_touched: set[str] = frozenset(), restore: dict | None = None) -> None:
        """Write (or, for a dry run, only plan) what makes the graph hold ``batch`` as dataset
        ``dataset_id``; ``batch=None`` removes the dataset. One transaction, planned inside it: if the
        store runs it again (a transient error, or another client changed the graph meanwhile), it is
        planned again from what the graph then holds. A plan bigger than ``commit_every`` writes is
        written in several transactions after one that marks the dataset pending (see :mod:`.pending`);
        ``restore`` is the Dataset node to put back (a pending load rolled back)."""
        notes_before = list(report.notes)
        big: dict = {}

        class _DryRun(Exception):
            pass

        def finish(writer: Writer, current: dict | None, touched: set[str]) -> None:
            derive_names(writer, touched)
            if restore is not None:
                self._restore_record(writer.tx, dataset_id, restore)
            else:
                self._record(writer.tx, dataset_id, kind, version, current, report, batch is None, event)

        def work(tx):
            # The Dataset node as it is now (another process may have loaded this dataset since we looked).
            current = dataset_node(tx, dataset_id)
            touched = self._touched(current, batch) | set(also_touched)
            self._loading = {dataset_id: kind}  # its Dataset node is written last: cascades need its kind
            plan, cascade = self._plan(tx, dataset_id, kind, batch or GraphBatch(), touched, max_delete_ratio, force)
            report.written = dict(sorted(plan.written.items()))
            report.changed = dict(sorted(plan.changed.items()))
            report.deleted = dict(sorted((k, v) for k, v in plan.deleted.items() if v))
            report.notes[:] = notes_before + plan.notes
            if dry_run and not cascade:
                raise _DryRun
            if not dry_run and plan.size() > self.commit_every:
                if restore is None:
                    self._mark_pending(tx, dataset_id, kind, current, touched)
                big.update(plan=plan, cascade=cascade, current=current, touched=touched)
                return
            writer = Writer(tx)
            self._apply(writer, plan, progress)
            self._cascade(writer, dataset_id, cascade, report)
            if dry_run:
                raise _DryRun
            finish(writer, current, touched)

        what = f"loading {report.file or dataset_id}"
        with contextlib.suppress(_DryRun):
            self.store.transaction(work, what=what, replan=True)
        if big:
            self._write_in_parts(what, big, report, progress, restore is None,
                                 lambda writer: (self._cascade(writer, dataset_id, big["cascade"], report),
                                                 finish(writer, big["current"], big["touched"])))

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
    def read(self, spec: LoaderSpec, path: Path, sheet=None, encoding=None, delimiter=None,
             opts: dict | None = None, header_row: int | None = None) -> Table:
        """The file's table. ``header_row`` forces the header's row; otherwise a kind read by the common
        reader finds it below any title rows (see :meth:`LoaderSpec.locate_header`)."""
        reader = spec.reader_function() or read_table
        if "options" in inspect.signature(reader).parameters:  # a reader of its own (SIRENE, sheet per site)
            return reader(path, sheet=sheet or spec.sheet, encoding=encoding, delimiter=delimiter,
                          header_row=header_row, options=opts or {}, lookup=self._lookup, spec=spec)
        note = None
        if header_row is None and reader is read_table and spec.header_row == 1 and spec.columns:
            header_row, note = spec.locate_header(path, sheet or spec.sheet, encoding, delimiter)
        table = reader(path, sheet=sheet or spec.sheet, encoding=encoding, delimiter=delimiter,
                       header_row=header_row or spec.header_row)
        if note:
            table.found_header = note
        return table

    def _lookup(self, cypher: str, params: dict | None = None) -> list[dict]:
        """The read-only look-ups of readers and transforms; on a cluster they go to the leader, as they must
        see what the previous load committed."""
        return self.store.records(cypher, params, leader=True)

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
        for found in (getattr(table, "found_header", None), *getattr(table, "read_notes", ())):
            if found:  # said by the reader: where the header is, which sheets were read
                notes.insert(0, Note("header_row", found, table.location(table.header_row)))
        ctx = TransformContext(opts, self.model, problems, table, self._lookup, notes)
        batch: GraphBatch = spec.transform_function()(records, ctx)
        problems.extend(batch.problems.items)
        self._check_declared(spec, batch)
        problems.raise_if_any()
        return batch, notes

    def prepare(self, spec: LoaderSpec, path: Path, opts: dict, sheet=None, encoding=None, delimiter=None,
                strict: bool = False, header_row: int | None = None) -> tuple[GraphBatch, int, list[Note]]:
        table = self.read(spec, path, sheet, encoding, delimiter, opts, header_row)
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
        rows = self.store.records(DATASET_NODE, {"id": dataset_id}, leader=True)
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
