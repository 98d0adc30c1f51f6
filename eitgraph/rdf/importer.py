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
from collections import defaultdict

from rdflib import RDF, Literal, URIRef
from rdflib.namespace import PROV

from ..errors import Location
from ..graphbatch import GraphBatch
from .vocab import ALIGN_CLASSES, EG, parse_node_iri, property_types, rel_class, rel_property

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
        return float(value)
    if ptype == "integer":
        return int(value)
    if ptype == "date" and isinstance(value, dt.datetime):
        return value.date()
    return value


def transform(records, ctx) -> GraphBatch:
    model = ctx.model
    types = property_types(model)
    batch = GraphBatch()
    file = ctx.table.file

    def problem(message: str) -> None:
        batch.problems.add(message, Location(file))

    # -- the vocabulary: class and property IRIs -------------------------------------------------
    key_classes = {str(EG[n.label]): n.label for n in model.nodes.values() if n.label != "Dataset"}
    sub_classes = {str(EG[s]): (n.label, s) for n in model.nodes.values() for s in n.sublabels}
    qual_classes = {str(rel_class(r.type)): r.type for r in model.relationships.values() if r.properties}
    rel_props = {str(rel_property(r.type)): r.type for r in model.relationships.values()}
    data_props = {str(EG[name]): name for name in types}
    provenance_class = str(EG.Dataset)

    triples: dict[str, list] = defaultdict(list)
    classes: dict[str, set[str]] = defaultdict(set)
    for rec in records:
        s, p = rec.get("subject"), rec.get("predicate")
        if p == RDF_TYPE:
            classes[s].add(rec.get("object"))
        else:
            triples[s].append((p, rec.get("object"), rec.get("object_kind"), rec.get("datatype"), rec.get("lang")))

    # -- what each subject is ---------------------------------------------------------------------
    nodes: dict[str, tuple[str, str]] = {}  # subject -> (label, key)
    sublabels: dict[str, set[str]] = defaultdict(set)
    qualified: dict[str, str] = {}  # subject -> relationship type
    provenance: set[str] = set()
    labels_of: dict[str, set[str]] = defaultdict(set)
    for s in sorted(set(classes) | set(triples)):
        for c in sorted(classes.get(s, ())):
            if c in key_classes:
                labels_of[s].add(key_classes[c])
            elif c in sub_classes:
                labels_of[s].add(sub_classes[c][0])
                sublabels[s].add(sub_classes[c][1])
            elif c in qual_classes:
                qualified[s] = qual_classes[c]
            elif c == provenance_class:
                provenance.add(s)
            elif c not in ALIGNED:  # schema:Organization & co. follow from the vocabulary
                problem(f"{_short(s)}: unknown class {_short(c)}")
        if len(labels_of[s]) > 1:
            problem(f"{_short(s)}: classes of several node kinds ({', '.join(sorted(labels_of[s]))})")
            continue
        if labels_of[s]:
            label = next(iter(labels_of[s]))
            key_prop = str(EG[model.nodes[label].key])
            keys = [o for p, o, kind, _, _ in triples.get(s, []) if p == key_prop and kind == "literal"]
            if len(keys) != 1:
                problem(f"{_short(s)}: a {label} needs exactly one {_short(key_prop)} (found {len(keys)})")
                continue
            nodes[s] = (label, keys[0])
        elif s not in qualified and s not in provenance and s in triples:
            problem(f"{_short(s)}: resource without an eitgraph class (rdf:type eg:…)")

    def resolve(iri: str) -> tuple[str, str] | None:
        return nodes.get(iri) or (parse_node_iri(iri, model) if iri not in provenance else None)

    def value_of(s: str, name: str, owner: str, text: str, kind: str, datatype, lang):
        if kind != "literal":
            problem(f"{_short(s)}: eg:{name} must be a literal, not {text}")
            return None
        try:
            return convert(text, datatype, lang, types[name])
        except ValueError as exc:
            problem(f"{_short(s)}: eg:{name} of {owner}: {exc}")
            return None

    def gather(s: str, allowed: dict, owner: str, skip=()) -> dict:
        props: dict = {}
        for p, o, kind, datatype, lang in triples.get(s, []):
            if p in skip or p == DERIVED or p in rel_props:
                continue
            name = data_props.get(p)
            if name is None:
                problem(f"{_short(s)}: unknown property {_short(p)}")
                continue
            if name not in allowed:
                problem(f"{_short(s)}: eg:{name} is not a property of {owner}")
                continue
            value = value_of(s, name, owner, o, kind, datatype, lang)
            if value is None:
                continue
            if types[name] == "list[string]":
                props.setdefault(name, []).append(value)
            elif name in props and props[name] != value:
                problem(f"{_short(s)}: eg:{name} has several values ({props[name]!r}, {value!r})")
            else:
                props[name] = value
        for value in props.values():
            if isinstance(value, list):
                value.sort()
        return props

    # -- nodes ----------------------------------------------------------------------------------
    for s, (label, key) in nodes.items():
        node = model.nodes[label]
        batch.node(label, key, gather(s, node.properties, label), sorted(sublabels[s]), Location(file))

    # -- qualified relationships ------------------------------------------------------------------
    stated: set[tuple] = set()
    from_iri, to_iri = str(EG["from"]), str(EG.to)
    for s, rtype in qualified.items():
        rel = model.relationships[rtype]
        ends = {}
        for which in (from_iri, to_iri):
            found = [o for p, o, kind, _, _ in triples.get(s, []) if p == which]
            if len(found) != 1:
                problem(f"{_short(s)}: a qualified {rtype} needs exactly one {_short(which)} (found {len(found)})")
                break
            end = resolve(found[0])
            if end is None:
                problem(f"{_short(s)}: {_short(found[0])} is neither described in the file nor an eitgraph IRI")
                break
            ends[which] = (found[0], end)
        if len(ends) != 2:
            continue
        (a_iri, (fl, fk)), (b_iri, (tl, tk)) = ends[from_iri], ends[to_iri]
        if fl not in rel.sources or tl not in rel.targets:
            problem(f"{_short(s)}: {rtype} does not go from {fl} to {tl}")
            continue
        props = gather(s, rel.properties, rtype, skip={from_iri, to_iri})
        key = props.get(rel.key) if rel.key else None
        if rel.key and key is None:
            problem(f"{_short(s)}: a qualified {rtype} needs its key eg:{rel.key}")
            continue
        batch.rel(rtype, fl, fk, tl, tk, props, Location(file), key=key)
        stated.add((rtype, a_iri, b_iri))

    # -- direct relationship triples ------------------------------------------------------------------
    for s in sorted(triples):
        for p, o, kind, _, _ in triples[s]:
            rtype = rel_props.get(p)
            if rtype is None:
                continue
            rel = model.relationships[rtype]
            if s in qualified or s in provenance or (rtype, s, o) in stated:
                continue
            a, b = resolve(s), (resolve(o) if kind == "iri" else None)
            if a is None or b is None:
                missing = s if a is None else o
                problem(f"{_short(s)} {_short(p)} {_short(o)}: {_short(missing)} is neither described in the "
                        "file nor an eitgraph IRI")
                continue
            if a[0] not in rel.sources or b[0] not in rel.targets:
                problem(f"{_short(s)}: {rtype} does not go from {a[0]} to {b[0]}")
                continue
            if rel.key:
                problem(f"{_short(s)} {_short(p)} {_short(o)}: {rtype} needs a qualified "
                        f"{_short(str(rel_class(rtype)))} node carrying eg:{rel.key}")
                continue
            batch.rel(rtype, a[0], a[1], b[0], b[1], {}, Location(file))
    return batch
