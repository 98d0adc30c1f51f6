"""The eitgraph RDF vocabulary, generated from the graph model (``schema/model.yaml``).

Mapping (documented in ``schema/vocabulary.ttl`` too):

* every key label and sub-label is an ``owl:Class`` ``eg:<Label>``; sub-labels are ``rdfs:subClassOf``
  their key label;
* every node and relationship property is one ``owl:DatatypeProperty`` ``eg:<name>`` (same name, same
  datatype everywhere in the model; ``list[string]`` becomes a repeated property);
* every relationship type is an ``owl:ObjectProperty`` ``eg:<lowerCamel>`` (``PART_OF`` → ``eg:partOf``);
* a relationship type that carries properties is also a class ``eg:<UpperCamel>`` (``SUPPLIES`` →
  ``eg:Supplies``): each such relationship is a *qualified relation* node with ``eg:from``, ``eg:to`` and
  its properties (no RDF-star), beside the direct ``eg:supplies`` triple that keeps queries simple;
* alignment: organisations are ``schema:Organization`` and ``org:Organization``, territories
  ``schema:Place`` / ``schema:AdministrativeArea``, persons ``schema:Person``, datasets ``prov:Entity`` and
  ``dcat:Dataset``; every exported resource points to the datasets it comes from with
  ``prov:wasDerivedFrom``.

>>> str(node_iri("Territory", "68334"))
'https://w3id.org/eitgraph/territory/68334'
>>> str(rel_property("PART_OF")), str(rel_class("SUPPLIES"))
('https://w3id.org/eitgraph/vocab#partOf', 'https://w3id.org/eitgraph/vocab#Supplies')
"""

from __future__ import annotations

from urllib.parse import quote, unquote

from rdflib import OWL, RDF, RDFS, XSD, Graph, Literal, Namespace, URIRef
from rdflib.namespace import DCAT, DCTERMS, PROV

from .graph import Model, load_model

BASE = "https://w3id.org/eitgraph/"
EG = Namespace(BASE + "vocab#")
SDO = Namespace("https://schema.org/")
ORG = Namespace("http://www.w3.org/ns/org#")

XSD_TYPES = {"string": XSD.string, "integer": XSD.integer, "float": XSD.double, "boolean": XSD.boolean,
             "date": XSD.date, "datetime": XSD.dateTime, "list[string]": XSD.string}

# where instances of each key label live: https://w3id.org/eitgraph/<segment>/<key>
SEGMENTS = {"Territory": "territory", "Organisation": "organisation", "MaterialCategory": "material-category"}

ALIGN_CLASSES = {
    "Territory": [SDO.Place, SDO.AdministrativeArea],
    "Organisation": [SDO.Organization, ORG.Organization],
    "Person": [SDO.Person],
    "Body": [ORG.OrganizationalUnit],
    "Plan": [SDO.CreativeWork],
    "Workshop": [SDO.Event],
    "Dataset": [PROV.Entity, DCAT.Dataset],
}
ALIGN_PROPERTIES = {"name": SDO.name, "email": SDO.email, "phone": SDO.telephone, "lat": SDO.latitude,
                    "lon": SDO.longitude, "website": SDO.url, "description": DCTERMS.description,
                    "title": DCTERMS.title}
ALIGN_RELATIONS = {"PART_OF": SDO.containedInPlace, "WORKS_FOR": SDO.worksFor, "MEMBER_OF": ORG.memberOf}


def segment(label: str) -> str:
    return SEGMENTS.get(label, label.lower())


def node_iri(label: str, key: str) -> URIRef:
    return URIRef(f"{BASE}{segment(label)}/{quote(str(key), safe='')}")


def parse_node_iri(iri: str, model: Model | None = None) -> tuple[str, str] | None:
    """(key label, key) of one of our resource IRIs, else None."""
    model = model or load_model()
    if not iri.startswith(BASE):
        return None
    seg, _, key = iri[len(BASE):].partition("/")
    for label in model.nodes:
        if segment(label) == seg and key and "/" not in key:
            return label, unquote(key)
    return None


def _camel(rtype: str, upper: bool) -> str:
    words = rtype.lower().split("_")
    out = "".join(w.capitalize() for w in words)
    return out if upper else out[0].lower() + out[1:]


def rel_property(rtype: str) -> URIRef:
    return EG[_camel(rtype, upper=False)]


def rel_class(rtype: str) -> URIRef:
    return EG[_camel(rtype, upper=True)]


def property_types(model: Model | None = None) -> dict[str, str]:
    """Property name → model type, across nodes and relationships; a name has one type in the model."""
    model = model or load_model()
    out: dict[str, str] = {}
    owners = [*model.nodes.values(), *model.relationships.values()]
    for owner in owners:
        for p in owner.properties.values():
            if out.setdefault(p.name, p.type) != p.type:
                raise ValueError(f"property {p.name!r} has two types in the model ({out[p.name]}, {p.type}); "
                                 "the RDF vocabulary needs one")
    return out


