"""Loader specs: the declarative part of a source kind (``loaders/<kind>.yaml``).

A spec names the columns a source may have (French and English aliases, type, required), the options
the loader takes (typed: checked and coerced once), and which labels and relationship types it writes;
the functions that read and transform the kind's files come from :mod:`.registry`.

A spec may ``extends: <kind>``: it then takes that kind's columns, options and ``writes`` and adds or
replaces its own (``plan-form`` is the plans' columns plus three amount columns); its kind,
description, sheet and header row stay its own.

>>> spec = LoaderSpec.load("territory")
>>> spec.columns["insee"].type
'insee'
>>> len(LoaderSpec.load("plan-form").columns) - len(LoaderSpec.load("plans").columns)
3
"""

from __future__ import annotations

import difflib
from dataclasses import dataclass
from functools import cache
from typing import Any

import yaml

FAST_YAML = getattr(yaml, "CSafeLoader", yaml.SafeLoader)  # libyaml when PyYAML has it

from .. import shipped
from ..errors import ConfigError, EitgraphError, InputError, Location, Problems
from ..model.graph import PROVENANCE, Model
from ..model.materials import split_unit
from ..values import PARSERS, fold, parse_boolean, parse_integer, parse_number, split_list
from .graphbatch import GraphBatch
from .headers import HEADER_SEARCH_ROWS, find_header_row, first_rows
from .records import (
    ColumnSpec,
    HeaderMatch,
    Record,
    alias_index,
    column_choices,
    match_headers,
    read_headers,
    split_header,
    typed_records,
)
from .registry import SOURCES, Reader, Transform
from .tables import Table, read_table

OPTION_TYPES = ("string", "boolean", "integer", "number", "list")


@dataclass(frozen=True)
class OptionSpec:
    """A loader option: its declared type, accepted values (``choices``) and default. Values are checked
    and coerced once, whether they come as text (``-o create_missing=false``) or typed (YAML, Python).

    >>> OptionSpec("infer", type="boolean").coerce("non", "plans"), OptionSpec("epci", type="list").coerce("a, b", "x")
    (False, ['a', 'b'])
    >>> OptionSpec("budget_text", choices=("error", "keep")).coerce("peut-etre", "plans")
    Traceback (most recent call last):
    ...
    eitgraph.errors.ConfigError: loader 'plans': option 'budget_text' takes one of error, keep, not 'peut-etre'
    """

    name: str
    description: str = ""
    type: str = "string"
    default: Any = None
    choices: tuple[str, ...] | None = None

    def coerce(self, value: Any, kind: str) -> Any:
        """The value as the declared type (None stays None); ConfigError naming the option otherwise."""
        if value is None:
            return None
        try:
            value = _OPTION_COERCE[self.type](value)
        except (ValueError, TypeError):
            raise ConfigError(f"loader {kind!r}: option {self.name!r} takes {_OPTION_WORDS[self.type]}, "
                              f"not {value!r}") from None
        if self.choices is not None:
            chosen = next((c for c in self.choices if fold(c) == fold(str(value))), None)
            if chosen is None:
                raise ConfigError(f"loader {kind!r}: option {self.name!r} takes one of {', '.join(self.choices)}, "
                                  f"not {value!r}")
            value = chosen
        return value


def _boolean(value: Any) -> bool:
    if isinstance(value, bool):
        return value
    if isinstance(value, int) and value in (0, 1):
        return bool(value)
    if isinstance(value, str):
        return parse_boolean(value)
    raise ValueError(value)


def _list(value: Any) -> list[str]:
    if isinstance(value, str):
        return split_list(value, ",")
    if isinstance(value, (list, tuple, set)):
        return [str(v) for v in value]
    return [str(value)]


def _string(value: Any) -> str:
    if isinstance(value, (list, dict, bool)):
        raise ValueError(value)
    return value.isoformat() if hasattr(value, "isoformat") else str(value)


