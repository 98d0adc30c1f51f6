"""The anonymisation policy (:mod:`eitgraph.present.anonymity`) applied to a map's graph: aliases instead
of the names of organisations that are not public institutions, identifiers and descriptions removed,
quantities as decades, names quoted in titles and labels replaced."""

from __future__ import annotations

from ..analytics.viewgraph import MapGraph
from ..present.anonymity import band, scrub


def anonymize(g: MapGraph, aliases: dict[str, str], names: dict[str, str]) -> MapGraph:
    """Rewrite ``g`` in place. ``names`` maps every organisation id to its real name, so that names quoted
    in free text (synergy titles) are replaced too; descriptions are dropped."""
    g.anonymized = True
    for node in g.nodes.values():
        if node.id in aliases:
            node.label = aliases[node.id]
        for hidden in ("siret", "naf", "description"):  # identifiers and free text (present.anonymity)
            node.attrs.pop(hidden, None)
        if "tonnes" in node.attrs:
            node.band = band(node.attrs.pop("tonnes") or None)
        if node.attrs.get("title"):
            node.attrs["title"] = scrub(node.attrs["title"], aliases, names)
    for edge in g.edges:
        if edge.quantity is not None:
            edge.band = band(edge.quantity)
            edge.quantity = None
        if edge.label:
            edge.label = scrub(edge.label, aliases, names)
    return g
