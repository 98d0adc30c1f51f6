"""Loads too big for one transaction, and their recovery.

A plan bigger than the loader's ``commit_every`` writes (a département's 300,000 SIRENE establishments:
the embedded store's 1 GB heap does not hold them in one transaction) is written in a series of
transactions. A first transaction marks the Dataset node *pending* with what it was before; the last one
writes the Dataset node and removes the mark. A load stopped in between (killed, out of memory, power
cut) leaves the mark: the next open of the knowledge base, or the next load of that dataset, puts the
dataset back as it was before that load (its previous version, from the copy kept in the data folder, or
nothing). So the graph is never seen half-written for long, and never stays so.
"""

from __future__ import annotations

import contextlib
import json
import tempfile
from pathlib import Path

from ..errors import EitgraphError
from ..graphread import PENDING_DATASETS
from .report import LoadReport
from .spec import LoaderSpec


class Writer:
    """Where a plan's writes go: the load's one transaction, or a series of transactions committed every
    ``limit`` writes (``session`` given)."""

    def __init__(self, tx, session=None, limit: float = float("inf")):
        self.tx, self.session, self.limit, self.pending = tx, session, limit, 0
        self.commits = 0

    def run(self, cypher: str, **params):
        return self.tx.run(cypher, **params)

    def wrote(self, n: int) -> None:
        self.pending += n
        if self.session is not None and self.pending >= self.limit:
            self.commit()

    def commit(self) -> None:
        """Commit what is written so far and go on in a new transaction (only with a session)."""
        self.tx.commit()
        self.commits += 1
        self.tx = self.session.begin_transaction()
        self.pending = 0


class PendingLoads:
    """Needs the Loader's store, files, apply, prepare, _apply and _previous."""

    def _write_in_parts(self, what: str, big: dict, report: LoadReport, progress, recover_on_failure: bool,
                        finish) -> None:
        """Write ``big["plan"]`` in transactions of ``commit_every`` writes, then ``finish(writer)`` in the last;
        all of it under the data folder's write lock."""
        commits = 0
        try:
            with self.store.write_session(what) as session:
                writer = Writer(session.begin_transaction(), session, self.commit_every)
                try:
                    self._apply(writer, big["plan"], progress)
                    finish(writer)
                except BaseException:
                    commits = writer.commits
                    with contextlib.suppress(Exception):
                        writer.tx.rollback()
                    raise
                writer.tx.commit()
        except BaseException:
            if recover_on_failure and commits:
                with contextlib.suppress(Exception):  # else at the next open or load of the dataset
                    self.recover()
            raise

    def _mark_pending(self, tx, dataset_id: str, kind: str, previous: dict | None, touched: set[str]) -> None:
        """Before a load written in several transactions: what the Dataset node was, to put it back."""
        before = {k: v for k, v in (previous or {}).items() if k != "pending"}
        pending = json.dumps({"before": before, "touched": sorted(touched), "kind": kind}, default=str,
                             ensure_ascii=False)
        tx.run("MERGE (d:Dataset {id: $id}) ON CREATE SET d.kind = $kind, d.dropped = true SET d.pending = $p",
               id=dataset_id, kind=kind, p=pending).consume()

    @staticmethod
    def _restore_record(tx, dataset_id: str, before: dict) -> None:
        if before:
            tx.run("MATCH (d:Dataset {id: $id}) SET d = $props", id=dataset_id, props=before).consume()
        else:
            tx.run("MATCH (d:Dataset {id: $id}) DELETE d", id=dataset_id).consume()

    def pending(self) -> list[str]:
        """Datasets whose last load was interrupted between two of its transactions."""
        return [r["id"] for r in self.store.records(PENDING_DATASETS, leader=True)]

    def recover(self) -> list[str]:
        """Put every dataset whose load was interrupted back as it was before that load (its previous
        version, from the copy kept in the data folder, or nothing); returns their ids."""
        done = []
        for dataset_id in self.pending():
            info = json.loads(self._previous(dataset_id)["pending"])
            before, kind = info["before"], info["kind"]
            report = LoadReport(dataset_id, kind, before.get("file") or "", 0)
            batch = self._previous_batch(dataset_id, kind, before)
            self.apply(report, dataset_id, kind, batch, None, before or None, force=True,
                       also_touched=set(info["touched"]), restore=before)
            done.append(dataset_id)
        return done

    def _previous_batch(self, dataset_id: str, kind: str, before: dict):
        """What the dataset held before the interrupted load, read again from the copy of its file."""
        if not before or before.get("dropped"):
            return None
        history = json.loads(before.get("history") or "[]")
        last = next((e for e in reversed(history) if e.get("copy") and e.get("sha256") == before.get("sha256")), None)
        if last is None or self.files is None:
            raise EitgraphError(f"dataset {dataset_id} was being loaded when the store stopped and no copy of its "
                                f"previous file {before.get('file')!r} was kept: drop it (eitgraph drop {dataset_id}) "
                                "and load it again")
        with tempfile.TemporaryDirectory(prefix="eitgraph-recover-") as tmp:
            path = self.files.restore(last["copy"], Path(tmp))
            batch, _, _ = self.prepare(LoaderSpec.load(kind), path, json.loads(last.get("options") or "{}"),
                                       last.get("sheet"), last.get("encoding"), last.get("delimiter"),
                                       header_row=last.get("header_row"))
        return batch
