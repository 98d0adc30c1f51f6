"""The transform of the ``rdf`` loader kind: triples in the eitgraph vocabulary → a :class:`GraphBatch`.

Resources are recognised by their ``eg:`` class and their key property (``eg:code`` for territories,
``eg:id`` for organisations…), so a neighbour's file with other IRIs merges onto the same nodes.
A relationship is a direct triple (``eg:partOf``) or, for types with properties, a qualified node
(``eg:Supplies`` with ``eg:from``, ``eg:to`` and the properties); a direct triple that a qualified node
already states adds nothing. Every unknown class or property, literal of the wrong datatype or
unresolvable reference is a problem: nothing is written and every problem is listed.
"""

from __future__ import annotations

import datetime as dt
import math
from collections import defaultdict

from rdflib import RDF, Literal, URIRef
from rdflib.namespace import PROV

from ...errors import Location
from ...model.vocabulary import ALIGN_CLASSES, EG, parse_node_iri, property_types, rel_class, rel_property
from ..graphbatch import GraphBatch

RDF_TYPE = str(RDF.type)
DERIVED = str(PROV.wasDerivedFrom)
ALIGNED = {str(c) for classes in ALIGN_CLASSES.values() for c in classes}

_INTEGER = {"integer", "int", "long", "short", "byte", "nonNegativeInteger", "positiveInteger",
            "nonPositiveInteger", "negativeInteger", "unsignedInt", "unsignedLong", "unsignedShort"}
_NUMBER = _INTEGER | {"double", "float", "decimal"}
_XSD = "http://www.w3.org/2001/XMLSchema#"


def _short(iri: str) -> str:
    return "eg:" + iri[len(str(EG)):] if iri.startswith(str(EG)) else f"<{iri}>"


def convert(text: str, datatype: str | None, lang: str | None, ptype: str):
    """The Python value of a literal for a model type, or raise ValueError saying what was expected."""
    dtype = datatype[len(_XSD):] if datatype and datatype.startswith(_XSD) else datatype
    if ptype in ("string", "list[string]"):
        if dtype in (None, "string") or (lang and dtype and dtype.endswith("langString")):
            return text
        raise ValueError(f"expected a string, got a literal of type {_short(datatype)}")
    lit = Literal(text, datatype=URIRef(datatype) if datatype else None)
    ok = {"integer": _INTEGER, "float": _NUMBER, "boolean": {"boolean"}, "date": {"date"},
          "datetime": {"dateTime"}}[ptype]
    if dtype not in ok:
        want = {"integer": "xsd:integer", "float": "xsd:double", "boolean": "xsd:boolean", "date": "xsd:date",
                "datetime": "xsd:dateTime"}[ptype]
        got = f"xsd:{dtype}" if dtype and datatype.startswith(_XSD) else (_short(datatype) if datatype else "string")
        raise ValueError(f"expected {want}, got {text!r} ({got})")
    value = lit.value
    if value is None or lit.ill_typed:
        raise ValueError(f"{text!r} is not a valid xsd:{dtype}")
    if ptype == "float":
        if not math.isfinite(float(value)):
            raise ValueError(f"{text!r} is not a finite number")
        return float(value)
    if ptype == "integer":
        if abs(int(value)) >= 2**63:
            raise ValueError(f"{text!r} is too large for a whole number (64 bits)")
        return int(value)
    if ptype == "date" and isinstance(value, dt.datetime):
        return value.date()
    return value


def transform(records, ctx) -> GraphBatch:
    """Triples (one record each, see :mod:`.rdf_triples`) → nodes and relationships of the model."""
    run = _Import(ctx.model, ctx.table.file)
    run.read(records)
    run.classify()
    run.nodes()
    run.qualified()
    run.direct()
    return run.batch


