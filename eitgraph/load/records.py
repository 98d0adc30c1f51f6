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

import re
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
    # Columns a unit written in this column's header fills (« Quantité (t/an) » → unit t, period an).
    header_unit: tuple[str, ...] = ()

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


@dataclass(slots=True)
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


@dataclass
class HeaderMatch:
    columns: dict[str, int] = field(default_factory=dict)   # column name -> index
    units: dict[str, str] = field(default_factory=dict)     # column name -> unit written in its header
    unused: list[tuple[int, str]] = field(default_factory=list)


_HEADER_UNIT = re.compile(r"^(.*?)\s*(?:\(([^()]*)\)|\[([^\[\]]*)\]|\ben ([a-z0-9/³ ]+))\s*$", re.IGNORECASE)


def split_header(header: str) -> tuple[str, str | None]:
    """« Quantité (t/an) » → ("Quantité", "t/an"); « Poids en kg » → ("Poids", "kg").

    >>> split_header("Quantité (t/an)"), split_header("Poids en kg"), split_header("Commune")
    (('Quantité', 't/an'), ('Poids', 'kg'), ('Commune', None))
    """
    m = _HEADER_UNIT.match(header.strip())
    if not m:
        return header, None
    return m.group(1), next(g for g in m.groups()[1:] if g is not None).strip()


def alias_index(columns: dict[str, ColumnSpec]) -> dict[str, str]:
    """Folded header text -> column name."""
    return {fold(a): col.name for col in columns.values() for a in (*col.aliases, col.name)}


def read_headers(columns: dict[str, ColumnSpec], table: Table) -> HeaderMatch:
    """Which header is which column, found by text, not position; a unit written in a header
    (« Quantité (t/an) ») is kept for the columns it fills; headers no column uses are listed, never
    dropped silently. A missing required column is an error."""
    aliases = alias_index(columns)
    match = HeaderMatch()
    for idx, header in enumerate(table.headers):
        if not header:
            continue
        name, unit = aliases.get(fold(header)), None
        if name is None:
            base, inner = split_header(header)
            name = aliases.get(fold(base)) if base else None
            if name is not None and inner and columns[name].header_unit:
                unit = inner
        if name is None or name in match.columns:
            match.unused.append((idx, header))
            continue
        match.columns[name] = idx
        if unit:
            match.units[name] = unit
    match.columns = {name: match.columns[name] for name in columns if name in match.columns}  # spec order
    problems = Problems()
    for col in columns.values():
        if col.required and col.name not in match.columns:
            problems.add(
                f"required column missing: expected one of {', '.join(repr(a) for a in col.aliases)}",
                Location(table.file, table.sheet, table.header_row, col.aliases[0]),
            )
    problems.raise_if_any()
    return match


def match_headers(columns: dict[str, ColumnSpec], table: Table) -> dict[str, int]:
    """Column name -> index in the table, found by header text, not position."""
    return read_headers(columns, table).columns


def typed_records(columns: dict[str, ColumnSpec], table: Table, problems: Problems,
                  match: HeaderMatch | None = None, defaults: dict[str, Any] | None = None) -> list[Record]:
    """Typed records; each bad cell is added to ``problems`` with its row and column. ``defaults``
    fill the cells left empty (a unit written in a header)."""
    index = (match or read_headers(columns, table)).columns
    defaults = defaults or {}
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
        for name, value in defaults.items():
            if values.get(name) is None:
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
