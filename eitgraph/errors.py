"""One exception tree for the whole library.

Every error a user can cause derives from :class:`EitgraphError`; the CLI prints
its message and exits non-zero. Input errors carry where the problem is
(file, sheet, row, column) so that a spreadsheet author can fix it.
"""

from __future__ import annotations

from dataclasses import dataclass


class EitgraphError(Exception):
    """Base class of every error eitgraph raises on purpose."""


class ConfigError(EitgraphError):
    """Bad option, environment variable or manifest."""


class StoreError(EitgraphError):
    """The graph store cannot be started, reached or written."""


class StoreLockedError(StoreError):
    """Another process owns the data folder and no server of it is reachable."""


class OutputError(EitgraphError):
    """A file eitgraph was asked to write cannot be written (missing folder, full disk, no permission)."""


class QueryError(EitgraphError):
    """Unknown catalogue query, bad parameters, or a query the store rejected."""


@dataclass(frozen=True, slots=True)  # millions per regional load: no __dict__ each
class Location:
    """Where a value sits in an input file: the sheet row in a workbook, the line a record starts on in a CSV."""

    file: str | None = None
    sheet: str | None = None
    row: int | None = None
    column: str | None = None

    def __str__(self) -> str:
        parts = []
        if self.file:
            parts.append(self.file)
        if self.sheet:
            parts.append(f"sheet {self.sheet!r}")
        if self.row is not None:
            parts.append(f"row {self.row}")
        if self.column:
            parts.append(f"column {self.column!r}")
        return ", ".join(parts)


class InputError(EitgraphError):
    """One problem in an input file, with its location.

    >>> str(InputError("not a number: 'abc'", Location("a.csv", None, 3, "Quantité")))
    "a.csv, row 3, column 'Quantité': not a number: 'abc'"
    """

    def __init__(self, message: str, location: Location | None = None):
        self.problem = message
        self.location = location or Location()
        where = str(self.location)
        super().__init__(f"{where}: {message}" if where else message)


class ValidationError(InputError):
    """Several input problems found before anything was written."""

    MAX_SHOWN = 20

    def __init__(self, problems: list[InputError]):
        self.problems = list(problems)
        first = self.problems[0]
        lines = [str(p) for p in self.problems[: self.MAX_SHOWN]]
        more = len(self.problems) - self.MAX_SHOWN
        if more > 0:
            lines.append(f"... and {more} more problem(s)")
        header = f"{len(self.problems)} problem(s) found; nothing was written:"
        InputError.__init__(self, first.problem, first.location)
        self.args = ("\n  ".join([header, *lines]),)

    def __str__(self) -> str:
        return self.args[0]


class Problems:
    """Collects input problems during validation, then raises them together.

    >>> p = Problems()
    >>> p.add("missing value", Location("f.csv", row=2, column="SIRET"))
    >>> p.raise_if_any()
    Traceback (most recent call last):
    ...
    eitgraph.errors.ValidationError: 1 problem(s) found; nothing was written:
      f.csv, row 2, column 'SIRET': missing value
    """

    def __init__(self) -> None:
        self.items: list[InputError] = []

    def add(self, message: str, location: Location | None = None) -> None:
        self.items.append(InputError(message, location))

    def extend(self, errors: list[InputError]) -> None:
        self.items.extend(errors)

    def __bool__(self) -> bool:
        return bool(self.items)

    def raise_if_any(self) -> None:
        if self.items:
            raise ValidationError(self.items)
