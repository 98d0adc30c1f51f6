"""Views of the knowledge base as networkx graphs, and graphs back to DataFrames.

A view is one of the views of :mod:`eitgraph.analytics.views` (ecosystem, material, loops, synergies,
plans): what the maps draw, before styling. Any other view is a Cypher query returning
``source`` and ``target`` columns, turned into a graph by :func:`from_frames`::

    edges = kb.cypher("MATCH (o:Organisation)-[p:PARTY_TO]->(s:Synergy) "
                      "RETURN o.id AS source, s.id AS target, p.role AS role")
    g = from_frames(None, edges)

>>> import networkx as nx
>>> g = nx.MultiDiGraph()
>>> g.add_node("a", label="Acme", kind="company")
>>> _ = g.add_edge("a", "b", category="wood", quantity=2.0)
>>> nodes, edges = to_frames(g)
>>> list(nodes["id"]), list(edges[["source", "target", "quantity"]].itertuples(index=False, name=None))
(['a', 'b'], [('a', 'b', 2.0)])
>>> back = from_frames(nodes, edges)
>>> back.nodes["a"]["label"], back.number_of_edges()
('Acme', 1)
>>> sorted(from_frames(None, edges).nodes)
['a', 'b']
"""

from __future__ import annotations

import math

import networkx as nx
import pandas as pd

from ..graphread import GraphSource
from .views import extract

NODE_FIELDS = ("label", "kind", "role", "sector", "lat", "lon", "volume", "members")
EDGE_FIELDS = ("category", "quantity", "unit", "status", "label", "role", "count")


def view_graph(graph: GraphSource, view: str = "ecosystem", territory: str | None = None,
               category: str | None = None) -> nx.MultiDiGraph:
    """The nodes and edges of a view as a MultiDiGraph (one edge per exchange, link or role)."""
    g = extract(graph, view, territory, category)
    out = nx.MultiDiGraph(view=g.view, territory=g.territory[0] if g.territory else None, category=g.category)
    for n in g.nodes.values():
        attrs = {f: getattr(n, f) for f in NODE_FIELDS}
        attrs["categories"] = sorted(n.categories)
        attrs["commune"] = n.commune[0] if n.commune else None
        attrs["epci"] = n.epci[0] if n.epci else None
        attrs.update({k: v for k, v in n.attrs.items() if k not in attrs})
        out.add_node(n.id, **attrs)
    for e in g.edges:
        out.add_edge(e.source, e.target, **{f: getattr(e, f) for f in EDGE_FIELDS})
    return out


def to_frames(g: nx.Graph) -> tuple[pd.DataFrame, pd.DataFrame]:
    """(nodes, edges) DataFrames of any networkx graph: an ``id`` column, then ``source``/``target``
    (and ``key`` for multigraphs), then one column per attribute."""
    nodes = pd.DataFrame([{"id": n, **attrs} for n, attrs in g.nodes(data=True)])
    if g.is_multigraph():
        rows = [{"source": u, "target": v, "key": k, **d} for u, v, k, d in g.edges(keys=True, data=True)]
    else:
        rows = [{"source": u, "target": v, **d} for u, v, d in g.edges(data=True)]
    edges = pd.DataFrame(rows, columns=None if rows else ["source", "target"])
    return nodes, edges


def _clean(record: dict) -> dict:
    # DataFrames fill missing attributes with NaN: leave those attributes out again.
    return {k: v for k, v in record.items() if not (isinstance(v, float) and math.isnan(v))}


def from_frames(nodes: pd.DataFrame | None, edges: pd.DataFrame,
                directed: bool = True) -> nx.MultiDiGraph | nx.MultiGraph:
    """A multigraph from (nodes, edges) DataFrames shaped like :func:`to_frames` output; with ``nodes``
    None, the nodes are the ends of the edges, without attributes."""
    g = nx.MultiDiGraph() if directed else nx.MultiGraph()
    for rec in ([] if nodes is None else nodes.to_dict(orient="records")):
        rec = _clean(rec)
        g.add_node(rec.pop("id"), **rec)
    for rec in edges.to_dict(orient="records"):
        rec = _clean(rec)
        rec.pop("key", None)
        g.add_edge(rec.pop("source"), rec.pop("target"), **rec)
    return g
