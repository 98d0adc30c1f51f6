"""Typed records: the columns a source kind declares (``loaders/<kind>.yaml``), found in a table by
header text, and each row's cells parsed to their declared types. Every bad cell is reported with its
row and column; nothing stops at the first one.

>>> from eitgraph.load.tables import Table
>>> from eitgraph.errors import Problems
>>> cols = {"q": ColumnSpec("q", ("Quantité",), "number"), "u": ColumnSpec("u", ("Unité",))}
>>> t = Table("f.csv", None, 1, ["Unité", "Quantité"], [(2, ["t", "1 200,5"]), (3, ["kg", "beaucoup"])])
>>> problems = Problems()
>>> [r.values for r in typed_records(cols, t, problems)], [str(p) for p in problems.items]
([{'q': 1200.5, 'u': 't'}, {'q': None, 'u': 'kg'}], ["f.csv, row 3, column 'Quantité': not a number: 'beaucoup'"])
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from ..errors import Location, Problems
from ..values import PARSERS, fold, split_list
from .tables import Table


@dataclass(frozen=True)
class ColumnSpec:
    name: str
    aliases: tuple[str, ...]
    type: str = "string"
    required: bool = False
    list: bool = False
    choices: dict[str, str] | None = None  # folded spelling -> canonical value
    description: str = ""
    spellings: tuple[str, ...] = ()  # the first spelling of each choice, as people write it

    def parse(self, text: str) -> Any:
        if self.list:
            return [self._one(part) for part in split_list(text, "|;")]
        return self._one(text)

    def _one(self, text: str) -> Any:
        if self.choices is not None:
            value = self.choices.get(fold(text))
            if value is None:
                raise ValueError(f"unknown value {text!r}; accepted: {', '.join(self.spellings)}")
            return value
        return PARSERS[self.type](text)


@dataclass
class Record:
    """One typed input row."""

    row: int
    values: dict[str, Any]
    table: Table
    headers: dict[str, str] = field(repr=False, default_factory=dict)  # column name -> header text

    def get(self, name: str, default: Any = None) -> Any:
        value = self.values.get(name)
        return default if value is None else value

    def loc(self, column: str | None = None) -> Location:
        return self.table.location(self.row, self.headers.get(column, column) if column else None)


_UNSEEN = object()


@dataclass(frozen=True)
class _Bad:
    message: str


def match_headers(columns: dict[str, ColumnSpec], table: Table) -> dict[str, int]:
    """Column name -> index in the table, found by header text, not position."""
    folded = {}
    for idx, header in enumerate(table.headers):
        if header:
            folded.setdefault(fold(header), idx)
    found, problems = {}, Problems()
    for col in columns.values():
        idx = next((folded[fold(a)] for a in col.aliases if fold(a) in folded), None)
        if idx is not None:
            found[col.name] = idx
        elif col.required:
            problems.add(
                f"required column missing: expected one of {', '.join(repr(a) for a in col.aliases)}",
                Location(table.file, table.sheet, table.header_row, col.aliases[0]),
            )
    problems.raise_if_any()
    return found


def typed_records(columns: dict[str, ColumnSpec], table: Table, problems: Problems) -> list[Record]:
    """Typed records; each bad cell is added to ``problems`` with its row and column."""
    index = match_headers(columns, table)
    headers = {name: table.headers[i] for name, i in index.items()}
    # Parsing is a pure function of the text and the same texts repeat down a column (units,
    # codes, statuses, partners): parse each distinct text once. List values are not shared
    # between records, so list columns are not cached.
    found = [(name, idx, columns[name], None if columns[name].list else {}) for name, idx in index.items()]
    out = []
    for row_no, cells in table.rows:
        values: dict[str, Any] = {}
        width = len(cells)
        for name, idx, col, seen in found:
            text = cells[idx] if idx < width else None
            if text is None:
                if col.required:
                    problems.add("required value missing", table.location(row_no, headers[name]))
                values[name] = None
                continue
            value = seen.get(text, _UNSEEN) if seen is not None else _UNSEEN
            if value is _UNSEEN:
                try:
                    value = col.parse(text)
                except ValueError as exc:
                    value = _Bad(str(exc))
                if seen is not None:
                    seen[text] = value
            if type(value) is _Bad:
                problems.add(value.message, table.location(row_no, headers[name]))
                value = None
            values[name] = value
        out.append(Record(row_no, values, table, headers))
    return out


def column_choices(raw: dict | None) -> tuple[dict[str, str] | None, tuple[str, ...]]:
    """(folded spelling -> canonical value, first spelling of each value) of a column's ``choices``."""
    if raw is None:
        return None, ()
    out = {}
    for canonical, spellings in raw.items():
        for s in (canonical, *(spellings or [])):
            out[fold(str(s))] = canonical
    return out, tuple(str((v or [k])[0]) for k, v in raw.items())
