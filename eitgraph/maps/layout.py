"""Node positions: a geographic projection of the sites' coordinates (fixed positions), or vis-network's
force layout with settings that settle quickly.

>>> pos = geographic({"a": (47.80, 7.10), "b": (47.90, 7.30), "c": (47.80, 7.10)}, {})
>>> sorted(pos) == ["a", "b", "c"], pos["a"] != pos["c"]       # identical sites are spread apart
(True, True)
>>> pos["b"][1] < pos["a"][1]                                   # north is up
True
"""

from __future__ import annotations

import math
from collections import defaultdict
from dataclasses import dataclass

from ..analytics.viewgraph import MapGraph

SPAN = 2400.0  # pixels the longer side of the territory spans
GOLDEN = math.pi * (3 - math.sqrt(5))
Point = tuple[float, float]


def project(lat: float, lon: float, lat0: float, lon0: float, scale: float) -> tuple[float, float]:
    """Equirectangular projection around (lat0, lon0): fine at the scale of a territory."""
    return ((lon - lon0) * math.cos(math.radians(lat0)) * scale, -(lat - lat0) * scale)



@dataclass(frozen=True)
class Projection:
    """Equirectangular projection around (lat0, lon0), ``scale`` pixels per degree of latitude, north up."""

    lat0: float
    lon0: float
    scale: float

    def xy(self, lat: float, lon: float) -> Point:
        return project(lat, lon, self.lat0, self.lon0, self.scale)

    @property
    def metres_per_pixel(self) -> float:
        return 111_195.0 / self.scale


