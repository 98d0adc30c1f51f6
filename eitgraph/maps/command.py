"""The ``eitgraph map`` command (registered in :mod:`eitgraph.cli`)."""

from __future__ import annotations

import tempfile
from pathlib import Path

import click

from ..analytics.views import VIEWS
from .aggregate import LEVELS


@click.command("map")
@click.option("--view", default="ecosystem", show_default=True, metavar="VIEW",
              help=f"{', '.join(VIEWS)}, or material:CATEGORY.")
@click.option("--territory", metavar="CODE", help="Only what lies in this territory (INSEE, EPCI SIREN, PETR-…).")
@click.option("--category", metavar="CAT", help="Material category (code or French/English name).")
@click.option("--out", type=click.Path(dir_okay=False, path_type=Path), help="HTML file [default: carte-VIEW.html].")
@click.option("--lang", type=click.Choice(["fr", "en"]), default="fr", show_default=True)
@click.option("--anonymize", is_flag=True, help="Aliases instead of names, no SIRET, quantities in bands.")
@click.option("--geo", is_flag=True, help="Place sites by their coordinates instead of the force layout.")
@click.option("--color-by", type=click.Choice(["kind", "sector"]), default="kind", show_default=True,
              help="Colour organisations by kind of actor or by sector (filière).")
@click.option("--png", type=click.Path(dir_okay=False, path_type=Path),
              help="Also write a still image (1920×1080) through headless Chromium.")
@click.option("--max-nodes", type=click.IntRange(min=1), default=1500, show_default=True,
              help="Node budget: above it organisations are grouped by commune, EPCI or category.")
@click.option("--aggregate", "aggregate_by", type=click.Choice(LEVELS), help="Always group organisations by this.")
@click.pass_obj
def map_command(obj, view, territory, category, out, lang, anonymize, geo, color_by, png, max_nodes, aggregate_by):
    """Write an interactive, self-contained HTML map (works offline) for a committee meeting.

    \b
    Examples:
        eitgraph map --out ecosysteme.html
        eitgraph map --view loops --territory PETR-THUR-DOLLER --png boucles.png
        eitgraph map --view material --category wood --geo
        eitgraph map --view synergies --anonymize --lang en --out synergies.html
    """
    from .png import screenshot

    with obj.open(quick=True) as kb:
        html = kb.map(view, territory=territory, category=category, lang=lang, anonymize=anonymize, geo=geo,
                      max_nodes=max_nodes, color_by=color_by, aggregate_by=aggregate_by)
    if out is None and png is None:
        out = Path(f"carte-{view.replace(':', '-')}.html")
    if out is not None:
        out.parent.mkdir(parents=True, exist_ok=True)
        out.write_text(html, encoding="utf-8")
        size = len(html.encode("utf-8")) / 1e6
        click.echo(f"Wrote {out} ({size:.1f} MB): open it in any browser, no internet needed.")
    if png is not None:
        with tempfile.TemporaryDirectory(prefix="eitgraph-map-") as tmp:
            page = out if out is not None else Path(tmp) / "map.html"
            if out is None:
                page.write_text(html, encoding="utf-8")
            screenshot(page, png)
        click.echo(f"Wrote {png}")