class _Import:
    """One file's triples, read against the vocabulary of the model, into a batch."""

    def __init__(self, model, file: str):
        self.model, self.file = model, file
        self.types = property_types(model)
        self.batch = GraphBatch()
        # the vocabulary: class and property IRIs
        self.key_classes = {str(EG[n.label]): n.label for n in model.nodes.values() if n.label != "Dataset"}
        self.sub_classes = {str(EG[s]): (n.label, s) for n in model.nodes.values() for s in n.sublabels}
        self.qual_classes = {str(rel_class(r.type)): r.type for r in model.relationships.values() if r.properties}
        self.rel_props = {str(rel_property(r.type)): r.type for r in model.relationships.values()}
        self.data_props = {str(EG[name]): name for name in self.types}
        self.triples: dict[str, list] = defaultdict(list)
        self.classes: dict[str, set[str]] = defaultdict(set)
        self.subjects: dict[str, tuple[str, str]] = {}  # subject -> (label, key)
        self.sublabels: dict[str, set[str]] = defaultdict(set)
        self.qualified_of: dict[str, str] = {}  # subject -> relationship type
        self.provenance: set[str] = set()
        self.stated: set[tuple] = set()  # (type, from IRI, to IRI) a qualified node states

    def problem(self, message: str) -> None:
        self.batch.problems.add(message, Location(self.file))

    def read(self, records) -> None:
        for rec in records:
            s, p = rec.get("subject"), rec.get("predicate")
            if p == RDF_TYPE:
                self.classes[s].add(rec.get("object"))
            else:
                self.triples[s].append((p, rec.get("object"), rec.get("object_kind"), rec.get("datatype"),
                                        rec.get("lang")))

    # -- what each subject is ---------------------------------------------------------------------
    def classify(self) -> None:
        for s in sorted(set(self.classes) | set(self.triples)):
            labels = self._labels(s)
            if len(labels) > 1:
                self.problem(f"{_short(s)}: classes of several node kinds ({', '.join(sorted(labels))})")
                continue
            if labels:
                label = next(iter(labels))
                key_prop = str(EG[self.model.nodes[label].key])
                keys = [o for p, o, kind, _, _ in self.triples.get(s, []) if p == key_prop and kind == "literal"]
                if len(keys) != 1:
                    self.problem(f"{_short(s)}: a {label} needs exactly one {_short(key_prop)} (found {len(keys)})")
                    continue
                self.subjects[s] = (label, keys[0])
            elif s not in self.qualified_of and s not in self.provenance and s in self.triples:
                self.problem(f"{_short(s)}: resource without an eitgraph class (rdf:type eg:…)")

    def _labels(self, s: str) -> set[str]:
        """The key labels a subject's classes name (sub-labels, qualified and provenance classes noted)."""
        labels = set()
        for c in sorted(self.classes.get(s, ())):
            if c in self.key_classes:
                labels.add(self.key_classes[c])
            elif c in self.sub_classes:
                labels.add(self.sub_classes[c][0])
                self.sublabels[s].add(self.sub_classes[c][1])
            elif c in self.qual_classes:
                self.qualified_of[s] = self.qual_classes[c]
            elif c == str(EG.Dataset):
                self.provenance.add(s)
            elif c not in ALIGNED:  # schema:Organization & co. follow from the vocabulary
                self.problem(f"{_short(s)}: unknown class {_short(c)}")
        return labels

    def resolve(self, iri: str) -> tuple[str, str] | None:
        return self.subjects.get(iri) or (parse_node_iri(iri, self.model) if iri not in self.provenance else None)

    # -- properties ----------------------------------------------------------------------------------
    def value_of(self, s: str, name: str, owner: str, text: str, kind: str, datatype, lang):
        if kind != "literal":
            self.problem(f"{_short(s)}: eg:{name} must be a literal, not {text}")
            return None
        try:
            return convert(text, datatype, lang, self.types[name])
        except ValueError as exc:
            self.problem(f"{_short(s)}: eg:{name} of {owner}: {exc}")
            return None

    def gather(self, s: str, allowed: dict, owner: str, skip=()) -> dict:
        props: dict = {}
        for p, o, kind, datatype, lang in self.triples.get(s, []):
            if p in skip or p == DERIVED or p in self.rel_props:
                continue
            name = self.data_props.get(p)
            if name is None:
                self.problem(f"{_short(s)}: unknown property {_short(p)}")
                continue
            if name not in allowed:
                self.problem(f"{_short(s)}: eg:{name} is not a property of {owner}")
                continue
            value = self.value_of(s, name, owner, o, kind, datatype, lang)
            if value is None:
                continue
            if self.types[name] == "list[string]":
                props.setdefault(name, []).append(value)
            elif name in props and props[name] != value:
                self.problem(f"{_short(s)}: eg:{name} has several values ({props[name]!r}, {value!r})")
            else:
                props[name] = value
        for value in props.values():
            if isinstance(value, list):
                value.sort()
        return props

    # -- nodes and relationships ----------------------------------------------------------------------
    def nodes(self) -> None:
        for s, (label, key) in self.subjects.items():
            node = self.model.nodes[label]
            self.batch.node(label, key, self.gather(s, node.properties, label), sorted(self.sublabels[s]),
                            Location(self.file))

    def qualified(self) -> None:
        from_iri, to_iri = str(EG["from"]), str(EG.to)
        for s, rtype in self.qualified_of.items():
            rel = self.model.relationships[rtype]
            ends = self._ends(s, rtype, (from_iri, to_iri))
            if ends is None:
                continue
            (a_iri, (fl, fk)), (b_iri, (tl, tk)) = ends
            if fl not in rel.sources or tl not in rel.targets:
                self.problem(f"{_short(s)}: {rtype} does not go from {fl} to {tl}")
                continue
            props = self.gather(s, rel.properties, rtype, skip={from_iri, to_iri})
            key = props.get(rel.key) if rel.key else None
            if rel.key and key is None:
                self.problem(f"{_short(s)}: a qualified {rtype} needs its key eg:{rel.key}")
                continue
            self.batch.rel(rtype, fl, fk, tl, tk, props, Location(self.file), key=key)
            self.stated.add((rtype, a_iri, b_iri))

    def _ends(self, s: str, rtype: str, which: tuple[str, str]) -> list[tuple[str, tuple[str, str]]] | None:
        """(IRI, (label, key)) of the from and to ends of a qualified relationship node, or None (reported)."""
        ends = []
        for end in which:
            found = [o for p, o, kind, _, _ in self.triples.get(s, []) if p == end]
            if len(found) != 1:
                self.problem(f"{_short(s)}: a qualified {rtype} needs exactly one {_short(end)} (found {len(found)})")
                return None
            node = self.resolve(found[0])
            if node is None:
                self.problem(f"{_short(s)}: {_short(found[0])} is neither described in the file nor an eitgraph IRI")
                return None
            ends.append((found[0], node))
        return ends

    def direct(self) -> None:
        """Direct relationship triples; one that a qualified node already states adds nothing."""
        for s in sorted(self.triples):
            for p, o, kind, _, _ in self.triples[s]:
                rtype = self.rel_props.get(p)
                if rtype is None or s in self.qualified_of or s in self.provenance or (rtype, s, o) in self.stated:
                    continue
                rel = self.model.relationships[rtype]
                a, b = self.resolve(s), (self.resolve(o) if kind == "iri" else None)
                if a is None or b is None:
                    missing = s if a is None else o
                    self.problem(f"{_short(s)} {_short(p)} {_short(o)}: {_short(missing)} is neither described in "
                                 "the file nor an eitgraph IRI")
                elif a[0] not in rel.sources or b[0] not in rel.targets:
                    self.problem(f"{_short(s)}: {rtype} does not go from {a[0]} to {b[0]}")
                elif rel.key:
                    self.problem(f"{_short(s)} {_short(p)} {_short(o)}: {rtype} needs a qualified "
                                 f"{_short(str(rel_class(rtype)))} node carrying eg:{rel.key}")
                else:
                    self.batch.rel(rtype, a[0], a[1], b[0], b[1], {}, Location(self.file))
