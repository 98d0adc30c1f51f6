"""Linked data: the eitgraph RDF vocabulary, export to and import from RDF (Turtle, JSON-LD, N-Triples).

Namespace of the vocabulary: ``https://w3id.org/eitgraph/vocab#`` (prefix ``eg:``), generated from
``schema/model.yaml`` (see :mod:`eitgraph.rdf.vocab`). Resources live under ``https://w3id.org/eitgraph/``:
``territory/68334`` (communes by INSEE code, EPCI by SIREN), ``organisation/<id>``, ``material/<code>``…
"""

from .vocab import BASE, EG, node_iri, vocabulary

__all__ = ["BASE", "EG", "node_iri", "vocabulary"]
