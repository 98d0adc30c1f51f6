"""Loader mappings: the declarative part of a source kind (``loaders/<kind>.yaml``).

A mapping names the columns a source may have (French and English aliases,
type, required), the options the loader takes, the transform that turns typed
records into graph rows, and which labels and relationship types it writes.

>>> spec = LoaderSpec.load("territory")
>>> spec.columns["insee"].type
'insee'
"""

from __future__ import annotations

import difflib
import re
from collections.abc import Callable
from dataclasses import dataclass, field
from functools import cache
from typing import Any

import yaml

from . import resources
from .errors import ConfigError, Location, Problems
from .materials import split_unit
from .readers import Table
from .values import PARSERS, fold, split_list


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


_UNSEEN = object()


@dataclass(frozen=True)
class _Bad:
    message: str


@dataclass(frozen=True)
class OptionSpec:
    name: str
    description: str = ""
    type: str = "string"
    default: Any = None


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


@dataclass
class HeaderMatch:
    columns: dict[str, int] = field(default_factory=dict)   # column name -> index
    units: dict[str, str] = field(default_factory=dict)     # column name -> unit written in its header
    unused: list[tuple[int, str]] = field(default_factory=list)


_HEADER_UNIT = re.compile(r"^(.*?)\s*(?:\(([^()]*)\)|\[([^\[\]]*)\]|\ben ([a-z0-9/³ ]+))\s*$", re.IGNORECASE)


def _split_header(header: str) -> tuple[str, str | None]:
    """« Quantité (t/an) » → ("Quantité", "t/an"); « Poids en kg » → ("Poids", "kg").

    >>> _split_header("Quantité (t/an)"), _split_header("Poids en kg"), _split_header("Commune")
    (('Quantité', 't/an'), ('Poids', 'kg'), ('Commune', None))
    """
    m = _HEADER_UNIT.match(header.strip())
    if not m:
        return header, None
    return m.group(1), next(g for g in m.groups()[1:] if g is not None).strip()


@cache
def _kind_reads(kind: str, header: str) -> bool:
    spec = _load_spec(kind)
    folded = {fold(header), fold(_split_header(header)[0])}
    return any(fold(a) in folded for col in spec.columns.values() for a in col.aliases)


@cache
def kind_ranks() -> dict[str, int]:
    """Precedence of each source kind (lower wins), from the loader mappings."""
    return {k: _load_spec(k).precedence for k in available_kinds()}


