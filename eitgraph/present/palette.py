"""The colours of maps and reports: organisation kinds, material categories, sectors, synergy statuses
and current treatments. Distinct, colour-blind-friendly hues (Okabe-Ito first).

>>> category_colour("wood"), kind_colour("martian") == KIND_COLOURS["other"]
('#8c564b', True)
"""

from __future__ import annotations

KIND_COLOURS = {
    "company": "#0072b2", "public_body": "#009e73", "ess": "#cc79a7", "consular": "#56b4e9",
    "state_service": "#7f7f7f", "consultancy": "#e69f00", "waste_operator": "#d55e00", "funder": "#8c6d31",
    "network": "#6a3d9a", "education": "#b8860b", "synergy": "#f28c28", "commune": "#3b6ea8",
    "epci": "#2d4f7c", "category": "#555555", "other": "#999999",
    "plan": "#1b2a49", "action": "#66a61e", "action_shared": "#e7298a",
}
CATEGORY_COLOURS = {
    "textile": "#e377c2", "wood": "#8c564b", "paper-cardboard": "#c7a26b", "plastics": "#d62728",
    "metals-weee": "#5a6e8c", "organic": "#2ca02c", "food": "#bcbd22", "effluents": "#17becf",
    "gases": "#9467bd", "heat": "#ff4500", "water": "#1f77b4", "energy": "#ffb000",
    "functional-objects": "#ff7f0e", "chemicals": "#7b2d8e", "minerals": "#7f7f7f", "mixed": "#4d4d4d",
}
SECTOR_PALETTE = ["#0072b2", "#d55e00", "#009e73", "#cc79a7", "#e69f00", "#56b4e9", "#8c564b", "#6a3d9a",
                  "#b8860b", "#d62728", "#17becf", "#7f7f7f", "#2ca02c", "#bcbd22", "#1f3a93", "#ff7f0e"]
ROLE_COLOURS = {"lead": "#1b2a49", "partner": "#0072b2", "funder": "#b8860b", "in_plan": "#9aa5b1"}
SYNERGY_STATUS_COLOURS = {"idea": "#f2c14e", "study": "#f28c28", "implemented": "#2e9e44", "abandoned": "#9a9a9a"}
# Current treatments of outputs: recovery in greens, elimination in greys and reds, in the order bars stack.
TREATMENT_COLOURS = {
    "reuse": "#1b7837", "recycling": "#5aae61", "composting": "#a6dba0", "anaerobic_digestion": "#7fbf7b",
    "land_spreading": "#4dac26",
    "energy_recovery": "#f1a340", "physico_chemical": "#998ec3", "storage": "#c2a5cf", "other": "#bababa",
    "unknown": "#e0e0e0", "discharge": "#67a9cf", "incineration": "#d6604d", "landfill": "#4d4d4d",
}


def category_colour(code: str | None) -> str:
    return CATEGORY_COLOURS.get(code or "", "#666666")


def kind_colour(kind: str) -> str:
    return KIND_COLOURS.get(kind, KIND_COLOURS["other"])


def synergy_status_colour(status: str | None) -> str:
    return SYNERGY_STATUS_COLOURS.get(status or "", "#999999")


def sector_colours(sectors) -> dict[str, str]:
    """A stable colour per sector name (sorted order), cycling the palette."""
    return {s: SECTOR_PALETTE[i % len(SECTOR_PALETTE)] for i, s in enumerate(sorted(set(sectors)))}


# Pale fills of the communes of a territory on geographic maps, one per EPCI (stable: from its SIREN).
EPCI_TINTS = ["#dbe8f5", "#e3f1dc", "#f7e6d2", "#ece0f3", "#f5f0cf", "#d9efee", "#f4dde4", "#e9e2cf"]


def epci_tint(siren: str | None) -> str:
    """A pale fill for the communes of one EPCI.

    >>> epci_tint("200036465") == epci_tint("200036465"), epci_tint(None)
    (True, '#eef1f5')
    """
    if not siren:
        return "#eef1f5"
    return EPCI_TINTS[sum(ord(c) * (i + 1) for i, c in enumerate(siren)) % len(EPCI_TINTS)]
