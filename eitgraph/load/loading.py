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
import gc
import inspect
import json
import re
import tempfile
import time
from collections import defaultdict
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

from ..errors import ConfigError, EitgraphError, InputError, Location, Problems, ValidationError
from ..model.graph import Model, load_model
from ..values import parse_boolean
from .filestore import FileStore, file_sha256
from .graphbatch import GraphBatch
from .querybuilder import QueryBuilder
from .recognise import better_kind, recognise, resolve_input, with_prerequisite
from .records import Record
from .rejects import write_rejects
from .spec import LoaderSpec, kind_ranks
from .tables import Table, read_table, sidecar_path
from .units import derive_names
from .writeplan import LoadAborted, Note, Plan, Planner, Precedence, dataset_kinds
from ..store import translated_errors

Progress = Callable[[int, int], None]  # (done, total) in rows written


@dataclass
class LoadReport:
    dataset: str
    kind: str
    file: str
    rows: int
    written: dict[str, int] = field(default_factory=dict)   # what the dataset holds after the load
    changed: dict[str, int] = field(default_factory=dict)   # elements created or changed
    deleted: dict[str, int] = field(default_factory=dict)   # elements no dataset holds any more
    dry_run: bool = False
    unchanged: bool = False
    seconds: float = 0.0
    notes: list[Note] = field(default_factory=list)         # warnings: worth knowing, not errors
    skipped: int = 0                                         # rows left out (--on-error skip)
    errors_file: str | None = None
    undone: bool = False
    rows_read: int | None = None                             # rows of the file, when a reader kept only some
    left_out: dict[str, int] = field(default_factory=dict)   # rows a reader's filter left out, by reason

    @property
    def warnings(self) -> list[str]:
        return [str(n) for n in self.notes]

    def summary(self) -> str:
        if self.unchanged:
            return f"{self.dataset}: unchanged since last load ({self.file}), nothing written"
        if self.undone:
            head = f"{self.dataset}: back to {self.file or 'before its first load'}"
        else:
            verb = "would write" if self.dry_run else "wrote"
            parts = ", ".join(f"{v} {k}" for k, v in self.written.items()) or "nothing"
            if self.rows_read is not None and self.rows_read != self.rows:
                reasons = ", ".join(f"{n:,} {_LEFT_OUT.get(k, k)}" for k, n in self.left_out.items() if n)
                head = (f"{self.dataset}: {self.rows_read:,} rows read from {self.file}, {self.rows:,} kept"
                        + (f" (left out: {reasons})" if reasons else "") + f"; {verb} {parts}")
            else:
                head = f"{self.dataset}: {self.rows} rows read from {self.file}; {verb} {parts}"
        changed = sum(self.changed.values())
        if not changed and not self.deleted:
            tail = "; nothing changes in the graph" if self.dry_run else "; nothing changed in the graph"
        else:
            tail = f"; {changed} new or changed" if changed else ""
            if self.deleted:
                gone = "would remove" if self.dry_run else "removed"
                tail += f"; {gone} " + ", ".join(f"{v} {k}" for k, v in self.deleted.items()) + " no longer in any file"
        if self.skipped:
            tail += f"; {self.skipped} row(s) skipped" + (f" (see {self.errors_file})" if self.errors_file else "")
        if self.notes:
            tail += f"; {len(self.notes)} warning(s)"
        if not self.dry_run:
            tail += f" ({self.seconds:.1f} s)"
        return head + tail


_LEFT_OUT = {"closed": "closed", "outside": "outside the territory", "abroad": "abroad",
             "not_in_graph": "commune not in the graph", "unknown_commune": "unknown commune code"}


