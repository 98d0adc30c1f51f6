"""Datasets as objects: list them, read their history, drop them, undo the last change, and the merge
decisions that make one organisation of two. A mix-in of :class:`eitgraph.load.loading.Loader`."""

from __future__ import annotations

import datetime as dt
import json
import tempfile
import time
from pathlib import Path

from ..errors import EitgraphError
from ..graphread import DATASET_NODE
from ..store import plain
from .graphbatch import GraphBatch
from .planstate import DECISIONS
from .report import LoadReport
from .spec import LoaderSpec


def dataset_node(tx, dataset_id: str) -> dict | None:
    """What the Dataset node of this id holds, read inside the transaction ``tx``; None if there is none."""
    row = tx.run(DATASET_NODE, id=dataset_id).single()
    return plain(row["p"]) if row else None


class DatasetHistory:
    """Needs the Loader's store, files, apply, prepare, _plan, _apply, _cascade, _record and _previous."""

    def decide(self, group: list | None, groups: list | None = None,
               state: int | None = None) -> tuple[LoadReport, str | None]:
        """Add a merge decision (``group``: the (dataset, key) mentions that are one organisation), or put
        back a list of decisions (``groups``, for undo); organisations are clustered again with them.
        Returns the report and the id of the organisation the group now is."""
        previous = self._previous(DECISIONS)
        current = json.loads((previous or {}).get("groups") or "[]")
        new_groups = groups if groups is not None else [*current, [list(m) for m in group]]
        report = LoadReport(DECISIONS, "same-as", "eitgraph merge", 0)
        kept: list[str] = []

        def work(tx):
            self._loading = {DECISIONS: "same-as"}
            tx.run("MERGE (d:Dataset {id: $id}) SET d.groups = $g, d.kind = 'same-as'", id=DECISIONS,
                   g=json.dumps(new_groups)).consume()
            plan, cascade = self._plan(tx, DECISIONS, "same-as", GraphBatch(), {"Organisation"}, 1.0, True)
            report.changed = dict(sorted(plan.changed.items()))
            report.deleted = dict(sorted((k, v) for k, v in plan.deleted.items() if v))
            if group:
                org = self.last_planner.org_plan
                k = next(i for i, ms in enumerate(org.outcome.clusters) if tuple(group[0]) in {m.ident for m in ms})
                kept.append(org.ids_of[k])
            self._apply(tx, plan, None)
            self._cascade(tx, DECISIONS, cascade, report)
            self._record(tx, DECISIONS, "same-as", None, previous, report, False,
                         {"action": "merge" if groups is None else "undo", "groups": new_groups,
                          **({"state": state} if state is not None else {})})

        self.store.transaction(work, what="merging organisations")
        return report, kept[0] if kept else None

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
        if kind == "same-as":  # a merge decision: the decisions as they were before it
            before = history[current - 1].get("groups", []) if current >= 1 else []
            report, _ = self.decide(None, groups=before, state=current - 1)
            report.undone = True
            return report
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
                                                   event.get("delimiter"))
                report = LoadReport(dataset_id, kind, event.get("file"), nrows, dry_run=dry_run, notes=notes)
                version = {**{k: event.get(k) for k in ("sha256", "file", "path", "options", "sheet", "encoding",
                                                          "delimiter", "rows", "copy")}}
                self.apply(report, dataset_id, kind, batch, version, previous, force=True, dry_run=dry_run,
                           event={"action": "undo", "state": target})
        report.undone = True
        return report

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