@dataclass(frozen=True)
class LoaderSpec:
    kind: str
    description: str
    transform: str
    columns: dict[str, ColumnSpec]
    writes_nodes: tuple[str, ...]
    writes_relationships: tuple[str, ...]
    options: dict[str, OptionSpec]
    sheet: str | None = None
    header_row: int = 1
    reader: str | None = None  # "module:function" reading a non-table file into a Table, instead of read_table
    # Whose values win when several datasets describe the same element: lower first (see writeplan).
    precedence: int = 50

    @classmethod
    def load(cls, kind: str) -> LoaderSpec:
        return _load_spec(kind)

    def transform_function(self) -> Callable:
        return resources.declared_function(self.transform)

    def reader_function(self) -> Callable | None:
        return resources.declared_function(self.reader) if self.reader else None

    # -- headers -----------------------------------------------------------
    def _alias_index(self) -> dict[str, str]:
        return {fold(a): col.name for col in self.columns.values() for a in (*col.aliases, col.name)}

    def match_headers(self, table: Table) -> dict[str, int]:
        """Column name -> index in the table, found by header text, not position."""
        return self.read_headers(table).columns

    def read_headers(self, table: Table) -> HeaderMatch:
        """Which header is which column; a unit written in a header (« Quantité (t/an) ») is kept for
        the columns it fills; headers no column uses are listed, never dropped silently."""
        aliases = self._alias_index()
        match = HeaderMatch()
        for idx, header in enumerate(table.headers):
            if not header:
                continue
            name, unit = aliases.get(fold(header)), None
            if name is None:
                base, inner = _split_header(header)
                name = aliases.get(fold(base)) if base else None
                if name is not None and inner and self.columns[name].header_unit:
                    unit = inner
            if name is None or name in match.columns:
                match.unused.append((idx, header))
                continue
            match.columns[name] = idx
            if unit:
                match.units[name] = unit
        problems = Problems()
        for col in self.columns.values():
            if col.required and col.name not in match.columns:
                problems.add(
                    f"required column missing: expected one of {', '.join(repr(a) for a in col.aliases)}",
                    Location(table.file, table.sheet, table.header_row, col.aliases[0]),
                )
        problems.raise_if_any()
        return match

    def unused_notes(self, table: Table, match: HeaderMatch) -> list[tuple[str, str]]:
        """(header, message) for each header no column of this kind uses, with a hint."""
        known = {fold(a): a for col in self.columns.values() for a in col.aliases}
        out = []
        for idx, header in match.unused:
            folded = fold(header)
            if aliases_hit := self._alias_index().get(folded) or self._alias_index().get(fold(_split_header(header)[0])):
                out.append((header, f"column {header!r} repeats column {table.headers[match.columns[aliases_hit]]!r} "
                                    f"({aliases_hit}); only the first is read"))
                continue
            hints = []
            close = difflib.get_close_matches(folded, list(known), n=1, cutoff=0.6)
            if close:
                hints.append(f"closest known header: {known[close[0]]!r}")
            others = [k for k in available_kinds() if k != self.kind and _kind_reads(k, header)]
            if others:
                hints.append(f"read by kind {', '.join(others)}")
            hint = f" ({'; '.join(hints)})" if hints else ""
            out.append((header, f"column {header!r} is not used by {self.kind}{hint}"))
        return out

    def records(self, table: Table, problems: Problems, notes: list | None = None,
                strict: bool = False) -> list[Record]:
        """Typed records; each bad cell is added to ``problems`` with its row and column. Headers no
        column uses go to ``notes`` as warnings (``strict``: to ``problems``)."""
        match = self.read_headers(table)
        index = match.columns
        for header, message in self.unused_notes(table, match):
            where = Location(table.file, table.sheet, table.header_row, header)
            if strict:
                problems.add(message + " (--strict)", where)
            elif notes is not None:
                notes.append(("unused_column", message, where))
        header_units = {}
        for name, unit in match.units.items():
            try:
                filled = dict(zip(self.columns[name].header_unit, split_unit(unit), strict=False))
            except ValueError:
                if notes is not None:
                    notes.append(("header_unit", f"unit {unit!r} in header {table.headers[index[name]]!r} is not "
                                  "understood; give the unit in a column", table.location(table.header_row,
                                                                                         table.headers[index[name]])))
                continue
            header_units.update({k: v for k, v in filled.items() if v})
        headers = {name: table.headers[i] for name, i in index.items()}
        # Parsing is a pure function of the text and the same texts repeat down a column (units,
        # codes, statuses, partners): parse each distinct text once. List values are not shared
        # between records, so list columns are not cached.
        columns = [(name, idx, self.columns[name], None if self.columns[name].list else {})
                   for name, idx in index.items()]
        out = []
        for row_no, cells in table.rows:
            values: dict[str, Any] = {}
            width = len(cells)
            for name, idx, col, seen in columns:
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
            for name, value in header_units.items():
                if values.get(name) is None:
                    values[name] = value
            out.append(Record(row_no, values, table, headers))
        return out

    def resolve_options(self, given: dict | None) -> dict:
        given = dict(given or {})
        unknown = sorted(set(given) - set(self.options))
        if unknown:
            raise ConfigError(f"loader {self.kind!r} has no option {', '.join(unknown)}; "
                              f"options: {', '.join(self.options) or 'none'}")
        return {name: given.get(name, opt.default) for name, opt in self.options.items()}


def _choices(raw: dict | None) -> dict[str, str] | None:
    if raw is None:
        return None
    out = {}
    for canonical, spellings in raw.items():
        for s in (canonical, *(spellings or [])):
            out[fold(str(s))] = canonical
    return out


@cache
def _load_spec(kind: str) -> LoaderSpec:
    path = resources.path("loaders", f"{kind}.yaml")
    if not path.exists():
        raise ConfigError(f"unknown source kind {kind!r}; known kinds: {', '.join(available_kinds())}")
    with open(path, encoding="utf-8") as fh:
        raw = yaml.safe_load(fh)
    columns = {}
    for name, c in raw.get("columns", {}).items():
        ctype = c.get("type", "string")
        if ctype not in PARSERS:
            raise ConfigError(f"{path}: column {name}: unknown type {ctype!r}")
        raw_choices = c.get("choices")
        spellings = tuple(str((v or [k])[0]) for k, v in raw_choices.items()) if raw_choices else ()
        columns[name] = ColumnSpec(name, tuple(c.get("aliases", [name])), ctype, bool(c.get("required")),
                                   bool(c.get("list")), _choices(raw_choices), c.get("description", ""), spellings,
                                   tuple(c.get("header_unit", ())))
    options = {n: OptionSpec(n, **(o or {})) for n, o in (raw.get("options") or {}).items()}
    writes = raw.get("writes", {})
    return LoaderSpec(raw["kind"], raw.get("description", ""), raw["transform"], columns,
                      tuple(writes.get("nodes", [])), tuple(writes.get("relationships", [])), options,
                      raw.get("sheet"), int(raw.get("header_row", 1)), raw.get("reader"),
                      int(raw.get("precedence", 50)))


def available_kinds() -> list[str]:
    return sorted(p.stem for p in resources.folder("loaders").glob("*.yaml"))
