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

import re
from dataclasses import dataclass, field
from pathlib import Path

import yaml

from . import shipped
from .errors import QueryError
from .values import parse_boolean, parse_number, split_list

_PARAM_USE = re.compile(r"\$([A-Za-z_][A-Za-z0-9_]*)")
TYPES = ("string", "integer", "number", "boolean", "list")
ENGINES = ("cypher", "python")


@dataclass(frozen=True)
class Parameter:
    name: str
    type: str = "string"
    required: bool = False
    default: object = None
    description: str = ""

    def coerce(self, value):
        """CLI values arrive as text; convert them to the declared type."""
        if value is None or not isinstance(value, str):
            return value
        try:
            if self.type == "integer":
                return int(value)
            if self.type == "number":
                return parse_number(value)
            if self.type == "boolean":
                return parse_boolean(value)
            if self.type == "list":
                return split_list(value, ",")
        except ValueError:
            raise QueryError(f"parameter {self.name!r} must be of type {self.type}, got {value!r}") from None
        return value


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
    text = path.read_text(encoding="utf-8")
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
                                 spec.get("default"), spec.get("description", ""))
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
        if name.endswith(".cypher") and Path(name).exists():
            return parse_query_file(Path(name))
        try:
            return self._queries[name]
        except KeyError:
            raise QueryError(f"unknown query {name!r}; run 'eitgraph queries' to list them") from None
