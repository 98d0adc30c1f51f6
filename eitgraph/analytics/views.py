"""The views of the knowledge base that maps draw and :func:`eitgraph.analytics.graphs.view_graph` turns
into networkx graphs: one function per view, each returning a :class:`~.viewgraph.MapGraph` (no styling,
no language) built from the read side.

Views are registered in :data:`VIEWS`; :func:`register_view` adds one.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Callable

from ..errors import QueryError
from ..graphread import Exchange, GraphRead, GraphSource, reader
from ..model.materials import categories, category_code
from .circular import loops_of
from .viewgraph import MapEdge, MapGraph, MapNode

ViewFunction = Callable[..., MapGraph]
VIEWS: dict[str, ViewFunction] = {}


def register_view(name: str, function: ViewFunction) -> None:
    """Add (or replace) a view: ``function(graph: GraphRead, territory=None, category=None) -> MapGraph``."""
    VIEWS[name] = function


def organisation_nodes(graph: GraphRead, ids: set[str] | None = None) -> dict[str, MapNode]:
    """Every organisation (or those in ``ids``) as a map node, with its commune and EPCI."""
    nodes: dict[str, MapNode] = {}
    for r in graph.organisations():
        if ids is not None and r["id"] not in ids:
            continue
        site = r["lat"] is not None and r["lon"] is not None
        centre = r.get("commune_lat") is not None and r.get("commune_lon") is not None
        placed = "site" if site else ("commune" if centre else None)
        nodes[r["id"]] = MapNode(
            id=r["id"], label=r["name"] or r["id"], kind=r["kind"] or "other", sector=r["filiere"] or r["naf_label"],
            lat=r["lat"] if site else r.get("commune_lat"), lon=r["lon"] if site else r.get("commune_lon"),
            placed=placed,
            commune=(r["commune"], r["commune_name"]) if r["commune"] else None,
            epci=(r["epci"], r["epci_name"]) if r["epci"] else None,
            attrs={"siret": r["siret"], "naf": " ".join(x for x in (r["naf"], r["naf_label"]) if x) or None},
            filters={"kind": r["kind"] or "other"})
    return nodes


def territory_of(graph: GraphRead, code: str | None) -> tuple[str, str] | None:
    return None if code is None else (code, graph.territory_name(code))


def _check_category(category: str | None) -> str | None:
    if category is None:
        return None
    if category in categories():
        return category
    try:
        return category_code(category)
    except ValueError as exc:
        raise QueryError(str(exc)) from None


def _add_exchange_edges(g: MapGraph, rows: list[Exchange], loops_of=None) -> None:
    for e in rows:
        if e["source"] not in g.nodes or e["target"] not in g.nodes:
            continue
        edge = MapEdge(e["source"], e["target"], category=e["category"], quantity=e["quantity"], unit=e["unit"],
                       status=e["status"], label=e["label"] or e["material"],
                       filters={"category": e["category"], "status": e["status"]})
        if loops_of is not None:
            edge.filters["loop"] = loops_of.get((e["source"], e["target"]), [])
        g.add_edge(edge)
        for end, direction in ((e["source"], "out"), (e["target"], "in")):
            node = g.nodes[end]
            node.attrs[direction] = node.attrs.get(direction, 0) + 1
            if e["category"]:
                node.categories.add(e["category"])
            if e["unit"] == "t/an" and e["quantity"]:
                node.volume += e["quantity"]
    for node in g.nodes.values():
        node.filters["category"] = sorted(node.categories)
        node.attrs["tonnes"] = node.volume


def ecosystem(graph: GraphRead, territory: str | None = None, category: str | None = None) -> MapGraph:
    """Actors and their exchanges (SUPPLIES). Without a category every actor is shown, isolated ones too;
    with one, only the actors exchanging that category."""
    category = _check_category(category)
    members = graph.territory_members(territory)
    g = MapGraph(view="ecosystem", territory=territory_of(graph, territory), category=category)
    g.nodes = organisation_nodes(graph, members)
    g.total_organisations = len(g.nodes)
    _add_exchange_edges(g, graph.exchanges(None, territory, category))
    if category:
        g.prune_isolated()
    return g


def material(graph: GraphRead, territory: str | None = None, category: str | None = None) -> MapGraph:
    """The exchanges of one material category and the actors taking part in them."""
    if not category:
        raise QueryError(f"the material view needs a category (--category CODE): {', '.join(categories())}")
    g = ecosystem(graph, territory, category)
    g.view = "material"
    return g


def loops(graph: GraphRead, territory: str | None = None, category: str | None = None) -> MapGraph:
    """Only the members of closed loops and the exchanges along them; each node and edge knows its loops.
    The exchanges are read once: the loops are found in them, then drawn from them."""
    category = _check_category(category)
    edges = graph.exchanges(None, territory, category)
    df = loops_of(graph, edges)
    g = MapGraph(view="loops", territory=territory_of(graph, territory), category=category)
    loops_on: dict[tuple[str, str], list[int]] = defaultdict(list)
    node_loops: dict[str, list[int]] = defaultdict(list)
    for row in df.itertuples():
        cycle = list(row.members)
        g.loops.append((int(row.loop), cycle))
        for k, member in enumerate(cycle):
            loops_on[(member, cycle[(k + 1) % len(cycle)])].append(int(row.loop))
            node_loops[member].append(int(row.loop))
    g.nodes = organisation_nodes(graph, set(node_loops))
    g.total_organisations = len(g.nodes)
    _add_exchange_edges(g, [e for e in edges if (e["source"], e["target"]) in loops_on], loops_on)
    for node_id, numbers in node_loops.items():
        if node_id in g.nodes:
            g.nodes[node_id].filters["loop"] = numbers
            g.nodes[node_id].attrs["loops"] = numbers
    return g


def synergies(graph: GraphRead, territory: str | None = None, category: str | None = None) -> MapGraph:
    """Synergy leads (coloured by status, filterable by theme, type and status) linked to their actors."""
    category = _check_category(category)
    members = graph.territory_members(territory)
    g = MapGraph(view="synergies", territory=territory_of(graph, territory), category=category)
    parties: dict[str, list[tuple[str, str]]] = defaultdict(list)
    for r in graph.parties():
        if members is None or r["org"] in members:
            parties[r["synergy"]].append((r["org"], r["role"]))
    orgs = organisation_nodes(graph, {o for ps in parties.values() for o, _ in ps})
    for s in graph.synergies():
        if category and s["category"] != category:
            continue
        if members is not None and not parties.get(s["id"]):
            continue
        sid = f"synergy:{s['id']}"
        g.add_node(MapNode(
            id=sid, label=s["id"], kind="synergy", role="synergy", categories={s["category"]} - {None},
            attrs={"title": s["title"], "theme": s["theme"], "type": s["type"], "status": s["status"],
                   "category": s["category"], "description": s["description"], "parties": len(parties[s["id"]])},
            filters={"status": s["status"], "theme": s["theme"], "type": s["type"], "category": s["category"]}))
        for org, role in parties[s["id"]]:
            node = orgs[org]
            g.add_node(node)
            if s["category"]:
                node.categories.add(s["category"])
            g.add_edge(MapEdge(org, sid, category=s["category"], role=role, label=role,
                               filters={"category": s["category"]}))
    for node in g.nodes.values():
        if node.role == "organisation":
            node.filters["category"] = sorted(node.categories)
    g.total_organisations = sum(1 for n in g.nodes.values() if n.role == "organisation")
    return g


def plans(graph: GraphRead, territory: str | None = None, category: str | None = None) -> MapGraph:
    """Plans → actions → the organisations that lead, partner or fund them; an action in several plans
    is highlighted (its own colour, the number of its plans in its facts)."""
    category = _check_category(category)
    members = graph.territory_members(territory)
    g = MapGraph(view="plans", territory=territory_of(graph, territory), category=category)
    actions = [a for a in graph.plan_actions() if not category or category in a["categories"]]
    in_plans = {p for a in actions for p in a["plans"]}
    for p in graph.plans():
        if p["id"] in in_plans:
            g.add_node(MapNode(id=f"plan:{p['id']}", label=p["name"] or p["id"], kind="plan", role="plan",
                               attrs={"type": p["type"]}, filters={"kind": "plan"}))
    for a in actions:
        kind = "action_shared" if len(a["plans"]) > 1 else "action"
        aid = f"action:{a['id']}"
        g.add_node(MapNode(id=aid, label=a["title"] or a["id"], kind=kind, role="action",
                           categories=set(a["categories"]),
                           attrs={"status": a["status"], "budget": a["budget"], "plans": len(a["plans"])},
                           filters={"kind": kind, "category": sorted(a["categories"])}))
        for p in a["plans"]:
            g.add_edge(MapEdge(f"plan:{p}", aid, role="in_plan", label="in_plan"))
    wanted = {f"action:{a['id']}" for a in actions}
    links = [r for r in graph.action_stakeholders() if f"action:{r['action']}" in wanted
             and (members is None or r["org"] in members)]
    orgs = organisation_nodes(graph, {r["org"] for r in links})
    for r in links:
        g.add_node(orgs[r["org"]])
        g.add_edge(MapEdge(r["org"], f"action:{r['action']}", role=r["role"], label=r["role"]))
    g.total_organisations = sum(1 for n in g.nodes.values() if n.role == "organisation")
    return g


register_view("ecosystem", ecosystem)
register_view("material", material)
register_view("loops", loops)
register_view("synergies", synergies)
register_view("plans", plans)


def extract(graph: GraphSource, view: str, territory: str | None = None, category: str | None = None) -> MapGraph:
    """Run a view by name; ``material:CODE`` is the material view of one category."""
    if view.startswith("material:"):
        view, category = "material", view.split(":", 1)[1]
    if view not in VIEWS:
        raise QueryError(f"unknown map view {view!r}; views: {', '.join(sorted(VIEWS))} (and material:CATEGORY)")
    return VIEWS[view](reader(graph), territory=territory, category=category)
