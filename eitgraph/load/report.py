"""What a load says back: its report, the context a transform may consult, and the dataset a file is
a version of."""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass, field

from ..errors import Location, Problems
from ..model.graph import Model
from .notes import Note
from .querybuilder import QueryBuilder
from .tables import Table

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
