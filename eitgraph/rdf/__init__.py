"""Linked data out: the graph exported to RDF (Turtle, JSON-LD, N-Triples) in the eitgraph vocabulary, and
the SHACL shapes exports conform to.

The vocabulary (namespace ``https://w3id.org/eitgraph/vocab#``, prefix ``eg:``) is generated from
``schema/model.yaml`` by :mod:`eitgraph.model.vocabulary`; RDF files are loaded back as the ``rdf``
source kind (:mod:`eitgraph.load.sources.rdf`). Resources live under ``https://w3id.org/eitgraph/``:
``territory/68334`` (communes by INSEE code, EPCI by SIREN), ``organisation/<id>``, ``material/<code>``…
"""
