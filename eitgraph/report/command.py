"""The ``eitgraph indicators`` and ``eitgraph report`` commands (registered in :mod:`eitgraph.cli`)."""

from __future__ import annotations

from pathlib import Path

import click

from ..output import FORMATS, emit

TABLE_COLUMNS = ["group", "code", "indicator", "value", "unit", "basis"]


def _plain(value) -> str:
    """A figure for the terminal: integers as such, other numbers with at most 3 decimals.

    >>> _plain(34), _plain(3.3), _plain(0.0401), _plain(None)
    ('34', '3.3', '0.04', '—')
    """
    if value is None:
        return "—"
    text = f"{value:,.3f}".rstrip("0").rstrip(".") if isinstance(value, float) else f"{value:,}"
    return text.replace(",", " ")


@click.command("indicators")
@click.option("--territory", metavar="CODE", help="Territory code (EPCI SIREN, PETR-…, INSEE) [default: all].")
@click.option("--format", "fmt", type=click.Choice(FORMATS), default="table", show_default=True)
@click.option("--out", type=click.Path(path_type=Path), help="Write to this file.")  # checked when written
@click.option("--lang", type=click.Choice(["fr", "en"]), default="fr", show_default=True)
@click.pass_obj
def indicators_command(obj, territory, fmt, out, lang):
    """Programme indicators: Korhonen's principles, network analysis, evaluation, coverage.

    The table leaves out the definitions; csv, json and xlsx carry them.

    \b
    Examples:
        eitgraph indicators --territory PETR-THUR-DOLLER
        eitgraph indicators --territory 200036465 --format xlsx --out indicateurs.xlsx
    """
    with obj.open(quick=True) as kb:
        df = kb.indicators(territory=territory, lang=lang)
    emit(df, fmt, out, sheet="indicateurs", noun="indicators",
         table=df[TABLE_COLUMNS].assign(value=df["value"].map(_plain)))


@click.command("report")
@click.option("--territory", metavar="CODE", help="Territory code (EPCI SIREN, PETR-…, INSEE) [default: all].")
@click.option("--out", required=True, type=click.Path(dir_okay=False, path_type=Path), help="The HTML file to write.")
@click.option("--lang", type=click.Choice(["fr", "en"]), default="fr", show_default=True)
@click.pass_obj
def report_command(obj, territory, out, lang):
    """Write the one-page COPIL report (HTML, self-contained, prints on A4).

    \b
    Examples:
        eitgraph report --territory PETR-THUR-DOLLER --out rapport-copil.html
        eitgraph report --territory PETR-THUR-DOLLER --lang en --out copil-report.html
    """
    with obj.open(quick=True) as kb:
        path = kb.report(out, territory=territory, lang=lang)
    click.echo(f"Report written to {path}")
