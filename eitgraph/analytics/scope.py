"""What the programme indicators look at: the actors of a territory and the facts about them, pulled
from the store with one query per kind of fact (organisations, flows, exchanges, synergies, meetings)."""

from __future__ import annotations

from dataclasses import dataclass, field
from functools import cached_property

from ..errors import QueryError
from ..graphread import Exchange, Flow, GraphSource, Organisation, edge_key, inside, reader

# Categories of actor of the dossier's participation indicators (entreprises / publics / ESS).
ACTOR_GROUPS = {"company": "company", "public_body": "public", "state_service": "public", "ess": "ess"}


def actor_group(kind: str | None) -> str:
    """company, public, ess or other.

    >>> actor_group("state_service"), actor_group("consultancy")
    ('public', 'other')
    """
    return ACTOR_GROUPS.get(kind or "", "other")


@dataclass
class Scope:
    """The actors of a territory (organisations located in it) and the graph facts the indicators use."""

    territory: str | None
    name: str
    organisations: dict[str, Organisation]  # every organisation, by id (partners may lie outside)
    actors: set[str]
    all_flows: list[Flow] = field(default_factory=list)  # every diagnostic flow, with a status
    all_exchanges: list[Exchange] = field(default_factory=list)  # every SUPPLIES edge
    parties: list[dict] = field(default_factory=list)  # PARTY_TO of the actors
    invitations: list[dict] = field(default_factory=list)  # INVITED (+ attendance) of the actors
    in_bodies: set[str] = field(default_factory=set)
    all_parties: list[dict] = field(default_factory=list)  # PARTY_TO of every organisation
    synergy_categories: dict[str, str | None] = field(default_factory=dict)  # lead → its material category

    def inside(self, org: str | None) -> bool:
        return org in self.actors

    @cached_property
    def groups(self) -> dict[str, str]:
        """Actor → company, public, ess or other."""
        return {a: actor_group(self.organisations[a]["kind"]) for a in self.actors}

    @cached_property
    def companies(self) -> set[str]:
        return {a for a, g in self.groups.items() if g == "company"}

    @cached_property
    def flows(self) -> list[dict]:
        """Diagnostic flows of the actors."""
        return [f for f in self.all_flows if f["id"] in self.actors]

    @cached_property
    def exchanges(self) -> list[dict]:
        """SUPPLIES touching at least one actor."""
        return [e for e in self.all_exchanges if e["source"] in self.actors or e["target"] in self.actors]

    def network(self) -> list[dict]:
        """The territory's exchange network, as ``GraphRead.exchanges(territory=…)`` gives it: both ends
        inside (every exchange when no territory is given)."""
        return inside(self.all_exchanges, self.actors if self.territory else None)

    def network_flows(self) -> list[dict]:
        """The diagnostic flows ``GraphRead.flows(territory)`` gives: the actors' (all without a territory)."""
        return self.flows if self.territory else self.all_flows

    def current_flows(self) -> list[dict]:
        """Flows as handled today: not the planned or potential shares of a synergy."""
        return [f for f in self.flows if f["status"] == "existing"]

    def current_exchanges(self) -> list[dict]:
        return [e for e in self.exchanges if e["status"] == "existing"]


def with_status(rows: list[dict], edges: list[dict]) -> list[dict]:
    """Each diagnostic flow with the status of the exchange it names (``existing`` without a partner).

    A diagnostic may write a flow twice: as handled today, and the share a planned or potential
    synergy would move to a new partner; only the first counts in today's tonnages.
    """
    status = {(e["source"], e["target"], e["material"]): e["status"] for e in edges}
    return [{**f, "status": status.get(edge_key(f), "existing") if f["partner"] else "existing"} for f in rows]


def scope(graph: GraphSource, territory: str | None = None) -> Scope:
    """Collect the facts for ``territory`` (a Territory code; None = every organisation located in a
    loaded commune). An unknown code, or a territory with no organisation in it, is a QueryError."""
    graph = reader(graph)
    orgs = {r["id"]: r for r in graph.organisations()}
    if territory is None:
        name, actors = "", {k for k, r in orgs.items() if r["territory"]}
    else:
        name = graph.territory_name(territory)
        actors = graph.territory_members(territory, must_exist=False)
    if not actors:
        where = f"territory {territory!r} ({name})" if territory else "the graph"
        raise QueryError(f"{where} has no organisation located in it: load a stakeholder list or a SIRENE "
                         "extract whose communes lie there, or choose another --territory")
    edges = graph.exchanges()
    parties = graph.parties()
    return Scope(
        territory, name, orgs, actors, all_flows=with_status(graph.flows(), edges), all_exchanges=edges,
        parties=[p for p in parties if p["org"] in actors], all_parties=parties,
        synergy_categories={r["id"]: r["category"] for r in graph.synergies()},
        invitations=[i for i in graph.invitations() if i["org"] in actors],
        in_bodies=graph.body_members() & actors,
    )
