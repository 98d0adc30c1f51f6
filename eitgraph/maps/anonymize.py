"""Anonymisation for maps shown outside the committee: names → sector label + stable alias, SIRET and
NAF codes removed, exact quantities → bands.

Aliases are computed over *all* organisations of the store (not only those a view shows), so one
company keeps the same alias on every view and territory of the same data. Public bodies, State
services and chambers keep their names (they are public institutions); every other organisation —
companies, waste operators, associations, consultancies… — gets an alias.

>>> band(0.4), band(12.0), band(2500.0)
((0.0, 1.0), (10.0, 100.0), (1000.0, 10000.0))
>>> letters(0), letters(25), letters(26)
('A', 'Z', 'AA')
"""

from __future__ import annotations

import math
import re
from collections import defaultdict

from ..analytics.viewgraph import MapGraph
from ..graphread import Organisation
from .style import kind_label, text

PUBLIC_KINDS = {"public_body", "state_service", "consular"}


def band(value: float | None) -> tuple[float, float] | None:
    """The decade a quantity falls in: [0, 1), [1, 10), [10, 100)…"""
    if value is None:
        return None
    if value < 1:
        return (0.0, 1.0)
    low = 10.0 ** math.floor(math.log10(value))
    return (low, low * 10)


def letters(i: int) -> str:
    out = ""
    i += 1
    while i:
        i, r = divmod(i - 1, 26)
        out = chr(65 + r) + out
    return out


def alias_table(organisations: list[Organisation], lang: str) -> dict[str, str]:
    """id → alias for every organisation that must not be named (pass every organisation of the store)."""
    groups: dict[tuple[str, str], list[str]] = defaultdict(list)
    for r in sorted(organisations, key=lambda o: o["id"]):
        kind = r["kind"] or "other"
        if kind in PUBLIC_KINDS:
            continue
        sector = r["filiere"] or r["naf_label"] or ""
        groups[(kind, sector)].append(r["id"])
    out = {}
    for (kind, sector), ids in groups.items():
        for i, oid in enumerate(sorted(ids)):
            if kind == "company" and sector:
                out[oid] = text(lang, "company_alias", sector=sector.lower() if lang == "fr" else sector,
                                letter=letters(i))
            else:
                label = kind_label(kind, lang) + (f" {sector.lower()}" if sector else "")
                out[oid] = text(lang, "org_alias", kind=label, letter=letters(i))
    return out


def anonymize(g: MapGraph, aliases: dict[str, str], names: dict[str, str]) -> MapGraph:
    """Rewrite ``g`` in place. ``names`` maps every organisation id to its real name, so that names quoted
    in free text (synergy titles) are replaced too; descriptions are dropped."""
    g.anonymized = True
    for node in g.nodes.values():
        if node.id in aliases:
            node.label = aliases[node.id]
            node.attrs.pop("naf", None)
        node.attrs.pop("siret", None)
        if "tonnes" in node.attrs:
            node.band = band(node.attrs.pop("tonnes") or None)
        node.attrs.pop("description", None)
        if node.attrs.get("title"):
            node.attrs["title"] = scrub(node.attrs["title"], aliases, names)
    for edge in g.edges:
        if edge.quantity is not None:
            edge.band = band(edge.quantity)
            edge.quantity = None
        if edge.label:
            edge.label = scrub(edge.label, aliases, names)
    return g


def scrub(value: str, aliases: dict[str, str], names: dict[str, str]) -> str:
    """Replace the real names of aliased organisations quoted in a text.

    >>> scrub("Palettes de Acme SA vers X", {"acme": "Entreprise bois A"}, {"acme": "Acme SA"})
    'Palettes de Entreprise bois A vers X'
    """
    for oid, alias in aliases.items():
        name = names.get(oid)
        if name and len(name) > 3:
            value = re.sub(re.escape(name), alias, value, flags=re.IGNORECASE)
    return value
