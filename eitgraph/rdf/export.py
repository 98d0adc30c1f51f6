"""Export the knowledge base to RDF (an :class:`rdflib.Graph`).

Each node becomes ``<BASE><segment>/<key>`` typed with its key label and sub-labels, with one literal per
property (lists as repeated literals); each relationship becomes a direct triple ``eg:<lowerCamel>``,
and, when its type carries properties, also a qualified node ``eg:<UpperCamel>`` (``eg:from``, ``eg:to``,
properties) whose IRI is derived from its ends, type and key. With ``provenance`` every resource points
to the ``eg:Dataset`` nodes it was loaded from (``prov:wasDerivedFrom``).
"""

from __future__ import annotations

import datetime as dt
import hashlib

from rdflib import RDF, XSD, Graph, Literal, URIRef
from rdflib.namespace import DCAT, PROV

from ..contributions import PROVENANCE
from ..errors import QueryError
from ..schema import Model
from .vocab import BASE, EG, ORG, SDO, XSD_TYPES, node_iri, property_types, rel_class, rel_property

# Labels kept whatever the territory: reference data that belongs to no territory.
REFERENCE_LABELS = {"Material", "MaterialCategory", "Measure"}
# What --anonymize removes: personal data, identifiers, names, exact quantities and money.
ANON_DROP_LABELS = {"Person"}
ANON_DROP_PROPS = {"siret", "siren", "website", "lat", "lon", "email", "phone", "quantity", "original_quantity",
                   "cost", "amount", "share", "comment"}


def literal(value, ptype: str) -> Literal:
    datatype = XSD_TYPES[ptype]
    if datatype == XSD.string:  # plain literals are xsd:string in RDF 1.1, and simpler to match
        return Literal(str(value))
    if ptype == "datetime" and isinstance(value, str):
        return Literal(value, datatype=XSD.dateTime)
    if ptype == "date" and isinstance(value, dt.date):
        return Literal(value.isoformat(), datatype=XSD.date)
    if ptype == "float":
        value = float(value)
    elif ptype == "integer" and isinstance(value, float) and value.is_integer():
        value = int(value)
    return Literal(value, datatype=datatype)


def qualified_iri(rtype: str, a: URIRef, b: URIRef, key) -> URIRef:
    digest = hashlib.sha256("\x1f".join([rtype, str(a), str(b), "" if key is None else str(key)])
                            .encode("utf-8")).hexdigest()[:20]
    return URIRef(f"{BASE}relationship/{rtype.lower().replace('_', '-')}/{digest}")


def fetch(kb) -> tuple[list[tuple[str, str, set[str], dict]], list[tuple]]:
    """Nodes (label, key, sub-labels, props) and relationships (type, from label, from key, to label, to key,
    props) of the whole store, by the model's labels and types."""
    model: Model = kb.model
    nodes = []
    for n in model.nodes.values():
        for r in kb.store.records(f"MATCH (n:{n.label}) RETURN labels(n) AS labels, properties(n) AS p"):
            props = dict(r["p"])
            nodes.append((n.label, props[n.key], set(r["labels"]) & set(n.sublabels), props))
    rels = []
    for r in model.relationships.values():
        for fl in r.sources:
            for tl in r.targets:
                fk, tk = model.nodes[fl].key, model.nodes[tl].key
                for row in kb.store.records(f"MATCH (a:{fl})-[x:{r.type}]->(b:{tl}) "
                                            f"RETURN a.{fk} AS f, b.{tk} AS t, properties(x) AS p"):
                    rels.append((r.type, fl, row["f"], tl, row["t"], dict(row["p"])))
    return nodes, rels


def _in_territory(kb, code: str, nodes, rels) -> set[tuple[str, str]]:
    """Which (label, key) are kept for a territory: its territories, organisations located there, plans about
    it, reference data, then — until nothing changes — every other node linked to a kept one."""
    rows = kb.store.records("MATCH (t:Territory {code: $code}) RETURN t.code AS code", {"code": code})
    if not rows:
        raise QueryError(f"territory {code!r} is not in the graph")
    inside = {code}
    frontier = {code}
    part_of = [(f, t) for (rt, fl, f, tl, t, _) in rels if rt == "PART_OF"]
    while frontier:
        frontier = {f for f, t in part_of if t in frontier and f not in inside}
        inside |= frontier
    keep = {("Territory", c) for c in inside}
    for rt, fl, f, _tl, t, _ in rels:
        if rt == "LOCATED_IN" and t in inside:
            keep.add((fl, f))
    for label, key, _, props in nodes:
        if label in REFERENCE_LABELS or (label == "Plan" and props.get("territory") in inside):
            keep.add((label, key))
    free = {"Person", "Body", "Synergy", "Action", "Axis", "Service", "Workshop"}
    changed = True
    while changed:
        changed = False
        for _rt, fl, f, tl, t, _ in rels:
            for (la, ka), (lb, kb_) in (((fl, f), (tl, t)), ((tl, t), (fl, f))):
                if (la, ka) in keep and lb in free and (lb, kb_) not in keep:
                    keep.add((lb, kb_))
                    changed = True
    return keep