def _integer(value: Any) -> int:
    if isinstance(value, bool):
        raise ValueError(value)
    return value if isinstance(value, int) else parse_integer(str(value))


def _number(value: Any) -> float:
    if isinstance(value, bool):
        raise ValueError(value)
    return float(value) if isinstance(value, (int, float)) else parse_number(str(value))


_OPTION_COERCE = {"string": _string, "boolean": _boolean, "integer": _integer, "number": _number, "list": _list}
_OPTION_WORDS = {"string": "a text", "boolean": "oui/non (true/false, 1/0…)", "integer": "a whole number",
                 "number": "a number", "list": "a list (or comma-separated text)"}


@dataclass(frozen=True)
class LoaderSpec:
    kind: str
    description: str
    columns: dict[str, ColumnSpec]
    writes_nodes: tuple[str, ...]
    writes_relationships: tuple[str, ...]
    options: dict[str, OptionSpec]
    transform: Transform
    reader: Reader | None = None  # reads a non-table file into a Table, instead of read_table
    sheet: str | None = None
    header_row: int = 1
    # Whose values win when several datasets describe the same element: lower first (see writeplan).
    precedence: int = 50

    @classmethod
    def load(cls, kind: str) -> LoaderSpec:
        return _load_spec(kind)

    def transform_function(self) -> Transform:
        """The kind's transform, whose batch is checked against the graph model: a property the model
        does not declare for a label or relationship type is an error (the labels and types a kind may
        write are checked by the write pipeline against ``writes``)."""
        transform, kind = self.transform, self.kind

        def checked(records: list[Record], ctx) -> GraphBatch:
            batch = transform(records, ctx)
            undeclared_properties(kind, batch, ctx.model)
            return batch

        return checked

    def reader_function(self) -> Reader | None:
        return self.reader

    def match_headers(self, table: Table) -> dict[str, int]:
        """Column name -> index in the table, found by header text, not position."""
        return match_headers(self.columns, table)

    def records(self, table: Table, problems: Problems, notes: list | None = None,
                strict: bool = False) -> list[Record]:
        """Typed records; each bad cell is added to ``problems`` with its row and column. Headers no
        column uses go to ``notes`` as (code, message, location) warnings (``strict``: to ``problems``)."""
        match = read_headers(self.columns, table)
        if notes is not None:
            notes.extend(table.notes)  # what the reader cleaned (control characters)
        _conflicting_duplicates(table, match, problems)
        for header, message in self.unused_notes(table, match):
            where = Location(table.file, table.sheet, table.header_row, header)
            if strict:
                problems.add(message + " (--strict)", where)
            elif notes is not None:
                notes.append(("unused_column", message, where))
        defaults: dict[str, Any] = {}
        for name, unit in match.units.items():
            header = table.headers[match.columns[name]]
            try:
                defaults.update({k: v for k, v in zip(self.columns[name].header_unit, split_unit(unit),
                                                      strict=False) if v})
            except ValueError:
                if notes is not None:
                    notes.append(("header_unit", f"unit {unit!r} in header {header!r} is not understood; give the "
                                  "unit in a column", table.location(table.header_row, header)))
        return typed_records(self.columns, table, problems, match, defaults)

    def unused_notes(self, table: Table, match: HeaderMatch) -> list[tuple[str, str]]:
        """(header, message) for each header no column of this kind uses, with a hint."""
        index = alias_index(self.columns)
        known = {fold(a): a for col in self.columns.values() for a in col.aliases}
        out = []
        for _idx, header in match.unused:
            folded = fold(header)
            repeated = index.get(folded) or index.get(fold(split_header(header)[0]))
            if repeated:
                first = table.headers[match.columns[repeated]]
                out.append((header, f"column {header!r} repeats column {first!r} ({repeated}); only the first "
                                    "is read"))
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

    def column_of(self, header: str) -> str | None:
        """The column of this kind a header names (its text, or its text without a unit in brackets)."""
        index = _alias_index(self.kind)
        name = index.get(fold(header))
        if name is None:
            base = split_header(header)[0]
            name = index.get(fold(base)) if base else None
        return name

    def header_score(self, cells) -> int:
        """How many of this kind's columns a row's cells name (to tell a header from the title rows above)."""
        return len({n for n in (self.column_of(c) for c in cells if c) if n is not None})

    def locate_header(self, path, sheet=None, encoding=None, delimiter=None) -> tuple[int, str | None]:
        """(row of the header, a note when title rows sit above it) of a table of this kind: the first of the
        first rows that names at least two of its columns. No such row: an error that says what was expected."""
        try:
            rows = first_rows(path, sheet, encoding, delimiter)
        except InputError:
            return 1, None  # a file that cannot be read: the reader says why, where
        if not rows:
            return 1, None
        found, best = find_header_row(rows, self.header_score)
        if found is None:
            if best >= 1 or rows[0][0] != 1:
                return rows[0][0], None  # one known header: the usual "required column missing" says more
            # Something wrong with the file itself (too wide, not a table, an old .xls) is said first.
            read_table(path, sheet=sheet, encoding=encoding, delimiter=delimiter)
            expected = ", ".join(f"« {c.aliases[0]} »" for c in list(self.columns.values())[:6])
            where = Location(str(path), sheet)
            raise InputError(f"no header row found in the first {HEADER_SEARCH_ROWS} rows: no row names two of the "
                             f"columns a {self.kind} file has ({expected}…; 'eitgraph kinds {self.kind}' lists them); "
                             "rename the headers, or give --header-row N if the header is further down", where)
        first = rows[0][0]
        if found == first:
            return found, None
        titles = [c for n, cells in rows if n < found for c in cells if c]
        shown = f" ({'; '.join(titles[:3])[:80]})" if titles else ""
        return found, f"header found on row {found}: the rows above it are titles{shown} and are not read"

    def resolve_options(self, given: dict | None) -> dict:
        """Every declared option, given or defaulted, checked and coerced to its declared type."""
        given = dict(given or {})
        unknown = sorted(set(given) - set(self.options))
        if unknown:
            raise ConfigError(f"loader {self.kind!r} has no option {', '.join(unknown)}; "
                              f"options: {', '.join(self.options) or 'none'}")
        out = {}
        for name, opt in self.options.items():
            value = given.get(name)
            out[name] = opt.coerce(opt.default if value is None else value, self.kind)
        return out