def vocabulary(model: Model | None = None) -> Graph:
    """The vocabulary as an rdflib graph (``schema/vocabulary.ttl`` is its Turtle)."""
    model = model or load_model()
    g = Graph()
    for prefix, ns in (("eg", EG), ("schema", SDO), ("org", ORG), ("prov", PROV), ("dcat", DCAT),
                       ("dcterms", DCTERMS), ("owl", OWL)):
        g.bind(prefix, ns)
    onto = URIRef(BASE + "vocab")
    g.add((onto, RDF.type, OWL.Ontology))
    g.add((onto, RDFS.label, Literal("eitgraph vocabulary", lang="en")))
    g.add((onto, RDFS.comment, Literal("Generated from schema/model.yaml by eitgraph.model.vocabulary.vocabulary(); "
                                       "do not edit by hand.", lang="en")))
    names: dict[URIRef, str] = {}

    def claim(iri: URIRef, what: str) -> URIRef:
        if iri in names:
            raise ValueError(f"{iri} names both {names[iri]} and {what}")
        names[iri] = what
        return iri

    domains: dict[str, set[URIRef]] = {}
    _node_classes(g, model, claim, domains)
    _relationship_terms(g, model, claim, domains)
    for name, iri in (("from", EG["from"]), ("to", EG.to)):
        claim(iri, name)
        g.add((iri, RDF.type, OWL.ObjectProperty))
        g.add((iri, RDFS.comment, Literal(f"The {name} end of a qualified relationship.", lang="en")))
    for name in ("key", "qualifies"):
        claim(EG[name], name)
        g.add((EG[name], RDF.type, OWL.AnnotationProperty))
    for name, ptype in property_types(model).items():
        dp = claim(EG[name], f"property {name}")
        g.add((dp, RDF.type, OWL.DatatypeProperty))
        g.add((dp, RDFS.label, Literal(name)))
        g.add((dp, RDFS.range, XSD_TYPES[ptype]))
        _union(g, dp, RDFS.domain, sorted(domains.get(name, ())))
        if name in ALIGN_PROPERTIES:
            g.add((dp, RDFS.subPropertyOf, ALIGN_PROPERTIES[name]))
    return g


def _node_classes(g: Graph, model: Model, claim, domains: dict[str, set[URIRef]]) -> None:
    """A class per key label and sub-label, aligned; ``domains`` collects each property's classes."""
    for n in model.nodes.values():
        cls = claim(EG[n.label], f"label {n.label}")
        g.add((cls, RDF.type, OWL.Class))
        g.add((cls, RDFS.label, Literal(n.label)))
        if n.description:
            g.add((cls, RDFS.comment, Literal(n.description, lang="en")))
        g.add((cls, EG.key, EG[n.key]))
        for target in ALIGN_CLASSES.get(n.label, []):
            g.add((cls, RDFS.subClassOf, target))
        for sub in n.sublabels:
            sc = claim(EG[sub], f"sub-label {sub}")
            g.add((sc, RDF.type, OWL.Class))
            g.add((sc, RDFS.label, Literal(sub)))
            g.add((sc, RDFS.subClassOf, cls))
        for p in n.properties.values():
            domains.setdefault(p.name, set()).add(cls)


def _relationship_terms(g: Graph, model: Model, claim, domains: dict[str, set[URIRef]]) -> None:
    """An object property per relationship type, and a class for those that carry properties."""
    for r in model.relationships.values():
        op = claim(rel_property(r.type), f"relationship {r.type}")
        g.add((op, RDF.type, OWL.ObjectProperty))
        g.add((op, RDFS.label, Literal(r.type)))
        if r.description:
            g.add((op, RDFS.comment, Literal(r.description, lang="en")))
        _union(g, op, RDFS.domain, [EG[s] for s in r.sources])
        _union(g, op, RDFS.range, [EG[t] for t in r.targets])
        if r.type in ALIGN_RELATIONS:
            g.add((op, RDFS.subPropertyOf, ALIGN_RELATIONS[r.type]))
        if r.properties:
            cls = claim(rel_class(r.type), f"qualified {r.type}")
            g.add((cls, RDF.type, OWL.Class))
            g.add((cls, RDFS.label, Literal(r.type)))
            g.add((cls, RDFS.comment, Literal(f"A qualified {r.type} relationship: eg:from, eg:to and its "
                                              "properties.", lang="en")))
            g.add((cls, EG.qualifies, op))
            if r.key:
                g.add((cls, EG.key, EG[r.key]))
            for p in r.properties.values():
                domains.setdefault(p.name, set()).add(cls)


def _union(g: Graph, subject: URIRef, predicate: URIRef, classes: list[URIRef]) -> None:
    if len(classes) == 1:
        g.add((subject, predicate, classes[0]))
    elif classes:
        from rdflib import BNode
        from rdflib.collection import Collection

        node, head = BNode(), BNode()
        Collection(g, head, list(classes))
        g.add((node, RDF.type, OWL.Class))
        g.add((node, OWL.unionOf, head))
        g.add((subject, predicate, node))


def vocabulary_turtle(model: Model | None = None) -> str:
    return vocabulary(model).serialize(format="turtle")
