"""How a map draws: line dashes by exchange status, projector sizes of labels, nodes and edges. Words,
numbers and colours shared with reports are in :mod:`eitgraph.present`."""

from __future__ import annotations

import math

DASHES = {"existing": False, "planned": [14, 8], "potential": [5, 7]}
# Node shapes by role: the legend draws the same ones (maps.legend).
SHAPES = {"organisation": "dot", "aggregate": "hexagon", "synergy": "diamond", "plan": "square", "action": "triangle"}
GROUP_SHAPE, GROUP_COLOUR = "hexagon", "#5b6f8a"  # groups of actors the page makes (click to open)
SHARED_ACTION_SIZE = 34
ROLE_SIZES = {"plan": 30, "action": 18}  # plans view: sizes by role (no tonnage to size them by)
# Plans view: links by role (lead, partner, funder, action of the plan).
ROLE_WIDTHS = {"lead": 5.0, "partner": 2.5, "funder": 2.5, "in_plan": 1.5}
ROLE_DASHES = {"lead": False, "partner": [10, 6], "funder": [3, 5], "in_plan": False}
LABEL_PRIORITY = {"plan": 4, "action_shared": 3, "synergy": 2, "aggregate": 2}
LABEL_AREA = 34_000  # screen pixels per label kept at the default zoom (labels of other nodes show on hover)
MIN_SCREEN_FONT = 14  # pixels: labels at least this big at the default zoom (the page enlarges them if needed)

# Projector sizes (pixels at 100 % zoom).
FONT_SIZE = 24
NODE_MIN, NODE_MAX = 14, 56
EDGE_MIN, EDGE_MAX = 1.5, 14.0


def node_size(volume: float, members: int = 1) -> float:
    """Area grows with the tonnes moved (log scale so one chemical plant does not hide the rest).

    >>> node_size(0), round(node_size(1000), 1), node_size(1e9)
    (14, 35.0, 56)
    """
    size = NODE_MIN + 7 * math.log10(1 + max(volume, 0)) + (3 * math.log2(members) if members > 1 else 0)
    return min(NODE_MAX, round(size, 1)) if size > NODE_MIN else NODE_MIN


def edge_width(value: float | None, unit: str | None) -> float:
    """Width by quantity, log scale per unit; unknown quantities get the thinnest line.

    >>> edge_width(None, None), edge_width(100, "t/an")
    (1.5, 5.5)
    """
    if value is None or value <= 0:
        return EDGE_MIN
    scale = 1.0 if unit == "unités/an" else 2.0  # counts (pallets) run larger than tonnes
    return round(min(EDGE_MAX, EDGE_MIN + scale * math.log10(1 + value)), 1)
