"""Links of other datasets to organisations a load changes: planned again in the same transaction."""

from __future__ import annotations

import json
import tempfile
from pathlib import Path

from ..errors import EitgraphError
from .datasets import dataset_node
from .notes import Note
from .report import LoadReport
from .spec import LoaderSpec
from .writeplan import LoadAborted


class Cascades:
    """Needs the Loader's files, read, validate, _plan and _apply."""

    def _cascade(self, tx, dataset_id: str, datasets: list[str], report: LoadReport, depth: int = 0) -> None:
        """Plan again, in the same transaction, the datasets whose links to organisations this load
        moved (a node merged, split or gone): their files are read again from the copies kept."""
        for other in datasets:
            previous = dataset_node(tx, other)
            if previous is None:
                continue  # relationships written outside eitgraph's datasets: left alone
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
                opts = json.loads(event.get("options") or "{}")
                table = self.read(spec, path, event.get("sheet"), event.get("encoding"), event.get("delimiter"), opts,
                                  event.get("header_row"))
                try:
                    batch, _notes = self.validate(spec, table, opts)
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
