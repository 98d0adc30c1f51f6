"""Commands that ask questions: query, queries, indicators."""

from __future__ import annotations

from pathlib import Path

import click

from ..catalogue import Catalogue
from ..present.text import number
from .context import FORMATS, Context, pairs

TABLE_COLUMNS = ["group", "code", "indicator", "value", "unit", "basis"]


def _plain(value) -> str:
    """A figure for the terminal: integers as such, other numbers with at most 3 decimals.

    >>> _plain(34), _plain(3.3), _plain(0.0401), _plain(None), _plain(1234567)
    ('34', '3.3', '0.04', '—', '1 234 567')
    """
    return number(value, "plain", decimals=3)


@click.command("indicators")
@click.option("--territory", metavar="CODE", help="Territory code (EPCI SIREN, PETR-…, INSEE) [default: all].")
@click.option("--format", "fmt", type=click.Choice(FORMATS), default="table", show_default=True)
@click.option("--out", type=click.Path(path_type=Path), help="Write to this file.")
@click.option("--lang", type=click.Choice(["fr", "en"]), default="fr", show_default=True)
@click.pass_obj
def indicators(obj, territory, fmt, out, lang):
    """Programme indicators: Korhonen's principles, network analysis, evaluation, coverage.

    The table leaves out the definitions; csv, json and xlsx carry them.

    \b
    Examples:
        eitgraph indicators --territory PETR-THUR-DOLLER
        eitgraph indicators --territory 200036465 --format xlsx --out indicateurs.xlsx
    """
    with obj.open(quick=True) as kb:
        df = kb.indicators(territory=territory, lang=lang)
    from .output import FOR_PEOPLE, emit, file_format

    # Headers in French too where people read them (table, xlsx, csv-excel); csv and json stay raw for scripts.
    emit(df, fmt, out, sheet="indicateurs", noun="indicators",
         table=df[TABLE_COLUMNS].assign(value=df["value"].map(_plain)),
         lang=lang if file_format(fmt, out) in FOR_PEOPLE else None)


@click.command()
@click.argument("name")
@click.option("--param", "-p", "params", multiple=True, metavar="NAME=VALUE", help="Query parameter (repeatable).")
@click.option("--format", "fmt", type=click.Choice(FORMATS), default="table", show_default=True)
@click.option("--out", type=click.Path(path_type=Path), help="Write to this file.")
@click.option("--engine", type=click.Choice(["python", "cypher"]),
              help="For queries computed in Python: run their Cypher text instead (small graphs).")
@click.option("--lang", type=click.Choice(["fr", "en"]),
              help="fr: French headers and words; en: the raw column names and codes "
                   "[default: fr for table, xlsx and csv-excel, en for csv and json].")
@click.pass_obj
def query(obj: Context, name, params, fmt, out, engine, lang):
    """Run a catalogue query (see 'eitgraph queries') or a .cypher file.

    csv-excel is for a French Excel: ';' between cells, decimal comma, UTF-8 with a byte order mark.

    \b
    Examples:
        eitgraph query communes --param epci=200036465
        eitgraph query organisations -p tag="pilote EIT" --format xlsx --out pilotes.xlsx
        eitgraph query synergy-leads --format csv-excel --out pistes.csv
        eitgraph query communes --format csv --lang fr     # French headers for a script's reader too
    """
    # The query and its parameters are checked before the store is reached.
    q = Catalogue().get(name)
    params = pairs(params, "--param")
    if lang and "lang" in q.parameters and "lang" not in params:
        params["lang"] = lang
    q.bind(params)
    if engine == "python" and not q.python:
        raise click.BadParameter(f"query {q.name!r} has no Python implementation", param_hint="--engine")
    with obj.open(quick=True) as kb:
        df = kb.query(name, engine=engine, **params)
    from .output import emit, output_lang

    emit(df, fmt, out, lang=output_lang(fmt, out, lang))


@click.command()
def queries():
    """List the query catalogue with descriptions and parameters.

    Example: eitgraph queries
    """
    for q in Catalogue():
        click.secho(q.name, bold=True)
        click.echo(f"  {q.description}")
        for p in q.parameters.values():
            req = "required" if p.required else f"optional, default {p.default!r}"
            click.echo(f"    --param {p.name}=…  ({p.type}, {req}) {p.description}")
