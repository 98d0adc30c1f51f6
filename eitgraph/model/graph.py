"""The graph model as data (``schema/model.yaml``) and what is generated from it.

>>> model = load_model()
>>> model.nodes["Organisation"].key
'id'
>>> "Company" in model.nodes["Organisation"].sublabels
True
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from functools import cache
from pathlib import Path

import yaml

from .. import shipped

# Properties that record where an element comes from rather than what it is (see load.contributions).
PROVENANCE = ("source", "sources", "loaded_at", "contributions")
_NAME = re.compile(r"^[A-Z][A-Za-z0-9]*$|^[A-Z][A-Z0-9_]*$")


@dataclass(frozen=True)
class Property:
    name: str
    type: str = "string"
    description: str = ""
    ref: str | None = None  # the value is the key of a node of this label (kept up to date when it changes)


@dataclass(frozen=True)
class NodeType:
    label: str
    key: str
    description: str = ""
    sublabels: tuple[str, ...] = ()
    properties: dict[str, Property] = field(default_factory=dict)
    indexes: tuple[str, ...] = ()


@dataclass(frozen=True)
class RelType:
    type: str
    sources: tuple[str, ...]
    targets: tuple[str, ...]
    description: str = ""
    properties: dict[str, Property] = field(default_factory=dict)
    key: str | None = None  # a property that tells apart several relationships between the same nodes


@dataclass(frozen=True)
class Model:
    nodes: dict[str, NodeType]
    relationships: dict[str, RelType]

    def all_labels(self) -> list[str]:
        out = []
        for node in self.nodes.values():
            out.append(node.label)
            out.extend(node.sublabels)
        return out

    # -- generated DDL ---------------------------------------------------
    def constraint_statements(self) -> list[str]:
        """Uniqueness constraints on every key, idempotent."""
        return [
            f"CREATE CONSTRAINT {_snake(n.label)}_{n.key}_unique IF NOT EXISTS "
            f"FOR (n:{n.label}) REQUIRE n.{n.key} IS UNIQUE"
            for n in self.nodes.values()
        ]

    def index_statements(self) -> list[str]:
        """Range indexes on the properties ``model.yaml`` declares (those a shipped query filters on by
        equality), idempotent."""
        return [f"CREATE INDEX {_index_name(n.label, prop)} IF NOT EXISTS FOR (n:{n.label}) ON (n.{prop})"
                for n in self.nodes.values() for prop in n.indexes]

    def obsolete_indexes(self) -> list[str]:
        """Indexes earlier versions created that no query uses: ``eitgraph init`` drops them. A range
        index on ``source`` served no query (loads select by ``$source IN n.sources``), nor did the
        property indexes listed in ``_FORMER_INDEXES``."""
        current = {_index_name(n.label, p) for n in self.nodes.values() for p in n.indexes}
        former = {_index_name(label, "source") for label in self.nodes}
        former |= {_index_name(label, prop) for label, props in _FORMER_INDEXES.items() for prop in props}
        return sorted(former - current)

    def schema_statements(self) -> list[str]:
        return self.constraint_statements() + self.index_statements()

    # -- generated document ----------------------------------------------
    def markdown(self) -> str:
        """The human-readable schema document (``schema/schema.md``)."""
        lines = [
            "# eitgraph graph model",
            "",
            "Generated from `schema/model.yaml` by `eitgraph schema --doc`; do not edit by hand.",
            "",
            ("Every node and relationship written by a loader also carries `source` (last dataset that "
             "wrote it), `sources` (all datasets that wrote it) and `loaded_at`."),
            "",
            "## Nodes",
            "",
            "| label | sub-labels | key | description |",
            "|---|---|---|---|",
        ]
        for n in self.nodes.values():
            lines.append(f"| `{n.label}` | {', '.join(f'`{s}`' for s in n.sublabels) or '–'} | `{n.key}` | "
                         f"{n.description} |")
        for n in self.nodes.values():
            lines += ["", f"### {n.label}", "", "| property | type | description |", "|---|---|---|"]
            for p in n.properties.values():
                lines.append(f"| `{p.name}` | {p.type} | {p.description} |")
            if n.indexes:
                lines += ["", "Indexed: " + ", ".join(f"`{i}`" for i in n.indexes) + "."]
        lines += ["", "## Relationships", "", "| type | from | to | key | description |", "|---|---|---|---|---|"]
        for r in self.relationships.values():
            key = f"`{r.key}`" if r.key else "–"
            lines.append(f"| `{r.type}` | {', '.join(r.sources)} | {', '.join(r.targets)} | {key} | {r.description} |")
        for r in self.relationships.values():
            if r.properties:
                lines += ["", f"### {r.type}", "", "| property | type | description |", "|---|---|---|"]
                for p in r.properties.values():
                    lines.append(f"| `{p.name}` | {p.type} | {p.description} |")
        lines += ["", "## Constraints and indexes", "", "```cypher"]
        lines += [s + ";" for s in self.schema_statements()]
        lines += ["```", ""]
        return "\n".join(lines)


def _snake(label: str) -> str:
    return re.sub(r"(?<!^)(?=[A-Z])", "_", label).lower()


def _props(raw: dict | None) -> dict[str, Property]:
    return {name: Property(name, **(spec or {})) for name, spec in (raw or {}).items()}


def _as_tuple(value) -> tuple[str, ...]:
    if value is None:
        return ()
    return (value,) if isinstance(value, str) else tuple(value)


def parse_model(raw: dict) -> Model:
    nodes = {}
    for label, spec in raw["nodes"].items():
        for name in (label, *spec.get("sublabels", [])):
            if not _NAME.match(name):
                raise ValueError(f"bad label name {name!r} in the graph model")
        nodes[label] = NodeType(label, spec["key"], spec.get("description", ""),
                                _as_tuple(spec.get("sublabels")), _props(spec.get("properties")),
                                _as_tuple(spec.get("indexes")))
    rels = {}
    for rtype, spec in raw["relationships"].items():
        if not _NAME.match(rtype):
            raise ValueError(f"bad relationship type {rtype!r} in the graph model")
        rels[rtype] = RelType(rtype, _as_tuple(spec["from"]), _as_tuple(spec["to"]),
                              spec.get("description", ""), _props(spec.get("properties")), spec.get("key"))
    model = Model(nodes, rels)
    for r in rels.values():
        for label in (*r.sources, *r.targets):
            if label not in nodes:
                raise ValueError(f"relationship {r.type} refers to unknown node label {label!r}")
    return model


@cache
def load_model(path: Path | None = None) -> Model:
    path = path or shipped.path("schema", "model.yaml")
    with open(path, encoding="utf-8") as fh:
        return parse_model(yaml.load(fh, Loader=getattr(yaml, "CSafeLoader", yaml.SafeLoader)))  # libyaml: 10× faster


# Property indexes declared before the store work (2026-11) that no shipped query, look-up or write uses:
# names and kinds are matched in Python or through toLower(), statuses filter relationships.
_FORMER_INDEXES = {
    "Territory": ("name", "kind"), "Organisation": ("name", "siret", "siren", "kind"), "Person": ("name",),
    "Body": ("name",), "Material": ("category",), "Synergy": ("status", "type"), "Plan": ("type", "territory"),
    "Action": ("title", "status"), "Axis": ("plan",), "Workshop": ("kind",),
}


def _index_name(label: str, prop: str) -> str:
    return f"{_snake(label)}_{prop}_index"
