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
import math
import textwrap
from collections import Counter
from datetime import date

import jinja2
from pyvis.network import Network

from ..analytics.viewgraph import MapEdge, MapGraph, MapNode
from ..present.palette import category_colour, kind_colour, sector_colours, synergy_status_colour
from ..present.text import band as band_text
from ..present.text import category_label, kind_label, long_date, number, quantity, status_label, term, text
from ..version import __version__
from . import style
from .assets import page_asset, vis_assets
from .layout import force_positions, is_large, physics_options, positions

TITLES = {"ecosystem": "title.ecosystem", "material": "title.material", "loops": "title.loops",
          "synergies": "title.synergies", "plans": "title.plans"}
JS_TEXTS = ("colon", "counts", "search_found", "search_none")


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


def _band_value(band: tuple[float, float] | None) -> float:
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
        add("status", a.get("status"))
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


def _colours(g: MapGraph, color_by: str) -> tuple[dict[str, str], list[tuple[str, str, int]]]:
    """Colour per node id, and the legend entries (key, colour, count)."""
    colours: dict[str, str] = {}
    counts: Counter = Counter()
    sectors = sector_colours(n.sector or "—" for n in g.nodes.values() if n.role == "organisation")
    for n in g.nodes.values():
        if n.role == "synergy":
            key = f"status:{n.attrs.get('status')}"
            colour = synergy_status_colour(n.attrs.get("status"))
        elif n.role == "aggregate" and n.kind == "category":
            code = next(iter(n.categories), "")
            key, colour = f"category:{code}", category_colour(code)
        elif n.role == "organisation" and color_by == "sector":
            key, colour = f"sector:{n.sector or '—'}", sectors[n.sector or "—"]
        else:
            key, colour = f"kind:{n.kind}", kind_colour(n.kind)
        colours[n.id] = colour
        counts[(key, colour)] += 1
    return colours, [(k, c, n) for (k, c), n in sorted(counts.items(), key=lambda x: (-x[1], x[0][0]))]


def _legend_label(key: str, lang: str) -> str:
    what, _, value = key.partition(":")
    if what == "status":
        return term("synergy_status", value, lang)
    if what == "category":
        return category_label(value, lang)
    if what == "sector":
        return value
    return kind_label(value, lang)


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


def legend(g: MapGraph, lang: str, entries, color_by: str) -> tuple[list[dict], list[str]]:
    sections = []
    items = []
    for key, colour, count in entries:
        shape = "diamond" if key.startswith("status:") else "dot"
        items.append({"label": _legend_label(key, lang), "colour": colour, "count": count, "shape": shape})
    title = text(lang, "sector") if color_by == "sector" else text(lang, "nodes_legend")
    leads = [i for i in items if i["shape"] == "diamond"]
    actors = [i for i in items if i["shape"] != "diamond"]
    if leads:
        sections.append({"title": text(lang, "leads_legend"), "items": leads})
    if actors:
        sections.append({"title": title, "items": actors})
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
    notes = [text(lang, "size_legend_synergies" if g.view == "synergies" else "size_legend")]
    return sections, notes


def build_page(g: MapGraph, *, lang: str = "fr", geo: bool = False, color_by: str = "kind",
               sources: list[str] | None = None, day: date | None = None) -> str:
    names = {nid: n.label for nid, n in g.nodes.items()}
    loop_names = {num: text(lang, "loop_label", n=num, length=len(members),
                            names=" → ".join(names.get(m, "?") for m in [*members, members[0]]))
                  for num, members in g.loops}
    colours, entries = _colours(g, color_by)
    net = _network(g, lang, geo, colours, names, loop_names)
    nodes, edges, _, _, _, options_json = net.get_network_data()
    texts = {k: text(lang, k) for k in JS_TEXTS if k != "colon"}
    texts["colon"] = "\u00a0:" if lang == "fr" else ":"
    data = {"view": g.view, "lang": lang, "nodes": nodes, "edges": edges, "options": json.loads(options_json),
            "texts": texts}
    sections, legend_notes = legend(g, lang, entries, color_by)
    t = {k: text(lang, k) for k in ("territory", "all_territories", "search", "search_button", "legend", "loading",
                                    "empty", "sources", "no_sources", "reset")}
    t["colon"] = texts["colon"]
    vis_js, vis_css = vis_assets()
    env = jinja2.Environment(autoescape=True, undefined=jinja2.StrictUndefined)
    template = env.from_string(page_asset("page.html"))
    return template.render(
        lang=lang, version=__version__, title=_title(g, lang),
        territory=f"{g.territory[1]} ({g.territory[0]})" if g.territory and g.territory[1] != g.territory[0]
        else (g.territory[0] if g.territory else None),
        generated=text(lang, "generated", date=long_date(day or date.today(), lang)),
        layout=text(lang, "layout.geo" if geo else "layout.force"),
        counts=text(lang, "counts", nodes=len(nodes), edges=len(edges)),
        menus=menus(g, lang, loop_names), notes=_notes(g, lang), empty=not nodes, legend=sections,
        legend_notes=legend_notes, t=t, sources=sources or [], data_json=script_json(data), vis_js=vis_js,
        vis_css=vis_css, page_js=page_asset("page.js").replace("</script", "<\\/script"),
        page_css=page_asset("page.css"))


