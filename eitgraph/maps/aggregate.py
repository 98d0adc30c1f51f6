"""Above a node budget the map groups organisations (by commune, then EPCI, then material category)
instead of drawing a hairball, and says so on the page.

>>> from eitgraph.analytics.viewgraph import MapEdge, MapGraph, MapNode
>>> g = MapGraph("ecosystem")
>>> for i in range(4):
...     g.add_node(MapNode(f"o{i}", f"O{i}", "company", commune=("68063", "Cernay") if i < 3 else ("68334", "Thann")))
>>> g.add_edge(MapEdge("o0", "o3", category="wood", quantity=2.0, unit="t/an", status="existing"))
>>> g.add_edge(MapEdge("o1", "o3", category="wood", quantity=3.0, unit="t/an", status="potential"))
>>> g = aggregate(g, max_nodes=3)
>>> g.aggregated, sorted(n.label for n in g.nodes.values()), [(e.quantity, e.count, e.status) for e in g.edges]
('commune', ['Cernay', 'Thann'], [(5.0, 2, 'existing')])
>>> g.edges[0].filters["category"]
['wood']
"""

from __future__ import annotations

from collections import Counter, defaultdict

from ..analytics.viewgraph import MapEdge, MapGraph, MapNode

LEVELS = ("commune", "epci", "category")
STATUS_RANK = {"existing": 0, "planned": 1, "potential": 2}


def _dominant_category(node: MapNode, edges_by_node: dict[str, list[MapEdge]]) -> str:
    weights: Counter = Counter()
    for e in edges_by_node.get(node.id, []):
        if e.category:
            weights[e.category] += (e.quantity or 0) if e.unit == "t/an" else 0.001
    return weights.most_common(1)[0][0] if weights else ""


def group_key(node: MapNode, level: str, edges_by_node) -> tuple[str, str]:
    """(group id, group label) of an organisation at a level; ('', …) when unknown."""
    if level == "commune":
        return node.commune or ("", "")
    if level == "epci":
        return node.epci or ("", "")
    code = _dominant_category(node, edges_by_node)
    return (code, code)


def aggregate(g: MapGraph, max_nodes: int = 1500, level: str | None = None) -> MapGraph:
    """Group organisations when the graph has more than ``max_nodes`` nodes (or always at ``level``):
    the first level of :data:`LEVELS` that fits the budget, else the coarsest."""
    if level is not None:
        return _apply(g, level, max_nodes, forced=True)
    if len(g.nodes) <= max_nodes:
        return g
    edges_by_node = _edges_by_node(g)
    for candidate in LEVELS:
        level = candidate
        groups = {group_key(n, candidate, edges_by_node)[0] for n in g.nodes.values() if n.role == "organisation"}
        others = sum(1 for n in g.nodes.values() if n.role != "organisation")
        if len(groups) + others <= max_nodes:
            break
    return _apply(g, level, max_nodes, forced=False)


def _edges_by_node(g: MapGraph) -> dict[str, list[MapEdge]]:
    out: dict[str, list[MapEdge]] = defaultdict(list)
    for e in g.edges:
        out[e.source].append(e)
        out[e.target].append(e)
    return out


def _apply(g: MapGraph, level: str, max_nodes: int, forced: bool) -> MapGraph:
    before = sum(1 for n in g.nodes.values() if n.role == "organisation")
    new_nodes, mapping = _group_nodes(g, level)
    g.edges = _merge_edges(g.edges, mapping)
    g.nodes = new_nodes
    g.aggregated = level
    g.notes.append(("aggregated_on_request" if forced else "aggregated",
                    {"level": level, "n": before, "budget": max_nodes}))
    return g


def _group_nodes(g: MapGraph, level: str) -> tuple[dict[str, MapNode], dict[str, str]]:
    """The organisations grouped at ``level`` (other nodes kept), and node id → group id."""
    edges_by_node = _edges_by_node(g)
    new_nodes: dict[str, MapNode] = {}
    mapping: dict[str, str] = {}
    coords: dict[str, list[tuple[float, float]]] = defaultdict(list)
    for node in g.nodes.values():
        if node.role != "organisation":
            new_nodes[node.id] = node
            mapping[node.id] = node.id
            continue
        code, label = group_key(node, level, edges_by_node)
        gid = f"{level}:{code or '?'}"
        mapping[node.id] = gid
        agg = new_nodes.get(gid)
        if agg is None:
            agg = new_nodes[gid] = MapNode(
                id=gid, label=label or "?", kind=level, role="aggregate", members=0,
                commune=node.commune if level == "commune" else None, epci=node.epci if level != "category" else None,
                attrs={"kinds": Counter()}, filters={"kind": [], "category": []})
            if level == "category":
                agg.categories = {code} if code else set()
        agg.members += 1
        agg.volume += node.volume
        agg.categories |= node.categories
        agg.attrs["kinds"][node.kind] += 1
        for key in ("out", "in"):
            agg.attrs[key] = agg.attrs.get(key, 0) + node.attrs.get(key, 0)
        if node.lat is not None and node.lon is not None:
            coords[gid].append((node.lat, node.lon))
    for gid, agg in new_nodes.items():
        if agg.role != "aggregate":
            continue
        if coords[gid]:
            agg.lat = sum(p[0] for p in coords[gid]) / len(coords[gid])
            agg.lon = sum(p[1] for p in coords[gid]) / len(coords[gid])
        agg.filters = {"kind": sorted(agg.attrs["kinds"]), "category": sorted(agg.categories)}
        agg.attrs["members"] = agg.members
        agg.attrs["kinds"] = dict(agg.attrs["kinds"])
        agg.attrs["tonnes"] = agg.volume
    return new_nodes, mapping


def _merge_edges(edges: list[MapEdge], mapping: dict[str, str]) -> list[MapEdge]:
    # One edge per pair of groups (and role): its colour is the category moving the most, its width the
    # total quantity when all exchanges share a unit; the category menu still sees every category.
    merged: dict[tuple, MapEdge] = {}
    weights: dict[tuple, Counter] = defaultdict(Counter)
    units: dict[tuple, set] = defaultdict(set)
    for e in edges:
        key = (mapping[e.source], mapping[e.target], e.role)
        weights[key][e.category] += (e.quantity or 0) + 1e-3
        units[key].add(e.unit)
        m = merged.get(key)
        if m is None:
            merged[key] = MapEdge(key[0], key[1], quantity=e.quantity, unit=e.unit, status=e.status,
                                  label=e.label if e.role else None, role=e.role, filters=dict(e.filters),
                                  count=e.count)
            continue
        m.count += e.count
        if e.quantity is not None:
            m.quantity = (m.quantity or 0) + e.quantity
        if STATUS_RANK.get(e.status, 3) < STATUS_RANK.get(m.status, 3):
            m.status = e.status
    for key, m in merged.items():
        cats = [c for c, _ in weights[key].most_common() if c]
        m.category = cats[0] if cats else None
        m.filters["category"] = sorted(cats)
        if m.status:
            m.filters["status"] = m.status
        if len(units[key]) > 1:
            m.quantity, m.unit = None, None
    return list(merged.values())