@dataclass
class TransformContext:
    """What a transform may consult besides its records: options and read-only lookups."""

    options: dict
    model: Model
    problems: Problems
    table: Table
    lookup: Callable[[str, dict], list[dict]]  # read-only Cypher (text from code, values as parameters)
    notes: list[Note] = field(default_factory=list)  # warnings for the load report

    def note(self, code: str, message: str, location: Location | None = None) -> None:
        self.notes.append(Note(code, message, location or Location()))

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
def _hints(path: Path, kind: str, sheet: str | None):
    """Errors that say what to do next: the kind a file looks like when its headers do not fit the kind given,
    the command that loads what the file needs first."""
    try:
        yield
    except ValidationError as exc:
        problems = [InputError(with_prerequisite(p.problem), p.location) for p in exc.problems]
        headers_wrong = any(p.problem.startswith("required column missing") for p in problems)
        other = better_kind(path, kind, sheet) if headers_wrong else None
        if other is not None:
            problems.append(InputError(f"this looks like a {other.kind} file (its headers {', '.join(other.headers[:5])}"
                                          f"): eitgraph load {other.kind} {path.name}", Location(str(path))))
        if [p.problem for p in problems] != [p.problem for p in exc.problems]:
            raise ValidationError(problems) from None
        raise
    except InputError as exc:
        if exc.problem.startswith("no header row found"):
            other = better_kind(path, kind, sheet)
            if other is not None:
                raise InputError(f"{exc.problem}; this looks like a {other.kind} file (its headers "
                                 f"{', '.join(other.headers[:5])}): eitgraph load {other.kind} {path.name}",
                                 exc.location) from None
        raise


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


# Suffixes officers add to a new version of the same file: « acteurs_v6 », « acteurs (2) »,
# « acteurs-final », « acteurs 2024-03-01 », « acteurs_corrigé ».
_VERSION_SUFFIX = re.compile(
    r"(?i)(?:[\s_.-]*(?:\(\d+\)|v\d+|version[\s_-]*\d+|finale?|def|d[ée]finitif|corrig[ée]e?|maj|mise[\s_-]a[\s_-]jour"
    r"|copie|copy|\d{4}-\d{2}-\d{2}|\d{4}_\d{2}_\d{2}|\d{8}|\d{2}[-_.]\d{2}[-_.]\d{4}))+$")


def dataset_name(stem: str) -> str:
    """The dataset a file is a version of: its name without version suffixes.

    >>> dataset_name("acteurs_v6"), dataset_name("Acteurs EIT (2)"), dataset_name("diag-2024-03-01-final")
    ('acteurs', 'Acteurs EIT', 'diag')
    >>> dataset_name("v2"), dataset_name("plan-2020-2026")
    ('v2', 'plan-2020-2026')
    """
    return _VERSION_SUFFIX.sub("", stem).strip(" _.-") or stem


def _skippable(exc: ValidationError, table: Table) -> bool:
    """Lenient mode skips rows; a problem that is not about one row of this file stops the load."""
    return all(p.location.row is not None and p.location.row != table.header_row for p in exc.problems)


class _Writer:
    """Where a plan's writes go: the load's one transaction, or — for a plan bigger than ``limit`` writes —
    a series of transactions committed every ``limit`` writes (an embedded store's 1 GB heap does not hold
    300,000 new organisations in one transaction). The Dataset node says the load is pending until its
    last transaction; :meth:`Loader.recover` puts back a pending dataset's previous state."""

    def __init__(self, tx, session=None, limit: float = float("inf")):
        self.tx, self.session, self.limit, self.pending = tx, session, limit, 0
        self.commits = 0

    def run(self, cypher: str, **params):
        return self.tx.run(cypher, **params)

    def wrote(self, n: int) -> None:
        self.pending += n
        if self.session is not None and self.pending >= self.limit:
            self.tx.commit()
            self.commits += 1
            self.tx = self.session.begin_transaction()
            self.pending = 0


