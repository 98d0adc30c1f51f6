"""HTML rendering: the map graph → pyvis nodes/edges/options → one self-contained page (our own template,
vis-network inlined from the installed pyvis, no CDN, no request to any network address).

Every text reaches the page either through Jinja's HTML autoescaping or inside the JSON data block,
which :func:`script_json` encodes so that no ``<``, ``>`` or ``&`` appears raw; the page script then
places texts with ``textContent`` only, and vis-network draws labels on a canvas.

>>> script_json({"label": "</script><script>alert(1)</script>"})
'{"label": "\\\\u003c/script\\\\u003e\\\\u003cscript\\\\u003ealert(1)\\\\u003c/script\\\\u003e"}'
>>> wrap("Maison de l'Emploi et de la Formation du Pays Thur Doller", 24)
"Maison de l'Emploi et de\\nla Formation du Pays…"
"""

from __future__ import annotations

import json
import textwrap
from collections import Counter
from dataclasses import dataclass, field
from datetime import date

import jinja2
from pyvis.network import Network

from ..analytics.viewgraph import MapEdge, MapGraph, MapNode
from ..present.text import category_label, long_date, number, term, text
from ..version import __version__
from . import style
from .assets import page_asset, vis_assets
from .facts import band_value, edge_facts, node_facts
from .geo import GeoContext, page_data
from .layout import force_positions, is_large, physics_options, positions
from .legend import edge_colour, legend, menus, node_looks

TITLES = {"ecosystem": "title.ecosystem", "material": "title.material", "loops": "title.loops",
          "synergies": "title.synergies", "plans": "title.plans"}
JS_TEXTS = ("colon", "counts", "search_found", "search_none", "group_members", "scale_km", "scale_m", "unplaced_row",
            "tiles_failed")
GROUPED_VIEWS = ("ecosystem", "material")
GEO_GROUP_ABOVE = 15
PAGE_TEXTS = ("territory", "all_territories", "search", "search_button", "legend", "loading", "empty", "sources",
              "no_sources", "reset", "fullscreen", "present", "filters", "group_by", "group.none", "group.commune",
              "group.sector", "group.category", "north", "map_only")


def script_json(value) -> str:
    """JSON safe inside an HTML <script> element: <, >, & and the JS line separators are \\u-escaped."""
    out = json.dumps(value, ensure_ascii=False, separators=(", ", ": "), default=str)
    for ch, esc in (("<", "\\u003c"), (">", "\\u003e"), ("&", "\\u0026"), ("\u2028", "\\u2028"),
                    ("\u2029", "\\u2029")):
        out = out.replace(ch, esc)
    return out


def wrap(label: str, width: int = 24, lines: int = 2) -> str:
    """A node label on at most ``lines`` lines (words are never cut; an ellipsis says text was dropped)."""
    parts = textwrap.wrap(label, width, break_long_words=False, break_on_hyphens=False) or [label]
    if len(parts) > lines:
        parts = parts[:lines]
        parts[-1] = parts[-1].rstrip(" ,;:–-") + "…"
    return "\n".join(parts)


@dataclass
class PageOptions:
    """How a page is drawn besides its graph."""

    lang: str = "fr"
    geo: bool = False
    color_by: str = "kind"
    sources: list[str] = field(default_factory=list)
    day: date | None = None
    context: GeoContext | None = None  # outlines around the territory (geographic maps)
    tiles: dict | None = None  # online tiles, only when asked for
    presentation: bool = False  # panels folded, for a projector
    group_above: int = 40  # the ecosystem view groups actors above this many nodes (0: never)