def fit(placed: dict[str, Point], frame: tuple[float, float, float, float] | None = None
        ) -> tuple[Projection, float, float]:
    """The projection of the map and the half width and height of its frame, in pixels. The frame is
    ``frame`` (west, south, east, north: the territory's outlines) when given, else the bulk of the sites
    (within three median distances of the median site)."""
    if frame is not None:
        lon_min, lat_min, lon_max, lat_max = frame
        cos0 = math.cos(math.radians((lat_min + lat_max) / 2))
    else:
        lat0 = sorted(v[0] for v in placed.values())[len(placed) // 2]
        lon0 = sorted(v[1] for v in placed.values())[len(placed) // 2]
        cos0 = math.cos(math.radians(lat0))
        dist = sorted(math.hypot((v[0] - lat0), (v[1] - lon0) * cos0) for v in placed.values())
        radius = max(3 * dist[len(dist) // 2], 0.05)  # degrees; 0.05° ≈ 5.5 km
        core = [v for v in placed.values() if math.hypot(v[0] - lat0, (v[1] - lon0) * cos0) <= radius]
        lat_min, lat_max = min(v[0] for v in core), max(v[0] for v in core)
        lon_min, lon_max = min(v[1] for v in core), max(v[1] for v in core)
    half_w = max((lon_max - lon_min) * cos0 / 2, 0.01) * (1.04 if frame else 1.15)
    half_h = max((lat_max - lat_min) / 2, 0.01) * (1.04 if frame else 1.15)
    scale = SPAN / (2 * max(half_w, half_h))
    return Projection((lat_min + lat_max) / 2, (lon_min + lon_max) / 2, scale), half_w * scale, half_h * scale


def geographic(coords: dict[str, Point], neighbours: dict[str, list[str]],
               frame: tuple[float, float, float, float] | None = None) -> dict[str, Point]:
    """Pixel positions for nodes with (lat, lon); see :func:`place`."""
    return place(coords, neighbours, frame)[0]


def place(coords: dict[str, Point], neighbours: dict[str, list[str]],
          frame: tuple[float, float, float, float] | None = None) -> tuple[dict[str, Point], Projection | None]:
    """Pixel positions for nodes with (lat, lon), and the projection used; nodes without coordinates go
    to the barycentre of their placed neighbours (plus an offset), else on a row under the map.

    Far-away partners are pinned to the edge of the frame (see :func:`fit`) in their direction, so one
    partner in Strasbourg does not shrink the territory to a dot. Nodes at the same site are spread on a
    small sunflower so they stay readable."""
    pos: dict[str, tuple[float, float]] = {}
    placed = {k: v for k, v in coords.items() if v[0] is not None and v[1] is not None}
    projection = None
    if placed or frame:
        projection, limit_x, limit_y = fit(placed, frame)
        for k, (lat, lon) in placed.items():
            x, y = projection.xy(lat, lon)
            over = max(abs(x) / limit_x, abs(y) / limit_y)
            if over > 1:  # outside the frame: on its border, in the right direction
                x, y = x / over * 1.08, y / over * 1.08
            pos[k] = (x, y)
    _spread(pos)
    bottom = max((p[1] for p in pos.values()), default=0.0) + 200
    left = min((p[0] for p in pos.values()), default=0.0)
    unplaced = [k for k in coords if k not in pos]
    row = 0
    for k in unplaced:
        near = [pos[n] for n in neighbours.get(k, []) if n in pos]
        if near:
            x = sum(p[0] for p in near) / len(near)
            y = sum(p[1] for p in near) / len(near)
            pos[k] = (x + 60, y - 60)
        else:
            pos[k] = (left + 160 * (row % 15), bottom + 140 * (row // 15))
            row += 1
    _spread(pos)
    return pos, projection


def _spread(pos: dict[str, tuple[float, float]], min_gap: float = 110.0) -> None:
    """Nodes closer than ``min_gap`` to a cluster anchor are laid out on a sunflower around it."""
    cells: dict[tuple[int, int], list[str]] = defaultdict(list)
    for k in sorted(pos):
        x, y = pos[k]
        cells[(round(x / min_gap), round(y / min_gap))].append(k)
    for members in cells.values():
        if len(members) < 2:
            continue
        cx = sum(pos[k][0] for k in members) / len(members)
        cy = sum(pos[k][1] for k in members) / len(members)
        for i, k in enumerate(members):
            r = min_gap * 0.9 * math.sqrt(i + 0.5)
            pos[k] = (cx + r * math.cos(i * GOLDEN), cy + r * math.sin(i * GOLDEN))


def positions(g: MapGraph, frame: tuple[float, float, float, float] | None = None
              ) -> tuple[dict[str, Point], Projection | None]:
    neighbours: dict[str, list[str]] = defaultdict(list)
    for e in g.edges:
        neighbours[e.source].append(e.target)
        neighbours[e.target].append(e.source)
    return place({k: (n.lat, n.lon) for k, n in g.nodes.items()}, neighbours, frame)


def is_large(n_nodes: int, n_edges: int) -> bool:
    """Large graphs get their force layout computed here, not in the browser (see :func:`force_positions`)."""
    return n_nodes > 300 or n_edges > 1500


def force_positions(g: MapGraph, iterations: int = 80, seed: int = 7) -> dict[str, Point]:
    """Fruchterman-Reingold force layout with numpy (dense repulsion, float32, bounded iterations).

    In the browser, vis-network's Barnes-Hut costs about 0.1 s per iteration on 2,000 nodes and 10,000
    edges on a modest machine: too slow to settle in 10 s. Here 80 iterations take a few seconds at most,
    and the page then opens with physics off, ready at once.

    >>> from eitgraph.analytics.viewgraph import MapEdge, MapNode
    >>> g = MapGraph("ecosystem")
    >>> for k in "abc":
    ...     g.add_node(MapNode(k, k, "company"))
    >>> g.add_edge(MapEdge("a", "b"))
    >>> pos = force_positions(g)
    >>> sorted(pos) == ["a", "b", "c"] and len({pos[k] for k in pos}) == 3
    True
    """
    import numpy as np

    ids = list(g.nodes)
    n = len(ids)
    if n == 0:
        return {}
    index = {k: i for i, k in enumerate(ids)}
    pairs = np.array([(index[e.source], index[e.target]) for e in g.edges if e.source != e.target]
                     or np.zeros((0, 2)), dtype=np.int64).reshape(-1, 2)
    rng = np.random.default_rng(seed)
    pos = rng.random((n, 2), dtype=np.float32) - 0.5
    k = np.float32(1.0 / math.sqrt(n))
    temperature = 0.1
    cool = temperature / (iterations + 1)
    for _ in range(iterations):
        dx = np.subtract.outer(pos[:, 0], pos[:, 0])
        dy = np.subtract.outer(pos[:, 1], pos[:, 1])
        w = dx * dx
        w += dy * dy
        np.maximum(w, 1e-6, out=w)
        np.divide(k * k, w, out=w)  # repulsion k²/d along the unit vector: (dx, dy) · k²/d²
        force = np.stack([(dx * w).sum(axis=1), (dy * w).sum(axis=1)], axis=1)
        if len(pairs):
            d = pos[pairs[:, 0]] - pos[pairs[:, 1]]
            length = np.sqrt((d * d).sum(axis=1))[:, None]
            pull = d * length / k  # attraction d²/k along the unit vector
            np.add.at(force, pairs[:, 0], -pull)
            np.add.at(force, pairs[:, 1], pull)
        force -= pos * (0.5 * n * k)  # gentle gravity keeps components and isolated nodes near
        norm = np.sqrt((force * force).sum(axis=1))[:, None]
        np.maximum(norm, 1e-9, out=norm)
        pos += force / norm * np.minimum(norm, temperature)
        temperature -= cool
    pos -= pos.mean(axis=0)
    span = float(np.abs(pos).max()) or 1.0
    pos *= (35.0 * math.sqrt(n)) / span  # about 35 px per node along each side of the square
    return {k2: (float(pos[i, 0]), float(pos[i, 1])) for k2, i in index.items()}


def physics_options(n_nodes: int, n_edges: int, geo: bool) -> dict:
    """vis-network options: no physics for the geographic layout nor for large graphs (positions computed
    beforehand); otherwise Barnes-Hut with a fixed seed, strong damping and a bounded number of
    stabilisation iterations, after which the page switches physics off so the picture stays still on
    the projector."""
    if geo or is_large(n_nodes, n_edges):
        return {"physics": {"enabled": False}, "layout": {"improvedLayout": False}}
    # Room for labels: the page enlarges them to stay legible at the default zoom, so nodes keep apart.
    return {
        "layout": {"randomSeed": 7, "improvedLayout": n_nodes <= 150},
        "physics": {
            "enabled": True,
            "solver": "barnesHut",
            "barnesHut": {"gravitationalConstant": -26000, "centralGravity": 0.35, "springLength": 260,
                          "springConstant": 0.025, "damping": 0.55, "avoidOverlap": 1.0},
            "maxVelocity": 60, "minVelocity": 1.0, "timestep": 0.5,
            "stabilization": {"enabled": True, "iterations": 400, "updateInterval": 25,
                              "fit": False},  # the page fits the drawing itself, then sizes the labels
        },
    }
