"""The neutral graph every view produces (:mod:`.views`) and every stage of a map (anonymise, aggregate,
layout, render) transforms: plain data, no styling, no language.

>>> g = MapGraph(view="ecosystem")
>>> g.add_node(MapNode("a", "Acme", kind="company"))
>>> g.add_edge(MapEdge("a", "a", category="wood", quantity=2.0, unit="t/an"))
>>> len(g.nodes), len(g.edges)
(1, 1)
"""

from __future__ import annotations

from dataclasses import dataclass, field


@dataclass
class MapNode:
    """One node: an organisation, a synergy lead, or an aggregate of those.

    ``kind`` is the colour/legend group (an organisation kind code, ``synergy``, ``commune``, ``epci``,
    ``category``); ``attrs`` holds the facts shown in the tooltip, by key (see ``style.FACTS``).
    """
    id: str
    label: str
    kind: str
    role: str = "organisation"  # organisation | synergy | aggregate | plan | action
    sector: str | None = None  # filière or NAF section label, for colouring by sector and anonymising
    categories: set[str] = field(default_factory=set)  # material categories it exchanges (filter menu)
    lat: float | None = None
    lon: float | None = None
    commune: tuple[str, str] | None = None  # (code, name)
    epci: tuple[str, str] | None = None
    attrs: dict = field(default_factory=dict)
    filters: dict = field(default_factory=dict)  # extra filter values: status, theme, loops…
    volume: float = 0.0  # tonnes per year moved through the node (size)
    members: int = 1  # organisations an aggregate stands for
    band: tuple[float, float] | None = None  # anonymised volume: [low, high) instead of the tonnes
    # Where lat/lon come from: "site" (its coordinates), "commune" (its commune's centroid: approximate) or None.
    placed: str | None = None


@dataclass
class MapEdge:
    """One edge: an exchange of one material (SUPPLIES), a party-to link, or an aggregate of exchanges."""
    source: str
    target: str
    category: str | None = None
    quantity: float | None = None
    unit: str | None = None
    status: str | None = None  # existing | planned | potential (dashed unless existing)
    label: str | None = None  # material as exchanged, or a role
    role: str | None = None  # PARTY_TO role
    filters: dict = field(default_factory=dict)
    count: int = 1  # exchanges an aggregate edge stands for
    band: tuple[float, float] | None = None  # anonymised quantity: [low, high) instead of the quantity


@dataclass
class MapGraph:
    """What a view extracted, plus what later stages tell the reader (notes shown on the page)."""
    view: str
    nodes: dict[str, MapNode] = field(default_factory=dict)
    edges: list[MapEdge] = field(default_factory=list)
    territory: tuple[str, str] | None = None  # (code, name)
    category: str | None = None
    menus: dict[str, list[tuple[str, str]]] = field(default_factory=dict)  # extra menus: name → (value, label)
    loops: list[tuple[int, list[str]]] = field(default_factory=list)  # loops view: (number, member ids)
    notes: list[str] = field(default_factory=list)  # sentences for the page (aggregation…)
    aggregated: str | None = None  # commune | epci | category when the budget forced aggregation
    total_organisations: int = 0
    anonymized: bool = False

    def add_node(self, node: MapNode) -> None:
        self.nodes.setdefault(node.id, node)

    def add_edge(self, edge: MapEdge) -> None:
        self.edges.append(edge)

    def prune_isolated(self) -> None:
        """Drop nodes no edge touches."""
        used = {e.source for e in self.edges} | {e.target for e in self.edges}
        self.nodes = {k: n for k, n in self.nodes.items() if k in used}