class Loader:
    """Loads files of any declared source kind into a store."""

    # Writes per transaction when a plan is bigger than that (see _Writer); measured with the embedded
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
        path, from_reference = resolve_input(path)
        first_notes: list[Note] = []
        if from_reference:
            first_notes.append(Note("reference_file", f"{path.name}: the reference file shipped with eitgraph "
                                    f"({path})", Location(path.name)))
        if kind is None:
            guess = recognise(path, sheet)
            kind = guess.kind
            first_notes.append(Note("kind_recognised", f"read as {kind} (recognised from its headers: "
                                    f"{', '.join(guess.headers[:6])})", Location(path.name)))
        spec = LoaderSpec.load(kind)
        if isinstance(strict, str):  # « -o strict=true » reaches here as text
            strict = parse_boolean(strict)
        options = dict(options or {})
        if strict and "strict" in spec.options:  # a kind with its own strict rule (sirene): --strict sets it
            options["strict"] = True
        opts = spec.resolve_options(options)
        path = Path(path)
        named = dataset_id is None
        dataset_id = dataset_id or f"{kind}:{dataset_name(path.stem)}"
        if not path.exists():
            raise EitgraphError(f"{path}: file not found")
        sha = file_sha256(path)
        side = sidecar_path(path)
        if side:  # metadata kept beside the file is part of the dataset
            sha += ":" + file_sha256(side)
        opts_json = json.dumps(opts, sort_keys=True, ensure_ascii=False, default=str)

        previous = self._previous(dataset_id)
        if previous and previous.get("pending"):  # its last load stopped half-way: put it back first
            self.recover()
            previous = self._previous(dataset_id)
        if previous and previous.get("kind") and previous["kind"] != kind and not previous.get("dropped"):
            raise EitgraphError(f"dataset {dataset_id!r} is a {previous['kind']!r} dataset; a {kind!r} file cannot "
                                "replace it. Give this file another --dataset id.")
        if (not dry_run and not force and not strict and previous and not previous.get("dropped")
                and (previous.get("sha256"), previous.get("kind"), previous.get("options")) == (sha, kind, opts_json)):
            return LoadReport(dataset_id, kind, path.name, 0, unchanged=True)

        version = {"sha256": sha, "file": path.name, "path": str(path.resolve()), "options": opts_json,
                   "sheet": sheet, "encoding": encoding, "delimiter": delimiter, "header_row": header_row}
        with _without_gc(), _hints(path, kind, sheet):
            table = self.read(spec, path, sheet, encoding, delimiter, opts, header_row)
            rejected: dict[int, list[str]] = {}  # row -> messages (on_error="skip")
            while True:
                try:
                    batch, notes = self.validate(spec, table, opts, strict, skip=set(rejected))
                    notes[:0] = first_notes
                    if named and previous and not previous.get("dropped") and previous.get("file") != path.name:
                        notes.insert(0, Note("new_version", f"{path.name} is read as a new version of dataset "
                                             f"{dataset_id} (last loaded from {previous.get('file')}); give "
                                             "--dataset to keep it apart", Location(path.name)))
                    report = LoadReport(dataset_id, kind, path.name, len(table.rows), dry_run=dry_run, notes=notes,
                                        rows_read=getattr(table, "rows_read", None),
                                        left_out=dict(getattr(table, "skipped", {}) or {}))
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

    def apply(self, report: LoadReport, dataset_id: str, kind: str, batch: GraphBatch | None, version: dict | None,
              previous: dict | None, progress: Progress | None = None, max_delete_ratio: float = 0.5,
              force: bool = False, dry_run: bool = False, event: dict | None = None,
              also_touched: set[str] = frozenset(), restore: dict | None = None) -> None:
        """Write (or, for a dry run, only plan) what makes the graph hold ``batch`` as dataset
        ``dataset_id``; ``batch=None`` removes the dataset. One transaction."""
        # The labels and types the dataset wrote before need looking at too; an old Dataset node
        # without counts means all of them.
        if previous is None or previous.get("dropped"):
            before: set[str] = set()
        elif previous.get("counts"):
            before = set(json.loads(previous["counts"]))
        else:
            before = set(self.model.nodes) | set(self.model.relationships)
        touched = before | (set(batch.counts()) if batch is not None else set()) | set(also_touched)

        class _DryRun(Exception):
            pass

        big: dict = {}

        def finish(writer: _Writer):
            derive_names(writer, touched)
            if restore is not None:  # a pending load rolled back: the Dataset node as it was
                self._restore_record(writer.tx, dataset_id, restore)
            else:
                self._record(writer.tx, dataset_id, kind, version, previous, report, batch is None, event)

        def work(tx):
            plan = self._plan(tx, dataset_id, kind, batch or GraphBatch(), touched, max_delete_ratio, force)
            report.written = dict(sorted(plan.written.items()))
            report.changed = dict(sorted(plan.changed.items()))
            report.deleted = dict(sorted((k, v) for k, v in plan.deleted.items() if v))
            report.notes.extend(plan.notes)
            if dry_run:
                raise _DryRun
            if plan.size() > self.commit_every:
                if restore is None:
                    self._mark_pending(tx, dataset_id, kind, previous, touched)
                big["plan"] = plan
                return
            writer = _Writer(tx)
            self._apply(writer, plan, progress)
            finish(writer)

        what = f"loading {report.file}"
        try:
            self.store.transaction(work, what=what)
        except _DryRun:
            return
        if "plan" in big:
            with translated_errors(what), self.store.driver.session(database=self.store.database) as session:
                writer = _Writer(session.begin_transaction(), session, self.commit_every)
                try:
                    self._apply(writer, big["plan"], progress)
                    finish(writer)
                except BaseException:
                    writer.tx.rollback()
                    if restore is None and writer.commits:
                        with contextlib.suppress(Exception):  # else at the next open
                            self.recover()
                    raise
                writer.tx.commit()

    # -- loads interrupted between their transactions ---------------------------------------------
    def _mark_pending(self, tx, dataset_id: str, kind: str, previous: dict | None, touched: set[str]) -> None:
        """Before a load written in several transactions: what the Dataset node was, to put it back."""
        before = {k: v for k, v in (previous or {}).items() if k not in ("pending",)}
        pending = json.dumps({"before": before, "touched": sorted(touched), "kind": kind}, default=str,
                             ensure_ascii=False)
        tx.run("MERGE (d:Dataset {id: $id}) ON CREATE SET d.kind = $kind, d.dropped = true SET d.pending = $p",
               id=dataset_id, kind=kind, p=pending).consume()

    def _restore_record(self, tx, dataset_id: str, before: dict) -> None:
        if before:
            tx.run("MATCH (d:Dataset {id: $id}) SET d = $props", id=dataset_id, props=before).consume()
        else:
            tx.run("MATCH (d:Dataset {id: $id}) DELETE d", id=dataset_id).consume()

    def pending(self) -> list[str]:
        """Datasets whose last load was interrupted between two of its transactions."""
        return [r["id"] for r in self.store.records("MATCH (d:Dataset) WHERE d.pending IS NOT NULL RETURN d.id AS id")]

    def recover(self) -> list[str]:
        """Put every dataset whose load was interrupted back as it was before that load (its previous
        version, from the copy kept in the data folder, or nothing); returns their ids."""
        done = []
        for dataset_id in self.pending():
            current = self._previous(dataset_id)
            info = json.loads(current["pending"])
            before, kind = info["before"], info["kind"]
            report = LoadReport(dataset_id, kind, before.get("file") or "", 0)
            batch = None
            if before and not before.get("dropped"):
                history = json.loads(before.get("history") or "[]")
                last = next((e for e in reversed(history) if e.get("copy") and e.get("sha256") == before.get("sha256")),
                            None)
                if last is None or self.files is None:
                    raise EitgraphError(f"dataset {dataset_id} was being loaded when the store stopped and no copy of "
                                        f"its previous file {before.get('file')!r} was kept: drop it "
                                        f"(eitgraph drop {dataset_id}) and load it again")
                with tempfile.TemporaryDirectory(prefix="eitgraph-recover-") as tmp:
                    path = self.files.restore(last["copy"], Path(tmp))
                    spec = LoaderSpec.load(kind)
                    batch, _, _ = self.prepare(spec, path, json.loads(last.get("options") or "{}"),
                                               last.get("sheet"), last.get("encoding"), last.get("delimiter"),
                                               header_row=last.get("header_row"))
            self.apply(report, dataset_id, kind, batch, None, None if not before else {**before}, force=True,
                       also_touched=set(info["touched"]), restore=before)
            done.append(dataset_id)
        return done

    # -- validate / transform (no writes) ------------------------------------
    def read(self, spec: LoaderSpec, path: Path, sheet=None, encoding=None, delimiter=None,
             opts: dict | None = None, header_row: int | None = None) -> Table:
        """The file's table. ``header_row`` forces the header's row; otherwise a kind read by the common
        reader finds it below any title rows (see :meth:`LoaderSpec.locate_header`)."""
        reader = spec.reader_function() or read_table
        extra = {}
        if "options" in inspect.signature(reader).parameters:  # a reader of its own (SIRENE, sheet per site)
            extra = {"options": opts or {}, "lookup": self.store.records, "spec": spec}
            return reader(path, sheet=sheet or spec.sheet, encoding=encoding, delimiter=delimiter,
                          header_row=header_row, **extra)
        note = None
        if header_row is None and reader is read_table and spec.header_row == 1 and spec.columns:
            header_row, note = spec.locate_header(path, sheet or spec.sheet, encoding, delimiter)
        table = reader(path, sheet=sheet or spec.sheet, encoding=encoding, delimiter=delimiter,
                       header_row=header_row or spec.header_row)
        if note:
            table.found_header = note
        return table

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
        ctx = TransformContext(opts, self.model, problems, table, self.store.records, notes)
        batch: GraphBatch = spec.transform_function()(records, ctx)
        problems.extend(batch.problems.items)
        self._check_declared(spec, batch)
        problems.raise_if_any()
        return batch, notes

    def prepare(self, spec: LoaderSpec, path: Path, opts: dict, sheet=None, encoding=None,
                delimiter=None, strict: bool = False, header_row: int | None = None) -> tuple[GraphBatch, int, list[Note]]:
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
        rows = self.store.records("MATCH (d:Dataset {id: $id}) RETURN properties(d) AS p", {"id": dataset_id})
        return rows[0]["p"] if rows else None

    def _plan(self, tx, dataset_id: str, kind: str, batch: GraphBatch, touched: set[str],
              max_delete_ratio: float, force: bool) -> Plan:
        now = dt.datetime.now(dt.UTC).isoformat(timespec="seconds")
        kinds = dataset_kinds(tx)
        kinds[dataset_id] = kind
        planner = Planner(tx, self.model, self.qb, dataset_id, Precedence(kinds, kind_ranks()), now, touched,
                          self.batch_size)
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
        return plan

    def _run(self, tx: _Writer, cypher: str, rows: list, tick, **params) -> list:
        out = []
        for i in range(0, len(rows), self.batch_size):
            chunk = _Rows(rows[i:i + self.batch_size])
            out.extend(tx.run(cypher, rows=chunk, **params))
            tick(len(chunk))
        return out

    def _apply(self, tx: _Writer, plan: Plan, progress: Progress | None) -> None:
        total, done = plan.size(), 0

        def tick(n: int) -> None:
            nonlocal done
            done += n
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
        tx.run("MERGE (d:Dataset {id: $id}) SET d += $meta, d.loaded_at = $loaded_at REMOVE d.pending",
               id=dataset_id, meta=meta, loaded_at=now).consume()

    # -- datasets as objects -------------------------------------------------
    def datasets(self, include_dropped: bool = False) -> list[dict]:
        rows = self.store.records("MATCH (d:Dataset) RETURN properties(d) AS p")
        out = []
        for r in rows:
            p = r["p"]
            if p.get("dropped") and not include_dropped:
                continue
            out.append({"dataset": p.get("id"), "kind": p.get("kind"), "file": p.get("file"), "rows": p.get("rows"),
                        "loaded_at": p.get("loaded_at"), "sha256": (p.get("sha256") or "")[:12],
                        "holds": json.loads(p.get("counts") or "{}"),
                        "warnings": len(json.loads(p.get("warnings") or "[]")),
                        "versions": sum(1 for e in json.loads(p.get("history") or "[]") if e.get("action") == "load"),
                        "dropped": bool(p.get("dropped"))})
        return sorted(out, key=lambda d: (str(d["loaded_at"]), d["dataset"]))

    def history(self, dataset_id: str) -> list[dict]:
        previous = self._previous(dataset_id)
        if previous is None:
            raise EitgraphError(f"no dataset {dataset_id!r}; 'eitgraph datasets' lists them")
        return json.loads(previous.get("history") or "[]")

    def drop(self, dataset_id: str, dry_run: bool = False, force: bool = False,
             max_delete_ratio: float = 0.5) -> LoadReport:
        """Remove what only this dataset holds; what other datasets also hold stays, with their values."""
        started = time.monotonic()
        previous = self._previous(dataset_id)
        if previous is None or previous.get("dropped"):
            raise EitgraphError(f"no dataset {dataset_id!r} is loaded; 'eitgraph datasets' lists them")
        report = LoadReport(dataset_id, previous.get("kind"), previous.get("file") or "", 0, dry_run=dry_run)
        self.apply(report, dataset_id, previous.get("kind"), None, None, previous, None, max_delete_ratio, force,
                   dry_run=dry_run)
        report.seconds = time.monotonic() - started
        return report

    def undo(self, dry_run: bool = False) -> LoadReport:
        """Put back the previous version of the dataset changed last (its file is restored from the copy
        kept in the data folder); a dataset loaded once is dropped."""
        rows = self.store.records("MATCH (d:Dataset) RETURN d.id AS id, d.changed_at AS at, d.history AS h "
                                  "ORDER BY at DESC")
        rows = [r for r in rows if r["h"]]
        if not rows:
            raise EitgraphError("nothing to undo: no dataset has been loaded or dropped in this store")
        dataset_id = rows[0]["id"]
        history = json.loads(rows[0]["h"])
        current = history[-1].get("state", len(history) - 1)
        if current < 0:
            raise EitgraphError(f"nothing to undo: {dataset_id} is already back to before its first load")
        earlier = [i for i in range(current) if history[i].get("action") in ("load", "drop")]
        previous = self._previous(dataset_id)
        kind = previous.get("kind")
        if not earlier or history[earlier[-1]]["action"] == "drop":
            target, event = -1 if not earlier else earlier[-1], None
            report = LoadReport(dataset_id, kind, previous.get("file") or "", 0, dry_run=dry_run)
            if not previous.get("dropped"):
                self.apply(report, dataset_id, kind, None, None, previous, force=True, dry_run=dry_run,
                           event={"action": "undo", "state": target})
        else:
            target, event = earlier[-1], history[earlier[-1]]
            if not event.get("copy") or self.files is None:
                raise EitgraphError(f"cannot undo {dataset_id}: no copy of {event.get('file')} was kept")
            with tempfile.TemporaryDirectory(prefix="eitgraph-undo-") as tmp:
                path = self.files.restore(event["copy"], Path(tmp))
                spec = LoaderSpec.load(kind)
                opts = json.loads(event.get("options") or "{}")
                batch, nrows, notes = self.prepare(spec, path, opts, event.get("sheet"), event.get("encoding"),
                                                   event.get("delimiter"), header_row=event.get("header_row"))
                report = LoadReport(dataset_id, kind, event.get("file"), nrows, dry_run=dry_run, notes=notes)
                version = {**{k: event.get(k) for k in ("sha256", "file", "path", "options", "sheet", "encoding",
                                                          "delimiter", "header_row", "rows", "copy")}}
                self.apply(report, dataset_id, kind, batch, version, previous, force=True, dry_run=dry_run,
                           event={"action": "undo", "state": target})
        report.undone = True
        return report