def _conflicting_duplicates(table: Table, match: HeaderMatch, problems: Problems) -> None:
    """Two columns with the same header (« SIRET » twice) cannot be told apart: when a row holds different
    values in them, which one is right is unknowable, so it is an error on that row. Equal or empty
    values only get the « repeats column » warning. (Two different headers meaning the same column,
    « Raison sociale » and « Nom », are named apart: the warning says which one is read.)"""
    by_text: dict[str, int] = {}
    for idx, header in enumerate(table.headers):
        by_text.setdefault(fold(header), idx)
    read = set(match.columns.values())
    pairs = [(by_text[fold(h)], idx) for idx, h in match.unused if by_text.get(fold(h)) in read and fold(h)]
    for first, second in pairs:
        for row_no, cells in table.rows:
            a = cells[first] if first < len(cells) else None
            b = cells[second] if second < len(cells) else None
            if a is not None and b is not None and a != b:
                problems.add(f"columns {first + 1} and {second + 1} are both headed {table.headers[first]!r} and this "
                             f"row holds different values in them ({a!r} and {b!r}); keep one of the two columns",
                             table.location(row_no, table.headers[second]))


def undeclared_properties(kind: str, batch: GraphBatch, model: Model) -> None:
    """Raise an error naming every property the batch writes that ``schema/model.yaml`` does not declare
    for its label or relationship type (the key and the provenance properties are always allowed)."""
    found: dict[str, set[str]] = {}
    for label, rows in batch.nodes.items():
        node = model.nodes.get(label)
        if node is None:
            continue  # an undeclared label: the write pipeline reports it
        declared = {*node.properties, node.key, *PROVENANCE}
        names = {p for row in rows.values() for p in row.props if not p.startswith("_")}  # "_": the pipeline's
        if names - declared:
            found[label] = names - declared
    for r in batch.rels.values():
        rel = model.relationships.get(r.type)
        if rel is None:
            continue
        extra = set(r.props) - {*rel.properties, *PROVENANCE} - ({rel.key} if rel.key else set())
        if extra:
            found.setdefault(r.type, set()).update(extra)
    if found:
        listed = "; ".join(f"{owner}: {', '.join(sorted(names))}" for owner, names in sorted(found.items()))
        raise EitgraphError(f"loader {kind!r} wrote properties the graph model does not declare ({listed}); "
                            "declare them in schema/model.yaml")


