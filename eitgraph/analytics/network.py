"""Network metrics of the exchange graph with networkx."""

from __future__ import annotations

import networkx as nx
import pandas as pd

from ..graphread import Exchange, GraphSource, reader

HUB_COLUMNS = ["id", "name", "kind", "in_degree", "out_degree", "degree", "betweenness", "tonnes_in", "tonnes_out"]


def exchanges(graph: GraphSource, status=None, territory: str | None = None,
              category: str | None = None) -> list[Exchange]:
    """The SUPPLIES network as rows: :meth:`eitgraph.graphread.GraphRead.exchanges` of a knowledge base."""
    return reader(graph).exchanges(status, territory, category)


def exchange_graph(graph: GraphSource, status=None, territory: str | None = None,
                   category: str | None = None) -> nx.MultiDiGraph:
    """The SUPPLIES network as a networkx MultiDiGraph (one edge per exchanged material)."""
    graph = reader(graph)
    g = nx.MultiDiGraph()
    for e in graph.exchanges(status, territory, category):
        g.add_edge(e["source"], e["target"], key=e["material"], **e)
    for r in graph.organisations_by_id(g.nodes).values():
        g.nodes[r["id"]].update(name=r["name"], kind=r["kind"])
    return g


def hub_organisations(graph: GraphSource, status=None, territory: str | None = None, category: str | None = None,
                      top: int = 20) -> pd.DataFrame:
    """Organisations ranked by betweenness then degree in the exchange network, with the tonnes they
    receive and send (exchanges counted in other units are left out of those two columns)."""
    g = exchange_graph(graph, status, territory, category)
    if not g.number_of_nodes():
        return pd.DataFrame(columns=HUB_COLUMNS)
    simple = nx.DiGraph(g)
    betweenness = nx.betweenness_centrality(simple, normalized=True)
    rows = []
    for n in g.nodes:
        rows.append({
            "id": n, "name": g.nodes[n].get("name", n), "kind": g.nodes[n].get("kind"),
            "in_degree": simple.in_degree(n), "out_degree": simple.out_degree(n), "degree": simple.degree(n),
            "betweenness": round(betweenness[n], 4),
            # Only masses add up across materials.
            "tonnes_in": sum(d.get("quantity") or 0 for _, _, d in g.in_edges(n, data=True) if d["unit"] == "t/an"),
            "tonnes_out": sum(d.get("quantity") or 0 for _, _, d in g.out_edges(n, data=True) if d["unit"] == "t/an"),
        })
    df = pd.DataFrame(rows, columns=HUB_COLUMNS)
    return df.sort_values(["betweenness", "degree", "id"], ascending=[False, False, True], ignore_index=True).head(top)