def to_rdf(kb, territory: str | None = None, anonymize: bool = False, provenance: bool = True) -> Graph:
    model: Model = kb.model
    types = property_types(model)
    nodes, rels = fetch(kb)
    keep = _in_territory(kb, territory, nodes, rels) if territory else None
    g = Graph()
    for prefix, ns in (("eg", EG), ("schema", SDO), ("org", ORG), ("prov", PROV), ("dcat", DCAT)):
        g.bind(prefix, ns)
    for seg in ("territory", "organisation", "material", "material-category", "plan", "action", "measure"):
        g.bind(seg.replace("-", ""), BASE + seg + "/")

    alias: dict[str, str] = {}
    if anonymize:
        orgs = sorted(key for label, key, _, _ in nodes if label == "Organisation")
        alias = {key: f"anon-{hashlib.sha256(key.encode('utf-8')).hexdigest()[:12]}" for key in orgs}

    def ident(label: str, key: str) -> str:
        return alias.get(key, key) if label == "Organisation" else key

    def dropped(label: str, key: str) -> bool:
        if keep is not None and label != "Dataset" and (label, key) not in keep:
            return True
        return anonymize and label in ANON_DROP_LABELS

    used_datasets: set[str] = set()

    def add_props(subject: URIRef, props: dict, dataset: bool = False) -> None:
        for name, value in sorted(props.items()):
            if (name in PROVENANCE and not (dataset and name == "loaded_at")) or value is None or name not in types:
                continue
            if anonymize and name in ANON_DROP_PROPS:
                continue
            if anonymize and name in ("partner", "flow") and isinstance(value, str):
                value = alias.get(value, value) if name == "partner" else \
                    "anon-" + hashlib.sha256(value.encode("utf-8")).hexdigest()[:12]
            for v in (value if isinstance(value, list) else [value]):
                g.add((subject, EG[name], literal(v, types[name])))
        if provenance and not dataset:
            for ds in props.get("sources") or []:
                used_datasets.add(ds)
                g.add((subject, PROV.wasDerivedFrom, node_iri("Dataset", ds)))

    org_no = {key: i for i, key in enumerate(sorted(alias.values()), start=1)}
    for label, key, subs, props in nodes:
        if label == "Dataset" or dropped(label, key):
            continue
        k = ident(label, key)
        s = node_iri(label, k)
        g.add((s, RDF.type, EG[label]))
        for sub in sorted(subs):
            g.add((s, RDF.type, EG[sub]))
        if label == "Organisation" and anonymize:
            props = {**props, "id": k, "name": f"Organisation {org_no[k]}"}
        add_props(s, props)
    for rtype, fl, f, tl, t, props in rels:
        if dropped(fl, f) or dropped(tl, t):
            continue
        r = model.relationships[rtype]
        a, b = node_iri(fl, ident(fl, f)), node_iri(tl, ident(tl, t))
        g.add((a, rel_property(rtype), b))
        if r.properties:
            key = props.get(r.key) if r.key else None
            if anonymize and r.key and r.key in ("flow", "partner") and key is not None:
                key = "anon-" + hashlib.sha256(str(key).encode("utf-8")).hexdigest()[:12]
            q = qualified_iri(rtype, a, b, key)
            g.add((q, RDF.type, rel_class(rtype)))
            g.add((q, EG["from"], a))
            g.add((q, EG.to, b))
            add_props(q, props)
    if provenance:
        for label, key, _, props in nodes:
            if label == "Dataset" and key in used_datasets:
                s = node_iri("Dataset", key)
                g.add((s, RDF.type, EG.Dataset))
                add_props(s, props, dataset=True)
    return g
