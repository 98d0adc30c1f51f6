"""Commands that write pages and files for people and other tools: map, report, export rdf."""

from __future__ import annotations

import tempfile
from pathlib import Path

import click

from ..safety.writing import terminal_safe
from .context import LazyChoice


def _levels():
    from ..maps.aggregate import LEVELS

    return LEVELS


def _serializers():
    from ..rdf.export import SERIALIZERS

    return SERIALIZERS


ANONYMIZE = ("Anonymise (the policy of eitgraph.present.anonymity): aliases instead of names except for public "
             "institutions, no persons or identifiers, quantities as decades.")


@click.command("map")
@click.option("--view", default="ecosystem", show_default=True, metavar="VIEW",
              help="ecosystem, material, loops, synergies, plans…, or material:CATEGORY (an unknown view lists them).")
@click.option("--territory", metavar="CODE", help="Only what lies in this territory (INSEE, EPCI SIREN, PETR-…).")
@click.option("--category", metavar="CAT", help="Material category (code or French/English name).")
@click.option("--out", type=click.Path(path_type=Path), help="HTML file [default: carte-VIEW.html].")
@click.option("--lang", type=click.Choice(["fr", "en"]), default="fr", show_default=True)
@click.option("--anonymize", is_flag=True, help=ANONYMIZE)
@click.option("--geo", is_flag=True, help="Place sites by their coordinates instead of the force layout.")
@click.option("--color-by", type=click.Choice(["kind", "sector"]), default="kind", show_default=True,
              help="Colour organisations by kind of actor or by sector (filière).")
@click.option("--png", type=click.Path(path_type=Path),
              help="Also write a still image of the map alone (no controls), 1920×1080, through headless Chromium.")
@click.option("--max-nodes", type=click.IntRange(min=1), default=1500, show_default=True,
              help="Node budget: above it organisations are grouped by commune, EPCI or category.")
@click.option("--aggregate", "aggregate_by", type=LazyChoice(_levels), help="Always group organisations by this.")
@click.option("--tiles", metavar="ign|osm|URL",
              help="With --geo: an online base map (IGN Plan, OpenStreetMap or an https URL with {z}/{x}/{y}); "
                   "without it the page makes no request.")
@click.option("--present", "presentation", is_flag=True, help="Presentation mode: panels folded, for a projector.")
@click.pass_obj
def map_command(obj, view, territory, category, out, lang, anonymize, geo, color_by, png, max_nodes, aggregate_by,
                tiles, presentation):
    """Write an interactive, self-contained HTML map (works offline) for a committee meeting.

    \b
    Examples:
        eitgraph map --out ecosysteme.html
        eitgraph map --view loops --territory PETR-THUR-DOLLER --png boucles.png
        eitgraph map --view material --category wood --geo
        eitgraph map --geo --territory PETR-THUR-DOLLER --tiles ign --present
        eitgraph map --view synergies --anonymize --lang en --out synergies.html
    """
    with obj.open(quick=True) as kb:
        html = kb.map(view, territory=territory, category=category, lang=lang, anonymize=anonymize, geo=geo,
                      max_nodes=max_nodes, color_by=color_by, aggregate_by=aggregate_by, tiles=tiles,
                      presentation=presentation)
    for note in getattr(html, "notes", []):
        click.secho(f"Warning: {note}", fg="yellow", err=True)
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
            from ..maps.png import screenshot

            screenshot(page, png)
        click.echo(f"Wrote {png}")


@click.command("report")
@click.option("--territory", metavar="CODE", help="Territory code (EPCI SIREN, PETR-…, INSEE) [default: all].")
@click.option("--out", required=True, type=click.Path(path_type=Path),
              help="The file to write: HTML, or a PDF (A4) when it ends in .pdf.")
@click.option("--lang", type=click.Choice(["fr", "en"]), default="fr", show_default=True)
@click.option("--previous", type=click.Path(exists=True, dir_okay=False, path_type=Path),
              help="An earlier report (HTML): the new one shows what moved since.")
@click.pass_obj
def report_command(obj, territory, out, lang, previous):
    """Write the COPIL report: HTML (self-contained) or PDF (A4, key figures on page 1).

    \b
    Examples:
        eitgraph report --territory PETR-THUR-DOLLER --out rapport-copil.html
        eitgraph report --territory PETR-THUR-DOLLER --out rapport-copil.pdf --previous rapport-mars.html
        eitgraph report --territory PETR-THUR-DOLLER --lang en --out copil-report.html
    """
    with obj.open(quick=True) as kb:
        path = kb.report(out, territory=territory, lang=lang, previous=previous)
    click.echo(f"Report written to {path}")


@click.command("dossier")
@click.option("--territory", metavar="CODE", help="Territory code (EPCI SIREN, PETR-…, INSEE) [default: all].")
@click.option("--out", required=True, type=click.Path(dir_okay=False, path_type=Path), help="The .xlsx file to write.")
@click.option("--lang", type=click.Choice(["fr", "en"]), default="fr", show_default=True)
@click.pass_obj
def dossier_command(obj, territory, out, lang):
    """Write the COPIL dossier: one Excel workbook with a sheet each for the indicators, synergy leads,
    stakeholder matrix, flows by category, loops and plan actions.

    \b
    Examples:
        eitgraph dossier --territory PETR-THUR-DOLLER --out dossier-copil.xlsx
        eitgraph dossier --territory 200036465 --lang en --out copil-workbook.xlsx
    """
    with obj.open(quick=True) as kb:
        path = kb.dossier(out, territory=territory, lang=lang)
    click.echo(terminal_safe(f"Dossier written to {path}"))


@click.group("export")
def export_group():
    """Export the knowledge base to exchange formats."""


@export_group.command("rdf")
@click.option("--format", "fmt", type=LazyChoice(_serializers), help="Default: from the file suffix, else ttl.")
@click.option("--territory", metavar="CODE", help="Only what lies in this territory (INSEE, EPCI SIREN, PETR-…).")
@click.option("--anonymize", is_flag=True, help=ANONYMIZE + " No coordinates or amounts.")
@click.option("--no-provenance", is_flag=True, help="Leave out the datasets and prov:wasDerivedFrom links.")
@click.option("--out", type=click.Path(path_type=Path), required=True)
@click.pass_obj
def export_rdf(obj, fmt, territory, anonymize, no_provenance, out):
    """Write the graph as linked data in the eitgraph vocabulary (schema/vocabulary.ttl).

    \b
    Examples:
        eitgraph export rdf --out eitgraph.ttl
        eitgraph export rdf --format jsonld --territory 200036465 --anonymize --out thann-cernay.jsonld
        eitgraph load rdf voisin.ttl            # import a neighbour's export
    """
    fmt = fmt or {".jsonld": "jsonld", ".json": "jsonld", ".nt": "nt"}.get(out.suffix.lower(), "ttl")
    with obj.open(quick=True) as kb:
        graph = kb.to_rdf(territory=territory, anonymize=anonymize, provenance=not no_provenance)
    out.parent.mkdir(parents=True, exist_ok=True)
    from ..rdf.export import serialize

    out.write_text(serialize(graph, fmt), encoding="utf-8")
    click.echo(f"Wrote {out}: {len(graph)} triples ({fmt}).")