def build_page(g: MapGraph, options: PageOptions | None = None, **given) -> str:
    """The HTML page of a map graph (``options`` or its fields as keywords)."""
    o = options or PageOptions(**given)
    lang = o.lang
    names = {nid: n.label for nid, n in g.nodes.items()}
    loop_names = {num: text(lang, "loop_label", n=num, length=len(members),
                            names=" → ".join(names.get(m, "?") for m in [*members, members[0]]))
                  for num, members in g.loops}
    looks, entries = node_looks(g, o.color_by)
    net, projection = _network(g, o, looks, names, loop_names)
    nodes, edges, _, _, _, options_json = net.get_network_data()
    texts = {k: text(lang, k) for k in JS_TEXTS if k != "colon"}
    texts["colon"] = "\u00a0:" if lang == "fr" else ":"
    limit = min(o.group_above, GEO_GROUP_ABOVE) if o.geo else o.group_above  # many actors share one town
    grouping = limit and g.view in GROUPED_VIEWS and len(nodes) > limit and not g.aggregated
    data = {"view": g.view, "lang": lang, "nodes": nodes, "edges": edges, "options": json.loads(options_json),
            "texts": texts, "presentation": o.presentation, "minFont": style.MIN_SCREEN_FONT,
            "labelArea": style.LABEL_AREA,
            "grouping": "commune" if grouping else None,
            "geo": page_data(o.context or GeoContext(), projection, o.tiles) if o.geo else None}
    sections, legend_notes = legend(g, lang, entries, o.color_by,
                                    approximate=o.geo and any(n.placed == "commune" for n in g.nodes.values()))
    if grouping:
        sections.append({"title": text(lang, "groups_legend"), "items": [
            {"label": text(lang, "group_legend"), "colour": style.GROUP_COLOUR, "shape": style.GROUP_SHAPE}]})
    t = {k: text(lang, k) for k in PAGE_TEXTS}
    t["colon"] = texts["colon"]
    vis_js, vis_css = vis_assets()
    env = jinja2.Environment(autoescape=True, undefined=jinja2.StrictUndefined)
    template = env.from_string(page_asset("page.html"))
    return template.render(
        lang=lang, version=__version__, title=_title(g, lang),
        territory=f"{g.territory[1]} ({g.territory[0]})" if g.territory and g.territory[1] != g.territory[0]
        else (g.territory[0] if g.territory else None),
        generated=text(lang, "generated", date=long_date(o.day or date.today(), lang)),
        layout=text(lang, "layout.geo" if o.geo else "layout.force"),
        counts=text(lang, "counts", nodes=len(nodes), edges=len(edges)), presentation=o.presentation,
        menus=menus(g, lang, loop_names), notes=_notes(g, lang), empty=not nodes, legend=sections,
        legend_notes=legend_notes, t=t, sources=o.sources, data_json=script_json(data), vis_js=vis_js,
        vis_css=vis_css, page_js=page_asset("page.js").replace("</script", "<\\/script"),
        page_css=page_asset("page.css"), grouping=bool(grouping),
        img_src=f" {o.tiles['origin']}" if o.geo and o.tiles else "",
        attribution=o.tiles["attribution"] if o.geo and o.tiles else None)


def _title(g: MapGraph, lang: str) -> str:
    title = text(lang, TITLES.get(g.view, "title.ecosystem"),
                 category=category_label(g.category, lang) if g.category else "")
    if g.category and g.view != "material":
        title += f" — {category_label(g.category, lang)}"
    return title


def _notes(g: MapGraph, lang: str) -> list[str]:
    notes = []
    for key, fields in g.notes:
        shown = dict(fields)
        if "level" in shown:
            shown["level"] = text(lang, f"level.{shown['level']}")
        shown.update({k: number(v, lang) for k, v in shown.items() if isinstance(v, (int, float))})
        notes.append(text(lang, key, **shown))
    if g.anonymized:
        notes.append(text(lang, "anonymized"))
    return notes


def _filters(filters: dict) -> dict:
    return {k: ([str(x) for x in v] if isinstance(v, list) else (None if v is None else str(v)))
            for k, v in filters.items()}


