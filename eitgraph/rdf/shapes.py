"""SHACL shapes for exports in the eitgraph vocabulary, generated from the graph model
(``schema/shapes.ttl``): one closed node shape per key label and per qualified relationship class,
the key present exactly once, every property with its datatype (at most once unless it is a list),
relationship ends of the right class."""

from __future__ import annotations

from rdflib import RDF, BNode, Graph, Literal, URIRef
from rdflib.collection import Collection
from rdflib.namespace import PROV, SH

from ..model.graph import Model, load_model
from ..model.vocabulary import BASE, EG, XSD_TYPES, rel_class, rel_property

SHAPES = BASE + "shapes#"


def shapes(model: Model | None = None) -> Graph:
    model = model or load_model()
    g = Graph()
    g.bind("sh", SH)
    g.bind("eg", EG)
    g.bind("egsh", SHAPES)
    g.bind("prov", PROV)

    def prop(shape: URIRef, path: URIRef, datatype=None, cls=None, min_count=0, max_count=1) -> None:
        p = BNode(f"{shape.split('#')[1]}-{path.split('#')[-1]}")
        g.add((shape, SH.property, p))
        g.add((p, SH.path, path))
        if datatype is not None:
            g.add((p, SH.datatype, datatype))
        if cls is not None:
            g.add((p, SH["class"], cls))
        if min_count:
            g.add((p, SH.minCount, Literal(min_count)))
        if max_count is not None:
            g.add((p, SH.maxCount, Literal(max_count)))

    def closed(shape: URIRef, extra: list[URIRef]) -> None:
        g.add((shape, SH.closed, Literal(True)))
        head = BNode(f"{shape.split('#')[1]}-ignored")
        Collection(g, head, [RDF.type, PROV.wasDerivedFrom, *extra])
        g.add((shape, SH.ignoredProperties, head))

    for n in model.nodes.values():
        shape = URIRef(SHAPES + n.label)
        g.add((shape, RDF.type, SH.NodeShape))
        g.add((shape, SH.targetClass, EG[n.label]))
        for p in n.properties.values():
            is_list = p.type.startswith("list[")
            prop(shape, EG[p.name], XSD_TYPES[p.type], min_count=1 if p.name == n.key else 0,
                 max_count=None if is_list else 1)
        outgoing = [rel_property(r.type) for r in model.relationships.values() if n.label in r.sources]
        closed(shape, outgoing)
        for r in model.relationships.values():
            if n.label in r.sources and len(r.targets) == 1:
                prop(shape, rel_property(r.type), cls=EG[r.targets[0]], max_count=None)
    for r in model.relationships.values():
        if not r.properties:
            continue
        shape = URIRef(SHAPES + rel_class(r.type).split("#")[1])
        g.add((shape, RDF.type, SH.NodeShape))
        g.add((shape, SH.targetClass, rel_class(r.type)))
        prop(shape, EG["from"], cls=EG[r.sources[0]] if len(r.sources) == 1 else None, min_count=1)
        prop(shape, EG.to, cls=EG[r.targets[0]] if len(r.targets) == 1 else None, min_count=1)
        for p in r.properties.values():
            prop(shape, EG[p.name], XSD_TYPES[p.type], min_count=1 if p.name == r.key else 0)
        closed(shape, [EG["from"], EG.to])
    return g


def shapes_turtle(model: Model | None = None) -> str:
    return shapes(model).serialize(format="turtle")
