"""Interactive HTML maps of the EIT ecosystem for committee meetings: one self-contained, offline page.

>>> import eitgraph                                                        # doctest: +SKIP
>>> with eitgraph.open() as kb:                                            # doctest: +SKIP
...     html = build_map(kb, view="loops", territory="PETR-THUR-DOLLER")
...     write_map(kb, view="ecosystem", geo=True, anonymize=True, out="ecosysteme.html")

Stages, one module each: a view of :mod:`eitgraph.analytics.views` (what to draw) → ``anonymize`` →
``aggregate`` (node budget) → ``layout`` (geographic or force) → ``render`` (pyvis data, our own template,
``style`` for colours and words). ``png`` takes a still image with headless Chromium; ``command`` is the CLI.
"""

from __future__ import annotations

from pathlib import Path

from ..analytics.viewgraph import MapGraph
from ..analytics.views import VIEWS, extract, register_view
from ..errors import QueryError
from ..graphread import GraphSource, reader
from ..present.anonymity import alias_table
from ..present.page import HtmlPage
from ..present.text import LANGS, check_languages, dataset_line, text
from .aggregate import LEVELS, aggregate
from .anonymize import anonymize as anonymize_graph
from .geo import GeoContext
from .geo import context as geo_context
from .geo import tiles as tiles_source
from .render import PageOptions, build_page

__all__ = ["VIEWS", "build_map", "map_graph", "register_view", "write_map"]

def _check(view: str, lang: str, color_by: str, aggregate_by: str | None, max_nodes: int) -> None:
    if lang not in LANGS:
        raise QueryError(f"lang must be one of {', '.join(LANGS)}, not {lang!r}")
    if color_by not in ("kind", "sector"):
        raise QueryError(f"color_by must be 'kind' or 'sector', not {color_by!r}")
    if aggregate_by not in (None, *LEVELS):
        raise QueryError(f"aggregate_by must be one of {', '.join(LEVELS)}, not {aggregate_by!r}")
    if max_nodes < 1:
        raise QueryError("max_nodes must be at least 1")
    check_languages(lang)


def sources(graph: GraphSource, lang: str = "fr") -> list[str]:
    """One line per Dataset node: file, kind, rows and load date."""
    return [dataset_line(d, lang) for d in reader(graph).datasets()]


def map_graph(graph: GraphSource, view: str = "ecosystem", territory: str | None = None,
              category: str | None = None, lang: str = "fr", anonymize: bool = False, max_nodes: int = 1500,
              aggregate_by: str | None = None):
    """The map's graph after extraction, anonymisation and aggregation (before layout and HTML)."""
    graph = reader(graph)
    g = extract(graph, view, territory, category)
    if anonymize:
        organisations = graph.organisations()
        names = {r["id"]: r["name"] for r in organisations}
        anonymize_graph(g, alias_table(organisations, lang), names)
    return aggregate(g, max_nodes, aggregate_by)


def build_map(graph: GraphSource, view: str = "ecosystem", territory: str | None = None, category: str | None = None,
              lang: str = "fr", anonymize: bool = False, geo: bool = False, max_nodes: int = 1500,
              color_by: str = "kind", aggregate_by: str | None = None, tiles: str | None = None,
              presentation: bool = False, group_above: int = 40) -> HtmlPage:
    """The HTML page of a view of the knowledge base (a ``str`` that also shows inline in Jupyter).

    Views: ``ecosystem`` (actors and exchanges), ``material`` (one category: ``category=`` or
    ``view="material:wood"``), ``loops`` (loop members and edges, one menu entry per loop),
    ``synergies`` (leads by status and theme with their actors) and ``plans`` (plans → actions → their
    lead, partners and funders). ``territory`` keeps what lies inside a territory code (commune, EPCI,
    PETR…). ``geo`` places sites by their coordinates (or their commune's centre, flagged as
    approximate) over the outlines of the territory and its neighbours (``eitgraph load geometry``),
    with ``tiles`` (``ign``, ``osm`` or a URL) as an online base map when asked for. Above ``max_nodes``
    nodes organisations are grouped by commune, then EPCI, then category (or always by
    ``aggregate_by``), and the page says so; the ecosystem page groups actors itself above
    ``group_above`` nodes (the user opens a group with a click). ``presentation`` folds the panels.
    """
    _check(view, lang, color_by, aggregate_by, max_nodes)
    source = tiles_source(tiles) if geo else None
    graph = reader(graph)
    g = map_graph(graph, view, territory, category, lang, anonymize, max_nodes, aggregate_by)
    context = None
    if geo:
        communes = {n.commune[0] for n in g.nodes.values() if n.commune}
        context = geo_context(graph, territory, communes)
        g.notes += placement_notes(g, context)
    html = build_page(g, PageOptions(lang=lang, geo=geo, color_by=color_by, sources=sources(graph, lang),
                                     context=context, tiles=source, presentation=presentation,
                                     group_above=group_above))
    return HtmlPage(html, notes=[text("en", key, **fields) for key, fields in g.notes if key.startswith("geo_")])


def placement_notes(g: MapGraph, context: GeoContext) -> list[tuple[str, dict]]:
    """What a geographic map must say about where it could not place actors exactly."""
    actors = [n for n in g.nodes.values() if n.role in ("organisation", "aggregate")]
    notes = []
    if not context.outlines:
        notes.append(("geo_no_outlines", {}))
    approximate = sum(n.members for n in actors if n.placed == "commune")
    unplaced = sum(n.members for n in actors if n.lat is None or n.lon is None)
    if approximate:
        notes.append(("geo_approximate", {"n": approximate}))
    if unplaced:
        notes.append(("geo_unplaced", {"n": unplaced}))
    return notes


def write_map(graph: GraphSource, view: str = "ecosystem", *, out: str | Path, **options) -> Path:
    """Write :func:`build_map`'s page to ``out`` (UTF-8) and return the path."""
    out = Path(out)
    html = build_map(graph, view, **options)
    out.parent.mkdir(parents=True, exist_ok=True)
    out.write_text(html, encoding="utf-8")
    return out


__all__ += ["sources"]
