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

from ..graphread import GraphRead, GraphSource, reader
from ..model.graph import PROVENANCE, Model
from ..model.vocabulary import BASE, EG, ORG, SDO, XSD_TYPES, node_iri, property_types, rel_class, rel_property
from ..present.anonymity import HIDDEN_LABELS, HIDDEN_PROPERTIES, SCRUBBED, alias_table, opaque, scrub

# Labels kept whatever the territory: reference data that belongs to no territory.
REFERENCE_LABELS = {"Material", "MaterialCategory", "Measure"}
SERIALIZERS = {"ttl": "turtle", "jsonld": "json-ld", "nt": "nt"}  # --format of `eitgraph export rdf`
# Local facts of this machine, never exported.
NOT_EXPORTED = {"path"}


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


def fetch(graph: GraphRead) -> tuple[list[tuple[str, str, set[str], dict]], list[tuple]]:
    """Nodes (label, key, sub-labels, props) and relationships (type, from label, from key, to label, to key,
    props) of the whole store, by the model's labels and types."""
    model: Model = graph.model
    nodes = []
    for n in model.nodes.values():
        for r in graph.nodes_of(n.label):
            props = dict(r["p"])
            nodes.append((n.label, props[n.key], set(r["labels"]) & set(n.sublabels), props))
    rels = []
    for r in model.relationships.values():
        for fl in r.sources:
            for tl in r.targets:
                for row in graph.relationships_of(r.type, fl, tl):
                    rels.append((r.type, fl, row["f"], tl, row["t"], dict(row["p"])))
    return nodes, rels


def _in_territory(graph: GraphRead, code: str, nodes, rels) -> set[tuple[str, str]]:
    """Which (label, key) are kept for a territory: its territories, organisations located there, plans about
    it, reference data, then — until nothing changes — every other node linked to a kept one."""
    inside = graph.territories_within(code)  # the territory rule of the read side (an unknown code: error)
    keep = {("Territory", c) for c in inside}
    keep |= {("Organisation", o) for o in graph.territory_members(code, must_exist=False)}
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


def to_rdf(graph: GraphSource, territory: str | None = None, anonymize: bool = False,
           provenance: bool = True) -> Graph:
    """The graph (or what lies in ``territory``) as RDF; ``anonymize`` applies the anonymisation policy
    (:mod:`eitgraph.present.anonymity`), ``provenance`` adds the datasets and ``prov:wasDerivedFrom``."""
    graph = reader(graph)
    nodes, rels = fetch(graph)
    out = _Export(graph, provenance, _Anonymity.of(graph) if anonymize else None,
                  _in_territory(graph, territory, nodes, rels) if territory else None)
    for label, key, subs, props in nodes:
        if label != "Dataset" and not out.dropped(label, key):
            out.node(label, key, subs, props)
    for rtype, fl, f, tl, t, props in rels:
        if not (out.dropped(fl, f) or out.dropped(tl, t)):
            out.relationship(rtype, fl, f, tl, t, props)
    if provenance:
        for label, key, _, props in nodes:
            if label == "Dataset" and key in out.used_datasets:
                s = node_iri("Dataset", key)
                out.g.add((s, RDF.type, EG.Dataset))
                out.add_props(s, props, dataset=True)
    return out.g


class _Anonymity:
    """The anonymisation policy as an export applies it: aliases and opaque ids for the organisations that
    are not named, hidden properties, names quoted in titles and labels replaced."""

    def __init__(self, aliases: dict[str, str], names: dict[str, str]):
        self.aliases, self.names = aliases, names
        self.ids = {key: opaque(key) for key in aliases}

    @classmethod
    def of(cls, graph: GraphRead) -> _Anonymity:
        organisations = graph.organisations()
        return cls(alias_table(organisations, "fr"), {o["id"]: o["name"] for o in organisations})

    def ident(self, label: str, key: str) -> str:
        return self.ids.get(key, key) if label == "Organisation" else key

    def value(self, name: str, value):
        """The value an anonymised export writes for a property, or None to leave it out."""
        if name in HIDDEN_PROPERTIES:
            return None
        if name == "partner" and isinstance(value, str):
            return self.ids.get(value, value)
        if name == "flow" and isinstance(value, str):  # flow keys quote the partner's id
            return opaque(value)
        if name in SCRUBBED and isinstance(value, str):
            return scrub(value, self.aliases, self.names)
        return value