def _raw(kind: str) -> dict:
    """The kind's YAML, with what it ``extends`` merged in (columns, options, writes)."""
    path = shipped.path("loaders", f"{kind}.yaml")
    if not path.exists():
        raise ConfigError(f"unknown source kind {kind!r}; known kinds: {', '.join(available_kinds())}")
    with open(path, encoding="utf-8") as fh:
        raw = yaml.load(fh, Loader=FAST_YAML)
    base_kind = raw.pop("extends", None)
    if base_kind:
        base = _raw(base_kind)
        for key in ("columns", "options"):
            raw[key] = {**(base.get(key) or {}), **(raw.get(key) or {})}
        raw.setdefault("writes", base.get("writes", {}))
    raw["_path"] = path
    return raw


def _column(path, name: str, c: dict) -> ColumnSpec:
    ctype = c.get("type", "string")
    if ctype not in PARSERS:
        raise ConfigError(f"{path}: column {name}: unknown type {ctype!r}")
    choices, spellings = column_choices(c.get("choices"))
    return ColumnSpec(name, tuple(c.get("aliases", [name])), ctype, bool(c.get("required")), bool(c.get("list")),
                      choices, c.get("description", ""), spellings, tuple(c.get("header_unit", ())))


def _option(path, name: str, o: dict | None) -> OptionSpec:
    o = dict(o or {})
    if o.get("type", "string") not in OPTION_TYPES:
        raise ConfigError(f"{path}: option {name}: unknown type {o['type']!r}; types: {', '.join(OPTION_TYPES)}")
    if o.get("choices") is not None:
        o["choices"] = tuple(str(c) for c in o["choices"])
    return OptionSpec(name, **o)


@cache
def _load_spec(kind: str) -> LoaderSpec:
    raw = _raw(kind)
    path = raw["_path"]
    if kind not in SOURCES:
        raise ConfigError(f"{path}: no transform is registered for kind {kind!r} (eitgraph/load/registry.py)")
    columns = {name: _column(path, name, c) for name, c in raw.get("columns", {}).items()}
    options = {name: _option(path, name, o) for name, o in (raw.get("options") or {}).items()}
    writes = raw.get("writes", {})
    source = SOURCES[kind]
    return LoaderSpec(raw["kind"], raw.get("description", ""), columns, tuple(writes.get("nodes", [])),
                      tuple(writes.get("relationships", [])), options, source.transform, source.reader,
                      raw.get("sheet"), int(raw.get("header_row", 1)), int(raw.get("precedence", 50)))


@cache
def _alias_index(kind: str) -> dict[str, str]:
    return alias_index(_load_spec(kind).columns)


@cache
def _kind_reads(kind: str, header: str) -> bool:
    spec = _load_spec(kind)
    folded = {fold(header), fold(split_header(header)[0])}
    return any(fold(a) in folded for col in spec.columns.values() for a in col.aliases)


@cache
def kind_ranks() -> dict[str, int]:
    """Precedence of each source kind (lower wins), from the loader mappings."""
    return {k: _load_spec(k).precedence for k in available_kinds()}


def available_kinds() -> list[str]:
    return shipped.loader_kinds()
