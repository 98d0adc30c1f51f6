"""Pull the subgraphs the analytics need out of the store, with one Cypher query each."""

from __future__ import annotations

from ..errors import QueryError
from ..values import split_list

IN_TERRITORY = (
    "MATCH (o:Organisation)-[:LOCATED_IN]->(c:Territory) "
    "WHERE c.code = $territory OR EXISTS { MATCH (c)-[:PART_OF*1..3]->(:Territory {code: $territory}) } "
    "RETURN DISTINCT o.id AS id"
)
EXCHANGES = (
    "MATCH (a:Organisation)-[s:SUPPLIES]->(b:Organisation) "
    "WHERE $statuses IS NULL OR s.status IN $statuses "
    "RETURN a.id AS source, b.id AS target, s.material AS material, s.label AS label, s.category AS category, "
    "s.quantity AS quantity, s.unit AS unit, s.status AS status"
)
FLOWS = (
    "MATCH (o:Organisation)-[f:OUTPUTS|INPUTS]->(m:Material) "
    "RETURN o.id AS id, o.name AS name, o.lat AS lat, o.lon AS lon, "
    "CASE type(f) WHEN 'OUTPUTS' THEN 'out' ELSE 'in' END AS direction, m.code AS material, f.label AS label, "
    "f.category AS category, f.quantity AS quantity, f.unit AS unit, f.partner AS partner, f.treatment AS treatment"
)


def territory_members(kb, territory: str | None) -> set[str] | None:
    """Ids of the organisations located in a territory (None = no filter); an unknown code is an error."""
    if territory is None:
        return None
    if not kb.store.records("MATCH (t:Territory {code: $code}) RETURN t.code AS code", {"code": territory}):
        raise QueryError(f"territory {territory!r} matches no territory in the graph "
                         "(use an INSEE code, an EPCI SIREN, a declared code such as PETR-THUR-DOLLER, or DEP-68)")
    return {r["id"] for r in kb.store.records(IN_TERRITORY, {"territory": territory})}


def statuses(status: str | list | None) -> list[str] | None:
    """A status filter: None, one status, or a comma-separated list / list of statuses."""
    if status is None:
        return None
    items = status if isinstance(status, list) else split_list(status, ",")
    bad = [s for s in items if s not in ("existing", "planned", "potential")]
    if bad:
        raise QueryError(f"unknown exchange status {', '.join(bad)}; use existing, planned or potential")
    return items


def exchanges(kb, status=None, territory: str | None = None, category: str | None = None) -> list[dict]:
    """SUPPLIES edges as dicts, filtered by status, category and territory (both ends inside)."""
    rows = kb.store.records(EXCHANGES, {"statuses": statuses(status)})
    return inside(rows, territory_members(kb, territory), category)


def inside(rows: list[dict], members: set[str] | None, category: str | None = None) -> list[dict]:
    """The exchanges with both ends among ``members`` (None: all) and of ``category`` (None: all)."""
    return [r for r in rows
            if (category is None or r["category"] == category)
            and (members is None or (r["source"] in members and r["target"] in members))]


def edge_key(flow: dict) -> tuple:
    """(source, target, material) of the SUPPLIES edge a diagnostic flow naming a partner wrote
    (site → partner for an output, partner → site for an input; see load/sources/diagnostics)."""
    site, partner = flow["id"], flow["partner"]
    return (site, partner, flow["material"]) if flow["direction"] == "out" else (partner, site, flow["material"])


def flows(kb, territory: str | None = None) -> list[dict]:
    """Diagnostic flows (OUTPUTS and INPUTS) with the site's coordinates."""
    rows = kb.store.records(FLOWS)
    members = territory_members(kb, territory)
    return [r for r in rows if members is None or r["id"] in members]
