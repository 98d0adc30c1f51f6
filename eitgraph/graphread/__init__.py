"""The read side: every fact the analytics, views, reports and exports read from the graph, read one way
here, with the territory rule written once.

**The territory rule.** A territory holds itself and every territory that is ``PART_OF`` it within three
steps (commune → EPCI → PETR, commune → département…); an organisation lies in a territory when it is
``LOCATED_IN`` one of those. An unknown territory code is an error that names it. (The ``.cypher`` files
of the catalogue spell the same rule in their own text, so that each one runs alone in Neo4j Browser.)

Rows are plain dicts with the keys their type documents (:class:`Organisation`, :class:`Exchange`,
:class:`Flow`…); labels and relationship types come from code or the model, values travel as parameters.

>>> edge_key({"id": "a", "partner": "b", "material": "15 01 03", "direction": "out"})
('a', 'b', '15 01 03')
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass
from operator import itemgetter
from typing import Protocol

from ..bulk import paused_gc
from ..errors import QueryError
from ..model.facts import Exchange, Flow, Organisation
from ..model.graph import Model
from ..values import split_list
from .exchanges import EXCHANGE_COLUMNS, PAIR_COLUMNS, by_element_id, exchanges_query

Records = Callable[[str, dict], list[dict]]  # read-only Cypher (text from code, values as parameters) → rows

# A territory ``t`` (bound) holds ``c`` (bound): the one place Python reads spell the rule.
WITHIN = "(c.code = $territory OR EXISTS { MATCH (c)-[:PART_OF*1..3]->(:Territory {code: $territory}) })"
STATUSES = ("existing", "planned", "potential")


ORGANISATIONS = (
    "MATCH (o:Organisation) OPTIONAL MATCH (o)-[:LOCATED_IN]->(t:Territory) "
    "OPTIONAL MATCH (t)-[:PART_OF]->(e:EPCI) "
    "RETURN o.id AS id, o.name AS name, o.kind AS kind, o.siret AS siret, o.naf AS naf, o.naf_label AS naf_label, "
    "o.naf_section AS naf_section, o.filiere AS filiere, o.lat AS lat, o.lon AS lon, "
    "o.coordinates_approximate AS coordinates_approximate, t.code AS territory, "
    "t.name AS territory_name, 'Commune' IN labels(t) AS in_commune, e.code AS epci, e.name AS epci_name, "
    "t.centroid_lat AS commune_lat, t.centroid_lon AS commune_lon"
)
TERRITORIES_WITHIN = f"MATCH (c:Territory) WHERE {WITHIN} RETURN c.code AS code"
IN_TERRITORY = f"MATCH (o:Organisation)-[:LOCATED_IN]->(c:Territory) WHERE {WITHIN} RETURN DISTINCT o.id AS id"
COMMUNES_WITHIN = (f"MATCH (c:Commune) WHERE {WITHIN} "
                   "RETURN DISTINCT c.code AS code, c.departement AS departement")
EXCHANGE_FIELDS = ("source", "target", "material", "label", "category", "quantity", "unit", "status")
FLOWS = (
    "MATCH (o:Organisation)-[f:OUTPUTS|INPUTS]->(m:Material) "
    "RETURN o.id AS id, o.name AS name, o.lat AS lat, o.lon AS lon, "
    "CASE type(f) WHEN 'OUTPUTS' THEN 'out' ELSE 'in' END AS direction, m.code AS material, f.label AS label, "
    "f.category AS category, f.quantity AS quantity, f.unit AS unit, f.partner AS partner, f.treatment AS treatment"
)
PARTIES = ("MATCH (o:Organisation)-[p:PARTY_TO]->(s:Synergy) RETURN o.id AS org, s.id AS synergy, p.role AS role, "
           "s.status AS status, s.jobs AS jobs, s.trainings AS trainings")
SYNERGIES = ("MATCH (s:Synergy) RETURN s.id AS id, s.title AS title, s.theme AS theme, s.type AS type, "
             "s.status AS status, s.category AS category, s.description AS description ORDER BY s.id")
INVITATIONS = ("MATCH (o:Organisation)-[:INVITED]->(w:Workshop) OPTIONAL MATCH (o)-[a:ATTENDED]->(w) "
               "RETURN o.id AS org, w.id AS workshop, w.kind AS kind, a.participants AS participants, "
               "a.satisfaction AS satisfaction")
IN_BODIES = ("MATCH (o:Organisation)-[:MEMBER_OF]->(:Body) RETURN o.id AS org UNION "
             "MATCH (o:Organisation)<-[:WORKS_FOR]-(:Person)-[:MEMBER_OF]->(:Body) RETURN o.id AS org")
OUTLINES = ("MATCH (t:Territory) WHERE t.outline IS NOT NULL AND t.centroid_lon >= $west AND t.centroid_lon <= $east "
            "AND t.centroid_lat >= $south AND t.centroid_lat <= $north "
            "OPTIONAL MATCH (t)-[:PART_OF]->(e:EPCI) "
            "RETURN t.code AS code, t.name AS name, t.kind AS kind, t.population AS population, t.outline AS outline, "
            "t.centroid_lat AS lat, t.centroid_lon AS lon, collect(e.code)[0] AS epci")
OUTLINES_OF = ("MATCH (t:Territory) WHERE t.code IN $codes AND t.outline IS NOT NULL "
               "RETURN t.code AS code, t.outline AS outline")
# One Dataset node, and the datasets whose load stopped between two of its transactions (load.pending).
DATASET_NODE = "MATCH (d:Dataset {id: $id}) RETURN properties(d) AS p"
PENDING_DATASETS = "MATCH (d:Dataset) WHERE d.pending IS NOT NULL RETURN d.id AS id"
DATASETS = ("MATCH (d:Dataset) RETURN d.id AS id, d.kind AS kind, d.file AS file, d.rows AS rows, "
            "d.loaded_at AS loaded_at, d.sha256 AS sha256 ORDER BY d.loaded_at, d.id")
PLANS = "MATCH (p:Plan) RETURN p.id AS id, p.name AS name, p.type AS type ORDER BY p.id"
PLAN_ACTIONS = ("MATCH (a:Action)-[:IN_PLAN]->(p:Plan) OPTIONAL MATCH (a)-[:TARGETS]->(c:MaterialCategory) "
                "RETURN a.id AS id, a.title AS title, a.status AS status, a.budget_total AS budget, "
                "collect(DISTINCT p.id) AS plans, collect(DISTINCT c.code) AS categories")
ACTION_STAKEHOLDERS = (
    "MATCH (o:Organisation)-[r:LEADS|PARTNER_OF]->(a:Action) "
    "RETURN o.id AS org, a.id AS action, CASE type(r) WHEN 'LEADS' THEN 'lead' ELSE 'partner' END AS role "
    "UNION ALL MATCH (a:Action)-[:FUNDED_BY]->(o:Organisation) RETURN DISTINCT o.id AS org, a.id AS action, "
    "'funder' AS role")


@dataclass(frozen=True)
class PlanFacts:
    """The rows plan questions assemble their actions from (see :mod:`eitgraph.analytics.actions`)."""

    in_plans: list[dict]  # id, title, parent (a sous-action's action), description, status, budget, plan, plan_name,
    #                       plan_budget, plan_status
    leads: list[dict]  # id, lead, name (organisations and services)
    categories: list[dict]  # id, code, label
    measures: list[dict]  # id, measure, name, kind, number
    pillar_of: list[dict]  # m, p, name: a référentiel item and the pillar it serves
    funders: list[dict]  # id, org, name, plan, share
    axes: list[dict]  # id, name, number, plan, path (names joined by ::), level
    under: list[dict]  # id, axis


PLAN_FACTS = {
    "in_plans": "MATCH (a:Action)-[r:IN_PLAN]->(p:Plan) OPTIONAL MATCH (a)-[:SUB_ACTION_OF]->(q:Action) "
                "RETURN a.id AS id, a.title AS title, q.id AS parent, "
                "a.description AS description, a.status AS status, a.budget_total AS budget, p.id AS plan, "
                "p.name AS plan_name, r.budget_total AS plan_budget, r.status AS plan_status",
    "leads": "MATCH (o)-[:LEADS]->(a:Action) RETURN a.id AS id, o.id AS lead, o.name AS name",
    "categories": "MATCH (a:Action)-[:TARGETS]->(c:MaterialCategory) RETURN a.id AS id, c.code AS code, "
                  "c.label AS label",
    "measures": "MATCH (a:Action)-[:CONTRIBUTES_TO]->(m:Measure) RETURN a.id AS id, m.id AS measure, "
                "m.name AS name, m.kind AS kind, m.number AS number",
    "pillar_of": "MATCH (m:Measure)-[:OF_PILLAR]->(p:Measure) RETURN m.id AS m, p.id AS p, p.name AS name",
    "funders": "MATCH (a:Action)-[f:FUNDED_BY]->(o:Organisation) RETURN a.id AS id, o.id AS org, o.name AS name, "
               "f.plan AS plan, f.share AS share",
    "axes": "MATCH (x:Axis) RETURN x.id AS id, x.name AS name, x.number AS number, x.plan AS plan, "
            "x.path AS path, x.level AS level",
    "under": "MATCH (a:Action)-[:UNDER]->(x:Axis) RETURN a.id AS id, x.id AS axis",
}


class GraphRead:
    """Reads of a graph with the eitgraph model, through a read-only ``records`` function: the store's
    (``kb.graph``), or a load's look-ups (a transform's ``ctx.lookup``)."""

    def __init__(self, records: Records, model: Model, raw: Records | None = None):
        self._records = records
        self._raw = raw or records  # the same, without converting values (bulk reads of plain columns)
        self.model = model

    def _rows(self, cypher: str, **params) -> list[dict]:
        return self._records(cypher, params)

    def _bulk(self, cypher: str, **params) -> list:
        """The rows a query returns as one list in one record (``RETURN collect([…]) AS rows``); its
        values must be strings, numbers, booleans, nulls or lists of them."""
        with paused_gc():
            return [row for r in self._raw(cypher, params) for row in r["rows"]]

    # -- territories -------------------------------------------------------------------------------
    def territory_name(self, code: str) -> str | None:
        """The name of a territory (its code when it has none); QueryError for an unknown code."""
        rows = self._rows("MATCH (t:Territory {code: $code}) RETURN t.name AS name", code=code)
        if not rows:
            raise QueryError(f"territory {code!r} matches no territory in the graph (use an INSEE code, an EPCI "
                             "SIREN, a declared code such as PETR-THUR-DOLLER, or DEP-68)")
        return rows[0]["name"] or code

    def territory_members(self, code: str | None, must_exist: bool = True) -> set[str] | None:
        """Ids of the organisations that lie in a territory (None: no territory, no filter)."""
        if code is None:
            return None
        if must_exist:
            self.territory_name(code)
        return {r["id"] for r in self._rows(IN_TERRITORY, territory=code)}

    def territories_within(self, code: str) -> set[str]:
        """The codes of a territory and of the territories it holds; QueryError for an unknown code."""
        self.territory_name(code)
        return {r["code"] for r in self._rows(TERRITORIES_WITHIN, territory=code)}

    def communes_within(self, code: str) -> list[dict]:
        """The communes a territory holds (itself, if it is one): code, departement."""
        return self._rows(COMMUNES_WITHIN, territory=code)

    def outlines(self, west: float, south: float, east: float, north: float) -> list[dict]:
        """Territories with an outline (geometry files) whose centroid lies in a box: code, name, kind,
        population, outline (JSON text), lat, lon (centroid), epci (the EPCI a commune is part of)."""
        return self._rows(OUTLINES, west=west, south=south, east=east, north=north)

    def outlines_of(self, codes: list[str]) -> list[dict]:
        """code, outline of the territories among ``codes`` that have one."""
        return self._rows(OUTLINES_OF, codes=codes)

    # -- organisations -----------------------------------------------------------------------------
    def organisations(self) -> list[Organisation]:
        """Every organisation once, with where it is located."""
        out: dict[str, Organisation] = {}
        for r in self._rows(ORGANISATIONS):
            if r["id"] not in out:
                in_commune = bool(r.pop("in_commune"))
                name = r.pop("territory_name")
                out[r["id"]] = {**r, "commune": r["territory"] if in_commune else None,
                                "commune_name": name if in_commune else None}
        return list(out.values())

    def without_coordinates(self, limit: int = 20) -> dict:
        """Organisations maps cannot place: how many have no coordinates (with the first ones: id, name,
        commune), and how many are placed only approximately."""
        rows = self._rows(
            "MATCH (o:Organisation) WITH o, o.lat IS NULL OR o.lon IS NULL AS missing "
            "WITH count(CASE WHEN missing THEN 1 END) AS n, "
            "count(CASE WHEN NOT missing AND o.coordinates_approximate THEN 1 END) AS approx, "
            "collect(CASE WHEN missing THEN [o.id, o.name, o.commune_code] END)[..$limit] AS first "
            "RETURN n, approx, first", limit=limit)
        r = rows[0] if rows else {"n": 0, "approx": 0, "first": []}
        return {"count": r["n"], "approximate": r["approx"],
                "first": [{"id": i, "name": n, "commune": c} for i, n, c in (r["first"] or []) if i is not None]}

    def organisations_by_id(self, ids: Iterable[str]) -> dict[str, dict]:
        """id → {id, name, kind} of the organisations among ``ids`` that exist."""
        ids = sorted(set(ids))
        if not ids:
            return {}
        rows = self._bulk("UNWIND $ids AS k MATCH (o:Organisation {id: k}) "
                          "RETURN collect([o.id, o.name, o.kind]) AS rows", ids=ids)
        return {i: {"id": i, "name": n, "kind": k} for i, n, k in rows}

    # -- exchanges and flows -------------------------------------------------------------------------
    def exchanges(self, status=None, territory: str | None = None, category: str | None = None) -> list[Exchange]:
        """SUPPLIES edges filtered by status (one, a list or a comma-separated text), category and
        territory (both ends inside)."""
        rows = self._exchange_rows(status, territory, category)
        return [dict(zip(EXCHANGE_FIELDS, row, strict=True)) for row in rows]

    def exchange_columns(self, status=None, territory: str | None = None,
                         category: str | None = None) -> dict[str, list]:
        """:meth:`exchanges` column-wise: one list per field of :class:`Exchange`, in bulk."""
        with paused_gc():  # the rows die here: the collector need not walk them
            rows = self._exchange_rows(status, territory, category)
            columns = list(zip(*rows, strict=True)) if rows else [() for _ in EXCHANGE_FIELDS]
            return {name: list(values) for name, values in zip(EXCHANGE_FIELDS, columns, strict=True)}

    def exchange_pairs(self, status=None, territory: str | None = None,
                       category: str | None = None) -> list[tuple[str, str]]:
        """(source, target) of :meth:`exchanges` only, in bulk."""
        wanted = statuses(status)
        query = exchanges_query(PAIR_COLUMNS, wanted is not None, category is not None)
        with paused_gc():
            pairs = self._pairs_by_element_id(query, {"statuses": wanted, "category": category})
        members = self.territory_members(territory)
        if members is None:
            return pairs
        return [(a, b) for a, b in pairs if a in members and b in members]

    def _pairs_by_element_id(self, query: str, params: dict) -> list[tuple[str, str]]:
        found, ids = by_element_id(self._raw, query, params,
                                   lambda found: set().union(*(r[k] for r in found for k in ("sources", "targets"))))
        return [(ids[a], ids[b]) for r in found for a, b in zip(r["sources"], r["targets"], strict=True)]

    def organisation_names(self) -> dict[str, str | None]:
        """id → name of every organisation, in bulk."""
        return dict(self._bulk("MATCH (o:Organisation) RETURN collect([o.id, o.name]) AS rows"))

    def _exchange_rows(self, status, territory, category) -> list[list]:
        wanted = statuses(status)
        with paused_gc():
            found, ids = by_element_id(self._raw, exchanges_query(EXCHANGE_COLUMNS, wanted is not None),
                                       {"statuses": wanted}, _row_ends)
            rows = [row for r in found for row in r["rows"]]
            for row in rows:  # the driver's lists, ours to change: the ends as organisation ids
                row[0], row[1] = ids[row[0]], ids[row[1]]
        members = self.territory_members(territory)
        if members is None and category is None:
            return rows
        return [row for row in rows if (category is None or row[4] == category)
                and (members is None or (row[0] in members and row[1] in members))]

    def flows(self, territory: str | None = None, must_exist: bool = True) -> list[Flow]:
        """Diagnostic flows (OUTPUTS and INPUTS) of the sites in a territory (all without one)."""
        rows = self._rows(FLOWS)
        members = self.territory_members(territory, must_exist)
        return [r for r in rows if members is None or r["id"] in members]

    # -- synergies, meetings, bodies -------------------------------------------------------------------
    def parties(self) -> list[dict]:
        """PARTY_TO: org, synergy, role, and the synergy's status, jobs and trainings."""
        return self._rows(PARTIES)

    def synergies(self) -> list[dict]:
        return self._rows(SYNERGIES)

    def invitations(self) -> list[dict]:
        """INVITED, with the attendance when there was one: org, workshop, kind, participants, satisfaction."""
        return self._rows(INVITATIONS)

    def body_members(self) -> set[str]:
        """Organisations sitting in a body of the programme, themselves or through a person."""
        return {r["org"] for r in self._rows(IN_BODIES)}

    # -- plans -------------------------------------------------------------------------------------------
    def plans(self) -> list[dict]:
        return self._rows(PLANS)

    def plan_actions(self) -> list[dict]:
        """Each action with its plans and the categories it targets."""
        return self._rows(PLAN_ACTIONS)

    def action_stakeholders(self) -> list[dict]:
        """org, action, role (lead, partner, funder)."""
        return self._rows(ACTION_STAKEHOLDERS)

    def plan_facts(self) -> PlanFacts:
        return PlanFacts(**{name: self._rows(cypher) for name, cypher in PLAN_FACTS.items()})

    def measures(self, referentiel: str) -> list[dict]:
        """Items of a référentiel: id, number, name, level, points."""
        return self._rows("MATCH (m:Measure) WHERE m.referentiel = $ref RETURN m.id AS id, m.number AS number, "
                          "m.name AS name, m.level AS level, m.points AS points", ref=referentiel)

    def referentiel_axes(self) -> dict[str, str]:
        """id → name of the référentiel items of level 1 (axes)."""
        return {r["id"]: r["name"] for r in self._rows("MATCH (m:Measure {kind: 'axis'}) RETURN m.id AS id, "
                                                       "m.name AS name")}

    def category_labels(self) -> dict[str, str]:
        return {r["code"]: r["label"] for r in self._rows("MATCH (c:MaterialCategory) RETURN c.code AS code, "
                                                          "c.label AS label")}

    # -- datasets and the whole graph ------------------------------------------------------------------
    def datasets(self) -> list[dict]:
        """Each loaded file: id, kind, file, rows, loaded_at, sha256, in load order."""
        return self._rows(DATASETS)

    def counts(self) -> tuple[dict[str, int], dict[str, int]]:
        """Nodes per label (sub-labels too) and relationships per type, in one round trip."""
        parts = [f"MATCH (n:{label}) RETURN 'node' AS what, '{label}' AS name, count(n) AS n"
                 for label in self.model.all_labels()]
        parts += [f"MATCH ()-[r:{rtype}]->() RETURN 'rel' AS what, '{rtype}' AS name, count(r) AS n"
                  for rtype in self.model.relationships]
        rows = self._rows(" UNION ALL ".join(parts))
        return ({r["name"]: r["n"] for r in rows if r["what"] == "node"},
                {r["name"]: r["n"] for r in rows if r["what"] == "rel"})

    def nodes_of(self, label: str) -> list[dict]:
        """Every node of a key label of the model: labels, p (its properties)."""
        self.model.nodes[label]  # labels only from the model
        return self._rows(f"MATCH (n:{label}) RETURN labels(n) AS labels, properties(n) AS p")

    def relationships_of(self, rtype: str, from_label: str, to_label: str) -> list[dict]:
        """Every relationship of a type between two key labels: f, t (the ends' keys), p (its properties)."""
        self.model.relationships[rtype]
        fk, tk = self.model.nodes[from_label].key, self.model.nodes[to_label].key
        return self._rows(f"MATCH (a:{from_label})-[x:{rtype}]->(b:{to_label}) "
                          f"RETURN a.{fk} AS f, b.{tk} AS t, properties(x) AS p")


