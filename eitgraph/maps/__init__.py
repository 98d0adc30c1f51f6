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

from ..analytics.views import VIEWS, extract, register_view
from ..errors import QueryError
from ..graphread import GraphSource, reader
from ..present.anonymity import alias_table
from ..present.text import LANGS, check_languages, dataset_line
from .aggregate import LEVELS, aggregate
from .anonymize import anonymize as anonymize_graph
from .render import build_page

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
              color_by: str = "kind", aggregate_by: str | None = None) -> str:
    """The HTML page of a view of the knowledge base.

    Views: ``ecosystem`` (actors and exchanges), ``material`` (one category: ``category=`` or
    ``view="material:wood"``), ``loops`` (loop members and edges, one menu entry per loop) and
    ``synergies`` (leads by status and theme with their actors); ``plans`` is announced (see
    :mod:`eitgraph.maps.views`). ``territory`` keeps what lies inside a territory code (commune, EPCI,
    PETR…). ``geo`` places sites by their coordinates. Above ``max_nodes`` nodes organisations are
    grouped by commune, then EPCI, then category (or always by ``aggregate_by``), and the page says so.
    """
    _check(view, lang, color_by, aggregate_by, max_nodes)
    graph = reader(graph)
    g = map_graph(graph, view, territory, category, lang, anonymize, max_nodes, aggregate_by)
    return build_page(g, lang=lang, geo=geo, color_by=color_by, sources=sources(graph, lang))


def write_map(graph: GraphSource, view: str = "ecosystem", *, out: str | Path, **options) -> Path:
    """Write :func:`build_map`'s page to ``out`` (UTF-8) and return the path."""
    out = Path(out)
    html = build_map(graph, view, **options)
    out.parent.mkdir(parents=True, exist_ok=True)
    out.write_text(html, encoding="utf-8")
    return out


__all__ += ["sources"]