def _title(g: MapGraph, lang: str) -> str:
    title = text(lang, TITLES.get(g.view, "title.ecosystem"),
                 category=category_label(g.category, lang) if g.category else "")
    if g.category and g.view != "material":
        title += f" — {category_label(g.category, lang)}"
    return title


def _notes(g: MapGraph, lang: str) -> list[str]:
    notes = [text(lang, key, **{**fields, "level": text(lang, f"level.{fields['level']}"),
                                "budget": number(fields["budget"], lang), "n": number(fields["n"], lang)})
             for key, fields in g.notes]
    if g.anonymized:
        notes.append(text(lang, "anonymized"))
    return notes


def _filters(filters: dict) -> dict:
    return {k: ([str(x) for x in v] if isinstance(v, list) else (None if v is None else str(v)))
            for k, v in filters.items()}


def _network(g: MapGraph, lang: str, geo: bool, colours: dict[str, str], names: dict[str, str],
             loop_names: dict[int, str]) -> Network:
    """The pyvis network of the page: nodes, edges and vis-network options."""
    big = is_large(len(g.nodes), len(g.edges))
    pos = positions(g) if geo else (force_positions(g) if big else {})
    page_id = {nid: f"n{i}" for i, nid in enumerate(g.nodes)}
    net = Network(height="100%", width="100%", directed=True)
    for nid, n in g.nodes.items():
        label, shape, options = _node(n, lang, big, colours[nid], loop_names)
        if not g.anonymized:
            options["key"] = nid
        if nid in pos:
            options.update(x=round(pos[nid][0], 1), y=round(pos[nid][1], 1))
            if geo:
                options.update(fixed=True, physics=False)
        net.add_node(page_id[nid], label=label, shape=shape, **options)
    parallel: Counter = Counter()
    for i, e in enumerate(g.edges):
        k = parallel[(e.source, e.target)]
        parallel[(e.source, e.target)] += 1
        net.add_edge(page_id[e.source], page_id[e.target], **_edge(e, i, k, lang, names, big, g.view))
    opts = physics_options(len(g.nodes), len(g.edges), geo)
    opts["interaction"] = {"hover": True, "tooltipDelay": 150, "navigationButtons": False, "keyboard": False,
                           "hideEdgesOnDrag": big, "multiselect": True}
    opts["edges"] = {"selectionWidth": 2, "hoverWidth": 1}
    net.options = opts
    return net


def _node(n: MapNode, lang: str, big: bool, colour: str, loop_names: dict[int, str]) -> tuple[str, str, dict]:
    """(label, shape, vis-network options) of a node."""
    volume = _band_value(n.band) if n.band else n.volume
    options = {
        "name": n.label, "facts": node_facts(n, lang, loop_names), "f": _filters(n.filters),
        "size": style.node_size(volume, n.members),
        "font": {"size": style.FONT_SIZE if not big else 16, "strokeWidth": 5, "strokeColor": "#ffffff",
                 "face": "DejaVu Sans, Arial, sans-serif", "color": "#111111"},
        "borderWidth": 2, "color": {"background": colour, "border": "#333333",
                                    "highlight": {"background": colour, "border": "#000000"}},
    }
    label = wrap(n.label, 18, 3) if n.role == "synergy" else wrap(n.label)
    if n.role == "synergy":
        title = n.attrs.get("title") or ""
        label = wrap(f"{n.label} · {title}", 20, 2)
        options["name"] = f"{n.label} · {title}"
    return label, {"synergy": "diamond", "plan": "square", "action": "triangle"}.get(n.role, "dot"), options


def _edge(e: MapEdge, i: int, k: int, lang: str, names: dict[str, str], big: bool, view: str) -> dict:
    """vis-network options of the ``k``-th edge between the same two nodes."""
    width = style.edge_width(_band_value(e.band) if e.band else e.quantity, e.unit) if not e.role else 2.5
    options = {
        "id": f"e{i}", "name": e.label if not e.role else term("role", e.role, lang),
        "facts": edge_facts(e, names, lang), "width": width,
        "color": {"color": category_colour(e.category), "highlight": "#000000", "opacity": 0.85},
        "dashes": style.DASHES.get(e.status, False), "f": _filters(e.filters),
        "arrows": {"to": {"enabled": False}} if e.role else {"to": {"enabled": True, "scaleFactor": 0.7}},
        "smooth": False if big else {"enabled": True, "type": "curvedCW", "roundness": round(0.12 + 0.16 * k, 2)},
    }
    if view == "loops" and e.label:
        options["label"] = wrap(e.label, 28, 2)
        options["font"] = {"size": 15, "strokeWidth": 4, "strokeColor": "#ffffff", "align": "middle"}
    return options