class HasGraph(Protocol):
    """What offers a read side: a :class:`~eitgraph.kb.KnowledgeBase` (``kb.graph``)."""

    graph: GraphRead


GraphSource = GraphRead | HasGraph


def _row_ends(found: list[dict]) -> set[str]:
    """The ends (first two values) of the rows of bulk records."""
    rows = [row for r in found for row in r["rows"]]
    return set(map(itemgetter(0), rows)).union(map(itemgetter(1), rows))


def reader(source: GraphSource) -> GraphRead:
    """The read side of a knowledge base, or the read side itself: public functions take either."""
    return source if isinstance(source, GraphRead) else source.graph


def statuses(status: str | list | None) -> list[str] | None:
    """A status filter: None, one status, or a comma-separated list / list of statuses."""
    if status is None:
        return None
    items = status if isinstance(status, list) else split_list(status, ",")
    bad = [s for s in items if s not in STATUSES]
    if bad:
        raise QueryError(f"unknown exchange status {', '.join(bad)}; use existing, planned or potential")
    return items


def inside(rows: list[Exchange], members: set[str] | None, category: str | None = None) -> list[Exchange]:
    """The exchanges with both ends among ``members`` (None: all) and of ``category`` (None: all)."""
    return [r for r in rows
            if (category is None or r["category"] == category)
            and (members is None or (r["source"] in members and r["target"] in members))]


def edge_key(flow: Flow) -> tuple:
    """(source, target, material) of the SUPPLIES edge a diagnostic flow naming a partner wrote
    (site → partner for an output, partner → site for an input; see load/sources/diagnostics)."""
    site, partner = flow["id"], flow["partner"]
    return (site, partner, flow["material"]) if flow["direction"] == "out" else (partner, site, flow["material"])