def _network(g: MapGraph, o: PageOptions, looks: dict[str, tuple[str, str]], names: dict[str, str],
             loop_names: dict[int, str]) -> tuple[Network, object]:
    """The pyvis network of the page (nodes, edges, vis-network options) and the geographic projection."""
    big = is_large(len(g.nodes), len(g.edges))
    projection = None
    if o.geo:
        pos, projection = positions(g, o.context.frame if o.context else None)
    else:
        pos = force_positions(g) if big else {}
    page_id = {nid: f"n{i}" for i, nid in enumerate(g.nodes)}
    degree: Counter = Counter()
    for e in g.edges:
        degree[e.source] += 1
        degree[e.target] += 1
    net = Network(height="100%", width="100%", directed=True)
    for nid, n in g.nodes.items():
        label, shape, options = _node(n, o.lang, big, looks[nid], loop_names)
        if not g.anonymized:
            options["key"] = nid
        # Which labels the page keeps when it has room for only some: plans and shared actions, then hubs.
        options["rank"] = style.LABEL_PRIORITY.get(n.kind, style.LABEL_PRIORITY.get(n.role, 0)) * 10_000 \
            + degree[nid] * 100 + options["size"]
        if nid in pos:
            options.update(x=round(pos[nid][0], 1), y=round(pos[nid][1], 1))
            if o.geo:
                options.update(fixed=True, physics=False)
        if o.geo and n.placed == "commune":
            options["shapeProperties"] = {"borderDashes": [4, 3]}
        if o.geo and n.lat is None and n.role in ("organisation", "aggregate"):
            options["f"]["unplaced"] = "1"
        net.add_node(page_id[nid], label=label, shape=shape, **options)
    parallel: Counter = Counter()
    for i, e in enumerate(g.edges):
        k = parallel[(e.source, e.target)]
        parallel[(e.source, e.target)] += 1
        net.add_edge(page_id[e.source], page_id[e.target], **_edge(e, i, k, o.lang, names, big, g.view))
    opts = physics_options(len(g.nodes), len(g.edges), o.geo)
    opts["interaction"] = {"hover": True, "tooltipDelay": 150, "navigationButtons": False, "keyboard": False,
                           "hideEdgesOnDrag": big, "multiselect": True}
    opts["edges"] = {"selectionWidth": 2, "hoverWidth": 1}
    net.options = opts
    return net, projection


def _node(n: MapNode, lang: str, big: bool, look: tuple[str, str], loop_names: dict[int, str]
          ) -> tuple[str, str, dict]:
    """(label, shape, vis-network options) of a node."""
    colour, shape = look
    volume = band_value(n.band) if n.band else n.volume
    size = style.ROLE_SIZES.get(n.role) or style.node_size(volume, n.members)
    if n.kind == "action_shared":  # the point of the plans view: shared actions stand out
        size = max(size, style.SHARED_ACTION_SIZE) + 4 * (n.attrs.get("plans", 2) - 2)
    options = {
        "name": n.label, "facts": node_facts(n, lang, loop_names), "f": _filters(n.filters), "size": size,
        "font": {"size": style.FONT_SIZE if not big else 16, "strokeWidth": 5, "strokeColor": "#ffffff",
                 "face": "DejaVu Sans, Arial, sans-serif", "color": "#111111"},
        "borderWidth": 4 if n.kind == "action_shared" else 2,
        "color": {"background": colour, "border": "#111111" if n.kind == "action_shared" else "#333333",
                  "highlight": {"background": colour, "border": "#000000"}},
    }
    if n.role == "organisation":
        options["grp"] = {"commune": n.commune[1] if n.commune else "?", "sector": n.sector or "?",
                          "category": category_label(sorted(n.categories)[0], lang) if n.categories else "?"}
    label = wrap(n.label, 18, 3) if n.role == "synergy" else wrap(n.label)
    if n.role == "synergy":
        title = n.attrs.get("title") or ""
        label = wrap(f"{n.label} · {title}", 20, 2)
        options["name"] = f"{n.label} · {title}"
    if n.kind == "action_shared":
        label = wrap(n.label) + "\n" + text(lang, "in_plans", n=n.attrs.get("plans", 2))
        options["font"]["bold"] = True
    return label, shape, options


def _edge(e: MapEdge, i: int, k: int, lang: str, names: dict[str, str], big: bool, view: str) -> dict:
    """vis-network options of the ``k``-th edge between the same two nodes."""
    width = style.edge_width(band_value(e.band) if e.band else e.quantity, e.unit) if not e.role else 2.5
    dashes = style.DASHES.get(e.status, False)
    if view == "plans" and e.role:
        width, dashes = style.ROLE_WIDTHS.get(e.role, 2.5), style.ROLE_DASHES.get(e.role, False)
    options = {
        "id": f"e{i}", "name": e.label if not e.role else term("role", e.role, lang),
        "facts": edge_facts(e, names, lang), "width": width,
        "color": {"color": edge_colour(view, e.category, e.role), "highlight": "#000000", "opacity": 0.85},
        "dashes": dashes, "f": _filters(e.filters),
        "arrows": {"to": {"enabled": False}} if e.role else {"to": {"enabled": True, "scaleFactor": 0.7}},
        "smooth": False if big else {"enabled": True, "type": "curvedCW", "roundness": round(0.12 + 0.16 * k, 2)},
    }
    if view == "loops" and e.label:
        options["label"] = wrap(e.label, 28, 2)
        options["font"] = {"size": 15, "strokeWidth": 4, "strokeColor": "#ffffff", "align": "middle"}
    return options
