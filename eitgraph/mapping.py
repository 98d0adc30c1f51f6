"""Loader mappings: the declarative part of a source kind (``loaders/<kind>.yaml``).

A mapping names the columns a source may have (French and English aliases,
type, required), the options the loader takes, the transform that turns typed
records into graph rows, and which labels and relationship types it writes.

>>> spec = LoaderSpec.load("territory")
>>> spec.columns["insee"].type
'insee'
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from functools import cache
from typing import Any

import yaml

from . import shipped
from .errors import ConfigError, Location, Problems
from .readers import Table
from .values import PARSERS, fold, parse_boolean, parse_integer, parse_number, split_list


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


_UNSEEN = object()


@dataclass(frozen=True)
class _Bad:
    message: str


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

    @classmethod
    def load(cls, kind: str) -> LoaderSpec:
        return _load_spec(kind)

    def transform_function(self) -> Callable:
        return shipped.declared_function(self.transform)

    def reader_function(self) -> Callable | None:
        return shipped.declared_function(self.reader) if self.reader else None

    # -- headers -----------------------------------------------------------
    def match_headers(self, table: Table) -> dict[str, int]:
        """Column name -> index in the table, found by header text, not position."""
        folded = {}
        for idx, header in enumerate(table.headers):
            if header:
                folded.setdefault(fold(header), idx)
        found, problems = {}, Problems()
        for col in self.columns.values():
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

    def records(self, table: Table, problems: Problems) -> list[Record]:
        """Typed records; each bad cell is added to ``problems`` with its row and column."""
        index = self.match_headers(table)
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
            out.append(Record(row_no, values, table, headers))
        return out

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
    path = shipped.path("loaders", f"{kind}.yaml")
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
                                   bool(c.get("list")), _choices(raw_choices), c.get("description", ""), spellings)
    options = {}
    for n, o in (raw.get("options") or {}).items():
        o = dict(o or {})
        if o.get("type", "string") not in OPTION_TYPES:
            raise ConfigError(f"{path}: option {n}: unknown type {o['type']!r}; types: {', '.join(OPTION_TYPES)}")
        if o.get("choices") is not None:
            o["choices"] = tuple(str(c) for c in o["choices"])
        options[n] = OptionSpec(n, **o)
    writes = raw.get("writes", {})
    return LoaderSpec(raw["kind"], raw.get("description", ""), raw["transform"], columns,
                      tuple(writes.get("nodes", [])), tuple(writes.get("relationships", [])), options,
                      raw.get("sheet"), int(raw.get("header_row", 1)), raw.get("reader"))


def available_kinds() -> list[str]:
    return sorted(p.stem for p in shipped.folder("loaders").glob("*.yaml"))
