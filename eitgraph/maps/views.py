"""Data extraction, one function per view: each returns a :class:`MapGraph` (no styling, no language).

Views are registered in :data:`VIEWS`; :func:`register_view` adds one.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Callable

from ..analytics.circular import circular_loops
from ..analytics.extract import exchanges, territory_members
from ..errors import QueryError
from ..model.materials import categories, category_code
from .model import MapEdge, MapGraph, MapNode

ORGANISATIONS = (
    "MATCH (o:Organisation) "
    "OPTIONAL MATCH (o)-[:LOCATED_IN]->(c:Commune) "
    "OPTIONAL MATCH (c)-[:PART_OF]->(e:EPCI) "
    "RETURN o.id AS id, o.name AS name, o.kind AS kind, o.siret AS siret, o.naf AS naf, o.naf_label AS naf_label, "
    "o.filiere AS filiere, o.lat AS lat, o.lon AS lon, c.code AS commune_code, c.name AS commune_name, "
    "e.code AS epci_code, e.name AS epci_name"
)
SYNERGIES = ("MATCH (s:Synergy) RETURN s.id AS id, s.title AS title, s.theme AS theme, s.type AS type, "
             "s.status AS status, s.category AS category, s.description AS description ORDER BY s.id")
PARTIES = "MATCH (o:Organisation)-[p:PARTY_TO]->(s:Synergy) RETURN s.id AS synergy, o.id AS org, p.role AS role"

ViewFunction = Callable[..., MapGraph]
VIEWS: dict[str, ViewFunction] = {}


def register_view(name: str, function: ViewFunction) -> None:
    """Add (or replace) a view: ``function(kb, territory=None, category=None) -> MapGraph``."""
    VIEWS[name] = function


def organisation_nodes(kb, ids: set[str] | None = None) -> dict[str, MapNode]:
    """Every organisation (or those in ``ids``) as a map node, with its commune and EPCI."""
    nodes: dict[str, MapNode] = {}
    for r in kb.store.records(ORGANISATIONS):
        if (ids is not None and r["id"] not in ids) or r["id"] in nodes:
            continue
        nodes[r["id"]] = MapNode(
            id=r["id"], label=r["name"] or r["id"], kind=r["kind"] or "other", sector=r["filiere"] or r["naf_label"],
            lat=r["lat"], lon=r["lon"],
            commune=(r["commune_code"], r["commune_name"]) if r["commune_code"] else None,
            epci=(r["epci_code"], r["epci_name"]) if r["epci_code"] else None,
            attrs={"siret": r["siret"], "naf": " ".join(x for x in (r["naf"], r["naf_label"]) if x) or None},
            filters={"kind": r["kind"] or "other"})
    return nodes


def territory_of(kb, code: str | None) -> tuple[str, str] | None:
    if code is None:
        return None
    rows = kb.store.records("MATCH (t:Territory {code: $code}) RETURN t.name AS name", {"code": code})
    return (code, rows[0]["name"] if rows and rows[0]["name"] else code) if rows else (code, code)


def _check_category(category: str | None) -> str | None:
    if category is None:
        return None
    if category in categories():
        return category
    try:
        return category_code(category)
    except ValueError as exc:
        raise QueryError(str(exc)) from None


def _add_exchange_edges(g: MapGraph, rows: list[dict], loops_of=None) -> None:
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


def ecosystem(kb, territory: str | None = None, category: str | None = None) -> MapGraph:
    """Actors and their exchanges (SUPPLIES). Without a category every actor is shown, isolated ones too;
    with one, only the actors exchanging that category."""
    category = _check_category(category)
    members = territory_members(kb, territory)
    g = MapGraph(view="ecosystem", territory=territory_of(kb, territory), category=category)
    g.nodes = organisation_nodes(kb, members)
    g.total_organisations = len(g.nodes)
    _add_exchange_edges(g, exchanges(kb, None, territory, category))
    if category:
        g.prune_isolated()
    return g


def material(kb, territory: str | None = None, category: str | None = None) -> MapGraph:
    """The exchanges of one material category and the actors taking part in them."""
    if not category:
        raise QueryError(f"the material view needs a category (--category CODE): {', '.join(categories())}")
    g = ecosystem(kb, territory, category)
    g.view = "material"
    return g


def loops(kb, territory: str | None = None, category: str | None = None) -> MapGraph:
    """Only the members of closed loops and the exchanges along them; each node and edge knows its loops."""
    category = _check_category(category)
    df = circular_loops(kb, territory=territory, category=category)
    g = MapGraph(view="loops", territory=territory_of(kb, territory), category=category)
    loops_of: dict[tuple[str, str], list[int]] = defaultdict(list)
    node_loops: dict[str, list[int]] = defaultdict(list)
    for row in df.itertuples():
        cycle = list(row.members)
        g.loops.append((int(row.loop), cycle))
        for k, member in enumerate(cycle):
            loops_of[(member, cycle[(k + 1) % len(cycle)])].append(int(row.loop))
            node_loops[member].append(int(row.loop))
    g.nodes = organisation_nodes(kb, set(node_loops))
    g.total_organisations = len(g.nodes)
    rows = [e for e in exchanges(kb, None, territory, category) if (e["source"], e["target"]) in loops_of]
    _add_exchange_edges(g, rows, loops_of)
    for node_id, numbers in node_loops.items():
        if node_id in g.nodes:
            g.nodes[node_id].filters["loop"] = numbers
            g.nodes[node_id].attrs["loops"] = numbers
    return g


def synergies(kb, territory: str | None = None, category: str | None = None) -> MapGraph:
    """Synergy leads (coloured by status, filterable by theme, type and status) linked to their actors."""
    category = _check_category(category)
    members = territory_members(kb, territory)
    g = MapGraph(view="synergies", territory=territory_of(kb, territory), category=category)
    parties: dict[str, list[tuple[str, str]]] = defaultdict(list)
    for r in kb.store.records(PARTIES):
        if members is None or r["org"] in members:
            parties[r["synergy"]].append((r["org"], r["role"]))
    orgs = organisation_nodes(kb, {o for ps in parties.values() for o, _ in ps})
    for s in kb.store.records(SYNERGIES):
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


PLANS = "MATCH (p:Plan) RETURN p.id AS id, p.name AS name, p.type AS type ORDER BY p.id"
ACTIONS = ("MATCH (a:Action)-[:IN_PLAN]->(p:Plan) "
           "OPTIONAL MATCH (a)-[:TARGETS]->(c:MaterialCategory) "
           "RETURN a.id AS id, a.title AS title, a.status AS status, a.budget_total AS budget, "
           "collect(DISTINCT p.id) AS plans, collect(DISTINCT c.code) AS categories")
STAKEHOLDERS = ("MATCH (o:Organisation)-[r:LEADS|PARTNER_OF]->(a:Action) "
                "RETURN o.id AS org, a.id AS action, CASE type(r) WHEN 'LEADS' THEN 'lead' ELSE 'partner' END AS role "
                "UNION ALL MATCH (a:Action)-[:FUNDED_BY]->(o:Organisation) "
                "RETURN DISTINCT o.id AS org, a.id AS action, 'funder' AS role")


def plans(kb, territory: str | None = None, category: str | None = None) -> MapGraph:
    """Plans → actions → the organisations that lead, partner or fund them; an action in several plans
    is highlighted (its own colour, the number of its plans in its facts)."""
    category = _check_category(category)
    members = territory_members(kb, territory)
    g = MapGraph(view="plans", territory=territory_of(kb, territory), category=category)
    actions = [a for a in kb.store.records(ACTIONS) if not category or category in a["categories"]]
    in_plans = {p for a in actions for p in a["plans"]}
    for p in kb.store.records(PLANS):
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
    links = [r for r in kb.store.records(STAKEHOLDERS) if f"action:{r['action']}" in wanted
             and (members is None or r["org"] in members)]
    orgs = organisation_nodes(kb, {r["org"] for r in links})
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


def extract(kb, view: str, territory: str | None = None, category: str | None = None) -> MapGraph:
    """Run a view by name; ``material:CODE`` is the material view of one category."""
    if view.startswith("material:"):
        view, category = "material", view.split(":", 1)[1]
    if view not in VIEWS:
        raise QueryError(f"unknown map view {view!r}; views: {', '.join(sorted(VIEWS))} (and material:CATEGORY)")
    return VIEWS[view](kb, territory=territory, category=category)
