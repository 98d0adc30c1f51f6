"""Colours, shapes, the legend and the filter menus of a map page. The legend is built from what the
page draws (each node's shape and colour, each edge's colour and dash), so that it always matches.

>>> from eitgraph.analytics.viewgraph import MapGraph, MapNode
>>> g = MapGraph("plans")
>>> g.add_node(MapNode("p", "PCAET", "plan", role="plan")); g.add_node(MapNode("a", "Compost", "action", role="action"))
>>> looks, entries = node_looks(g, "kind")
>>> sorted((shape, key) for key, colour, count, shape in entries)
[('square', 'kind:plan'), ('triangle', 'kind:action')]
"""

from __future__ import annotations

from collections import Counter

from ..analytics.viewgraph import MapGraph
from ..present.palette import ROLE_COLOURS, category_colour, kind_colour, sector_colours, synergy_status_colour
from ..present.text import category_label, kind_label, status_label, term, text
from . import style


def node_looks(g: MapGraph, color_by: str) -> tuple[dict[str, tuple[str, str]], list[tuple[str, str, int, str]]]:
    """(colour, shape) per node id, and the legend entries (key, colour, count, shape)."""
    looks: dict[str, tuple[str, str]] = {}
    counts: Counter = Counter()
    sectors = sector_colours(n.sector or "—" for n in g.nodes.values() if n.role == "organisation")
    for n in g.nodes.values():
        if n.role == "synergy":
            key, colour = f"status:{n.attrs.get('status')}", synergy_status_colour(n.attrs.get("status"))
        elif n.role == "aggregate" and n.kind == "category":
            code = next(iter(n.categories), "")
            key, colour = f"category:{code}", category_colour(code)
        elif n.role == "organisation" and color_by == "sector":
            key, colour = f"sector:{n.sector or '—'}", sectors[n.sector or "—"]
        else:
            key, colour = f"kind:{n.kind}", kind_colour(n.kind)
        shape = style.SHAPES.get(n.role, "dot")
        looks[n.id] = (colour, shape)
        counts[(key, colour, shape)] += 1
    entries = [(k, c, n, s) for (k, c, s), n in sorted(counts.items(), key=lambda x: (-x[1], x[0][0]))]
    return looks, entries


def edge_colour(view: str, category: str | None, role: str | None) -> str:
    """Plans: the role (lead, partner, funder, in the plan); other views: the material category."""
    if view == "plans" and role:
        return ROLE_COLOURS.get(role, "#666666")
    return category_colour(category)


def _label(key: str, lang: str) -> str:
    what, _, value = key.partition(":")
    if what == "status":
        return term("synergy_status", value, lang)
    if what == "category":
        return category_label(value, lang)
    if what == "sector":
        return value
    return kind_label(value, lang)


def legend(g: MapGraph, lang: str, entries, color_by: str, approximate: bool = False) -> tuple[list[dict], list[str]]:
    """Legend sections (title, items of label, colour, shape, count, dash) and notes, from what is drawn."""
    items = [{"label": _label(key, lang), "colour": colour, "count": count, "shape": shape}
             for key, colour, count, shape in entries]
    sections = []
    leads = [i for i in items if i["shape"] == "diamond"]
    plans = [i for i in items if i["shape"] in ("square", "triangle")]
    groups = [i for i in items if i["shape"] == "hexagon"]
    actors = [i for i in items if i["shape"] == "dot"]
    if leads:
        sections.append({"title": text(lang, "leads_legend"), "items": leads})
    if plans:
        sections.append({"title": text(lang, "plans_legend"), "items": plans})
    if actors:
        title = text(lang, "sector") if color_by == "sector" else text(lang, "nodes_legend")
        if approximate:
            actors.append({"label": text(lang, "approximate_legend"), "colour": "#ffffff", "shape": "dot",
                           "dash": "3 2"})
        sections.append({"title": title, "items": actors})
    if groups:
        sections.append({"title": text(lang, "groups_legend"), "items": groups})
    sections += _edge_sections(g, lang)
    notes = [text(lang, {"synergies": "size_legend_synergies", "plans": "size_legend_plans"}.get(g.view,
                                                                                             "size_legend"))]
    return sections, notes


def _edge_sections(g: MapGraph, lang: str) -> list[dict]:
    sections = []
    if g.view == "plans":
        roles = Counter(e.role for e in g.edges if e.role)
        sections.append({"title": text(lang, "roles_legend"), "items": [
            {"label": term("role", r, lang), "colour": ROLE_COLOURS[r], "count": roles[r], "shape": "line",
             "dash": " ".join(str(x) for x in style.ROLE_DASHES[r]) if style.ROLE_DASHES.get(r) else None}
            for r in ROLE_COLOURS if roles.get(r)]})
        return sections
    cats = Counter(e.category for e in g.edges if e.category)
    if cats:
        sections.append({"title": text(lang, "edges_legend"), "items": [
            {"label": category_label(c, lang), "colour": category_colour(c), "count": n, "shape": "line"}
            for c, n in sorted(cats.items(), key=lambda x: (-x[1], x[0]))]})
    statuses = Counter(e.status for e in g.edges if e.status)
    if statuses:
        sections.append({"title": text(lang, "lines_legend"), "items": [
            {"label": text(lang, s), "colour": "#333333", "shape": "line", "count": statuses[s],
             "dash": " ".join(str(x) for x in style.DASHES[s]) if style.DASHES[s] else None}
            for s in ("existing", "planned", "potential") if statuses.get(s)]})
    return sections


def _menu_options(values, labeller) -> list[tuple[str, str]]:
    return sorted(((str(v), labeller(v)) for v in values if v not in (None, "")), key=lambda x: x[1].lower())


def menus(g: MapGraph, lang: str, loop_names: dict[int, str]) -> list[dict]:
    found: dict[str, set] = {}
    for item in [n.filters for n in g.nodes.values()] + [e.filters for e in g.edges]:
        for key, value in item.items():
            values = value if isinstance(value, list) else [value]
            found.setdefault(key, set()).update(v for v in values if v not in (None, ""))
    labellers = {
        "kind": ("kind", lambda v: kind_label(v, lang)),
        "category": ("category", lambda v: category_label(v, lang)),
        "status": ("status", lambda v: term("synergy_status", v, lang) if g.view == "synergies"
                   else status_label(v, lang)),
        "theme": ("theme", str),
        "type": ("fact.type", lambda v: term("synergy_type", v, lang)),
        "loop": ("loop", lambda v: loop_names.get(v, str(v))),
    }
    out = []
    for key in ("loop", "kind", "category", "status", "theme", "type"):
        if key not in found or (key == "category" and g.category):
            continue
        label_key, labeller = labellers[key]
        options = _menu_options(found[key], labeller)
        if key == "loop":
            options = [(str(v), labeller(v)) for v in sorted(found[key])]
        out.append({"key": key, "label": text(lang, label_key),
                    "all": text(lang, "all_loops") if key == "loop" else text(lang, "all"), "options": options})
    return out
