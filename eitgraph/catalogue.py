"""The query catalogue: one ``.cypher`` file per analyst question in ``queries/``.

Each file starts with a YAML header in ``//`` comments (name, description,
parameters) and stays runnable as-is in Neo4j Browser with ``:param``. A query whose
header says ``engine: python`` is answered by the function registered under its name in
:mod:`eitgraph.analytics.queries` (heavy analytics on an extracted subgraph); its Cypher
text is the reference the tests compare it with on small graphs.
Calling a query without one of its required parameters, or with a parameter it
does not declare, is an error that names it.

>>> q = Catalogue().get("communes")
>>> sorted(q.parameters)
['epci', 'territory']
>>> q.bind({"epci": "200036465"})["territory"] is None
True
"""

from __future__ import annotations

import math
import re
from dataclasses import dataclass, field
from pathlib import Path

import yaml

from . import shipped
from .errors import InputError, QueryError
from .safety.inputs import check_input_file  # a FIFO would hang the read
from .values import parse_boolean, parse_number, split_list

_PARAM_USE = re.compile(r"\$([A-Za-z_][A-Za-z0-9_]*)")
TYPES = ("string", "integer", "number", "boolean", "list")
ENGINES = ("cypher", "python")


INT64 = 2**63 - 1


@dataclass(frozen=True)
class Parameter:
    """A query parameter. Numbers are bounded: ``min`` and ``max`` from the query header, else zero or
    more (no catalogue parameter is meaningfully negative: a count, a distance, a share, a length),
    and always what the store holds (64-bit integers, finite numbers).

    >>> Parameter("top", "integer").coerce("-1")
    Traceback (most recent call last):
    ...
    eitgraph.errors.QueryError: parameter 'top' must be at least 0, got '-1'
    """

    name: str
    type: str = "string"
    required: bool = False
    default: object = None
    description: str = ""
    min: float | None = None
    max: float | None = None

    def coerce(self, value):
        """CLI values arrive as text; convert them to the declared type and check its bounds."""
        if value is None:
            return value
        raw = value
        try:
            if isinstance(value, str):
                if self.type == "integer":
                    value = parse_number(value)
                    if not value.is_integer():
                        raise ValueError(value)
                    value = int(value)
                elif self.type == "number":
                    value = parse_number(value)
                elif self.type == "boolean":
                    return parse_boolean(value)
                elif self.type == "list":
                    return split_list(value, ",")
                else:
                    return value
        except ValueError:
            raise QueryError(f"parameter {self.name!r} must be of type {self.type}, got {raw!r}") from None
        if self.type in ("integer", "number") and isinstance(value, (int, float)) and not isinstance(value, bool):
            self._check_bounds(value, raw)
        return value

    def _check_bounds(self, value, raw) -> None:
        if isinstance(value, float) and not math.isfinite(value):
            raise QueryError(f"parameter {self.name!r} must be a finite number, got {raw!r}")
        low = 0 if self.min is None else self.min
        high = self.max if self.max is not None else INT64
        if value < low:
            raise QueryError(f"parameter {self.name!r} must be at least {low:g}, got {raw!r}")
        if value > high:
            raise QueryError(f"parameter {self.name!r} must be at most {high:g}, got {raw!r}")


@dataclass(frozen=True)
class Query:
    name: str
    description: str
    cypher: str
    parameters: dict[str, Parameter] = field(default_factory=dict)
    path: Path | None = None
    python: bool = False  # answered in Python (engine: python); the Cypher stays the reference

    def bind(self, given: dict | None) -> dict:
        """Check and complete parameters: undeclared or missing required ones are errors."""
        given = dict(given or {})
        unknown = sorted(set(given) - set(self.parameters))
        if unknown:
            declared = ", ".join(self.parameters) or "none"
            raise QueryError(f"query {self.name!r} has no parameter {', '.join(map(repr, unknown))} "
                             f"(declared: {declared})")
        out = {}
        for p in self.parameters.values():
            if p.name in given and given[p.name] is not None:
                out[p.name] = p.coerce(given[p.name])
            elif p.required:
                raise QueryError(f"query {self.name!r} needs parameter {p.name!r}: {p.description}")
            else:
                out[p.name] = p.default
        return out


def parse_query_file(path: Path) -> Query:
    try:
        text = path.read_bytes().decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        raw = path.read_bytes()
        line = raw.count(b"\n", 0, exc.start) + 1
        raise QueryError(f"{path}, row {line}: byte 0x{raw[exc.start]:02x} is not UTF-8; save the query file "
                         "as UTF-8") from None
    except OSError as exc:
        raise QueryError(f"{path}: cannot read the query file: {exc.strerror or exc}") from None
    header, body = [], []
    for line in text.splitlines():
        if not body and line.startswith("//"):
            header.append(line[2:].removeprefix(" "))
        else:
            body.append(line)
    try:
        meta = yaml.safe_load("\n".join(header)) or {}
    except yaml.YAMLError as exc:
        raise QueryError(f"{path}: bad query header: {exc}") from None
    if not isinstance(meta, dict) or "name" not in meta:
        raise QueryError(f"{path}: the header must declare at least 'name' and 'description'")
    params = {}
    for name, spec in (meta.get("parameters") or {}).items():
        spec = spec or {}
        if spec.get("type", "string") not in TYPES:
            raise QueryError(f"{path}: parameter {name}: type must be one of {', '.join(TYPES)}")
        params[name] = Parameter(name, spec.get("type", "string"), bool(spec.get("required", False)),
                                 spec.get("default"), spec.get("description", ""), spec.get("min"), spec.get("max"))
    engine = meta.get("engine", "cypher")
    if engine not in ENGINES:
        raise QueryError(f"{path}: engine must be one of {', '.join(ENGINES)}, not {engine!r}")
    cypher = "\n".join(body).strip()
    used = set(_PARAM_USE.findall(cypher))
    undeclared = used - set(params)
    if undeclared:
        raise QueryError(f"{path}: uses undeclared parameter(s) {', '.join(sorted(undeclared))}")
    return Query(meta["name"], " ".join(str(meta.get("description", "")).split()), cypher, params, path,
                 engine == "python")


class Catalogue:
    """All queries of a folder (default: the shipped ``queries/``)."""

    def __init__(self, folder: Path | None = None):
        self.folder = folder or shipped.folder("queries")
        self._queries = {}
        for path in sorted(self.folder.glob("*.cypher")):
            q = parse_query_file(path)
            if q.name in self._queries:
                raise QueryError(f"{path}: query name {q.name!r} is already used by {self._queries[q.name].path}")
            self._queries[q.name] = q

    def names(self) -> list[str]:
        return sorted(self._queries)

    def __iter__(self):
        return iter(self._queries[n] for n in self.names())

    def get(self, name: str) -> Query:
        if re.match(r"^[A-Za-z][A-Za-z0-9+.-]+://", name):
            raise QueryError(f"{name!r}: a query is a catalogue name or a local .cypher file; eitgraph does not "
                             "download queries")
        if name.endswith(".cypher") and Path(name).exists():

            try:
                check_input_file(name)
            except InputError as exc:
                raise QueryError(str(exc)) from None
            return parse_query_file(Path(name))
        try:
            return self._queries[name]
        except KeyError:
            raise QueryError(f"unknown query {name!r}; run 'eitgraph queries' to list them") from None