class _Export:
    """One RDF export being written: prefixes, kept nodes, provenance links."""

    def __init__(self, graph: GraphRead, provenance: bool, anonymity: _Anonymity | None, keep: set | None):
        self.model: Model = graph.model
        self.types = property_types(self.model)
        self.provenance, self.anonymity, self.keep = provenance, anonymity, keep
        self.used_datasets: set[str] = set()
        self.g = Graph()
        for prefix, ns in (("eg", EG), ("schema", SDO), ("org", ORG), ("prov", PROV), ("dcat", DCAT)):
            self.g.bind(prefix, ns)
        for seg in ("territory", "organisation", "material", "material-category", "plan", "action", "measure"):
            self.g.bind(seg.replace("-", ""), BASE + seg + "/")

    def ident(self, label: str, key: str) -> str:
        return self.anonymity.ident(label, key) if self.anonymity else key

    def dropped(self, label: str, key: str) -> bool:
        if self.keep is not None and label != "Dataset" and (label, key) not in self.keep:
            return True
        return self.anonymity is not None and label in HIDDEN_LABELS

    def add_props(self, subject: URIRef, props: dict, dataset: bool = False) -> None:
        for name, value in sorted(props.items()):
            if (name in PROVENANCE and not (dataset and name == "loaded_at")) or value is None \
                    or name not in self.types or name in NOT_EXPORTED:
                continue
            if self.anonymity and not dataset:
                value = self.anonymity.value(name, value)
                if value is None:
                    continue
            for v in (value if isinstance(value, list) else [value]):
                self.g.add((subject, EG[name], literal(v, self.types[name])))
        if self.provenance and not dataset:
            for ds in props.get("sources") or []:
                self.used_datasets.add(ds)
                self.g.add((subject, PROV.wasDerivedFrom, node_iri("Dataset", ds)))

    def node(self, label: str, key: str, subs: set[str], props: dict) -> None:
        k = self.ident(label, key)
        s = node_iri(label, k)
        self.g.add((s, RDF.type, EG[label]))
        for sub in sorted(subs):
            self.g.add((s, RDF.type, EG[sub]))
        if label == "Organisation" and self.anonymity and key in self.anonymity.aliases:
            props = {**props, "id": k, "name": self.anonymity.aliases[key]}
        self.add_props(s, props)

    def relationship(self, rtype: str, fl: str, f: str, tl: str, t: str, props: dict) -> None:
        r = self.model.relationships[rtype]
        a, b = node_iri(fl, self.ident(fl, f)), node_iri(tl, self.ident(tl, t))
        self.g.add((a, rel_property(rtype), b))
        if r.properties:
            key = props.get(r.key) if r.key else None
            if self.anonymity and r.key in ("flow", "partner") and key is not None:
                key = opaque(str(key))
            q = qualified_iri(rtype, a, b, key)
            self.g.add((q, RDF.type, rel_class(rtype)))
            self.g.add((q, EG["from"], a))
            self.g.add((q, EG.to, b))
            self.add_props(q, props)


def serialize(graph: Graph, fmt: str) -> str:
    """The RDF text of an export in one of :data:`SERIALIZERS` (JSON-LD with the ``eg`` prefix as context)."""
    if fmt == "jsonld":
        return graph.serialize(format="json-ld", context={"eg": str(EG)}, indent=2)
    return graph.serialize(format=SERIALIZERS[fmt])
