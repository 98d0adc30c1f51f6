"""The facts a map shows in the tooltip of a node or an edge, in the page's language."""

from __future__ import annotations

import math

from ..analytics.viewgraph import MapEdge, MapNode
from ..present.text import band as band_text
from ..present.text import category_label, kind_label, quantity, status_label, term, text


def band_value(band: tuple[float, float] | None) -> float:
    return 0.5 if band[0] == 0 else math.sqrt(band[0] * band[1])


def node_facts(n: MapNode, lang: str, loop_names: dict[int, str]) -> list[list[str]]:
    f = []

    def add(key, value):
        if value not in (None, "", [], 0):
            f.append([text(lang, f"fact.{key}"), str(value)])

    a = n.attrs
    if n.role == "synergy":
        add("theme", a.get("theme"))
        add("type", term("synergy_type", a.get("type"), lang))
        add("status", term("synergy_status", a.get("status"), lang))
        add("category", category_label(a.get("category"), lang) if a.get("category") else None)
        add("parties", a.get("parties"))
        desc = a.get("description")
        add("description", desc if not desc or len(desc) < 320 else desc[:317] + "…")
        return f
    if n.role == "plan":
        add("plan_type", a.get("type"))
        return f
    if n.role == "action":
        add("kind", kind_label(n.kind, lang))
        add("status", term("action_status", a.get("status"), lang) if a.get("status") else None)
        add("budget", quantity(a["budget"], "€ HT", lang) if a.get("budget") else None)
        add("plans", a.get("plans"))
        add("category", ", ".join(category_label(c, lang) for c in sorted(n.categories)) or None)
        return f
    if n.role == "aggregate":
        add("members", n.members)
        kinds = a.get("kinds") or {}
        add("kind", ", ".join(f"{kind_label(k, lang)} ({v})" for k, v in sorted(kinds.items())))
    else:
        add("kind", kind_label(n.kind, lang))
        add("sector", n.sector)
        add("naf", a.get("naf"))
        add("siret", a.get("siret"))
        add("commune", n.commune[1] if n.commune else None)
        add("epci", n.epci[1] if n.epci else None)
        if n.placed == "commune":
            add("position", text(lang, "approximate_position"))
    add("out", a.get("out"))
    add("in", a.get("in"))
    if n.band:
        add("tonnes", band_text(n.band, "t/an", lang))
    elif a.get("tonnes"):
        add("tonnes", quantity(a["tonnes"], "t/an", lang))
    if a.get("loops"):
        add("loops", ", ".join(str(x) for x in a["loops"]))
    return f


def edge_facts(e: MapEdge, names: dict[str, str], lang: str) -> list[list[str]]:
    f = [[text(lang, "fact.from"), names.get(e.source, "?")], [text(lang, "fact.to"), names.get(e.target, "?")]]
    if e.role:
        f.append([text(lang, "fact.role"), term("role", e.role, lang)])
    elif e.label and e.count == 1:
        f.append([text(lang, "fact.material"), e.label])
    cats = e.filters.get("category")
    if isinstance(cats, list) and len(cats) > 1:
        f.append([text(lang, "fact.category"), ", ".join(category_label(c, lang) for c in cats)])
    elif e.category:
        f.append([text(lang, "fact.category"), category_label(e.category, lang)])
    if e.band:
        f.append([text(lang, "fact.quantity"), band_text(e.band, e.unit, lang)])
    elif e.quantity is not None:
        f.append([text(lang, "fact.quantity"), quantity(e.quantity, e.unit, lang)])
    if e.status:
        f.append([text(lang, "fact.status"), status_label(e.status, lang)])
    if e.count > 1:
        f.append([text(lang, "fact.exchanges"), str(e.count)])
    return f


