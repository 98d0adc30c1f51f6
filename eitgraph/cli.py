"""The ``eitgraph`` command: a thin layer over :mod:`eitgraph.kb`.

Library errors become one clear message and a non-zero exit; ``--debug`` shows the traceback.
"""

from __future__ import annotations

import dataclasses
import shutil
import signal
import sys
import time
from pathlib import Path

import click

from . import shipped
from .catalogue import Catalogue
from .config import StoreConfig
from .load.commands import datasets, drop, duplicates, merge, print_notes, undo
from .errors import EitgraphError
from .kb import KnowledgeBase, example_manifest
from .load.blank_workbooks import write_template
from .load.recognise import recognise, resolve_input
from .load.spec import LoaderSpec, available_kinds
from .maps.command import map_command
from .model.graph import load_model
from .output import FORMATS, emit
from .values import parse_boolean
from .rdf.command import export_group
from .report.command import indicators_command, report_command
from .version import __version__


class Context:
    def __init__(self, config: StoreConfig, debug: bool):
        self.config = config
        self.debug = debug

    def open(self, quick: bool = False) -> KnowledgeBase:
        """``quick`` for short commands: faster JVM start, slower long loads."""
        return KnowledgeBase(dataclasses.replace(self.config, quick_start=quick))


def _pairs(values: tuple[str, ...], what: str) -> dict:
    out = {}
    for item in values:
        key, sep, value = item.partition("=")
        if not sep or not key:
            raise click.BadParameter(f"expected NAME=VALUE, got {item!r}", param_hint=what)
        out[key.strip()] = value
    return out


class EitgraphGroup(click.Group):
    """Turns library errors into clean messages."""

    def invoke(self, ctx):
        try:
            return super().invoke(ctx)
        except EitgraphError as exc:
            if ctx.obj and ctx.obj.debug:
                raise
            click.secho(f"Error: {exc}", fg="red", err=True)
            ctx.exit(1)
        except KeyboardInterrupt:
            click.echo("Interrupted.", err=True)
            ctx.exit(130)


@click.group(cls=EitgraphGroup, context_settings={"help_option_names": ["-h", "--help"]})
@click.version_option(__version__, prog_name="eitgraph")
@click.option("--uri", envvar="NEO4J_URI", help="Bolt URI of a Neo4j server (default: the embedded store).")
@click.option("--username", envvar="NEO4J_USERNAME", help="Server user name.")
@click.option("--password", envvar="NEO4J_PASSWORD", help="Server password (prefer the NEO4J_PASSWORD variable).")
@click.option("--database", envvar="NEO4J_DATABASE", help="Database name.")
@click.option("--data-dir", envvar="EITGRAPH_DATA", type=click.Path(file_okay=False, path_type=Path),
              help="Folder of the embedded store [default: ./eitgraph-data].")
@click.option("--debug", is_flag=True, help="Show tracebacks.")
@click.pass_context
def cli(ctx, uri, username, password, database, data_dir, debug):
    """eitgraph: the knowledge base of territorial metabolism (EIT, circular economy).

    \b
    Quick start:
        eitgraph demo
        eitgraph query communes --param epci=200036465
    """
    config = StoreConfig.resolve(uri=uri, username=username, password=password, database=database,
                                 data_dir=data_dir)
    ctx.obj = Context(config, debug)


@cli.command()
@click.pass_obj
def init(obj: Context):
    """Create the constraints and indexes of the graph model (idempotent).

    Example: eitgraph init
    """
    with obj.open(quick=True) as kb:
        # Opening applies the schema; report what the store now has.
        n = len(kb.model.schema_statements())
        click.echo(f"Schema ready on {kb.config.describe()}: {n} constraints and indexes.")


def _progress_factory(label: str):
    state = {}

    def progress(done: int, total: int) -> None:
        bar = state.get("bar")
        if bar is None:
            bar = state["bar"] = click.progressbar(length=total, label=label, file=sys.stderr)
            bar.__enter__()
        bar.update(done - bar.pos)
        if done >= total:
            bar.__exit__(None, None, None)

    return progress


@cli.command(context_settings={"ignore_unknown_options": False})
@click.argument("args", nargs=-1, required=True, metavar="[KIND] FILE...")
@click.option("--dry-run", is_flag=True, help="Validate and report what would be written; write nothing.")
@click.option("--dataset", "dataset_id", help="Dataset id [default: KIND:file name]; reloads replace it.")
@click.option("--sheet", help="Excel sheet name [default: the first sheet].")
@click.option("--header-row", type=click.IntRange(min=1), help="Row of the header [default: found below any title rows].")
@click.option("--encoding", help="Force the file encoding (utf-8, cp1252…).")
@click.option("--delimiter", help="Force the CSV delimiter.")
@click.option("--option", "-o", "options", multiple=True, metavar="NAME=VALUE", help="Loader option (repeatable).")
@click.option("--force", is_flag=True, help="Reload even if unchanged, and allow large deletions.")
@click.option("--strict", is_flag=True, help="Refuse a file with columns eitgraph does not use.")
@click.option("--on-error", type=click.Choice(["stop", "skip"]), default="stop", show_default=True,
              help="skip: load the valid rows and write the rejected ones, with the error, to an .xlsx.")
@click.option("--errors", "errors_file", type=click.Path(dir_okay=False, path_type=Path),
              help="Where --on-error skip writes the rejected rows [default: FILE-rejets.xlsx].")
@click.pass_obj
def load(obj: Context, args, dry_run, dataset_id, sheet, header_row, encoding, delimiter, options, force, strict,
         on_error, errors_file):
    """Load files (validated first; one transaction per file). Without KIND, the kind is recognised from each
    file's headers. A reference file shipped with eitgraph loads by its name from any folder.

    \b
    Examples:
        eitgraph load territory perimetre-epci-a-fp.csv -o departement=68
        eitgraph load acteurs.xlsx                       (the kind recognised from the headers)
        eitgraph load stakeholders acteurs.xlsx --sheet Acteurs -o territory=PETR-THUR-DOLLER
        eitgraph load sirene StockEtablissement_utf8.zip -o departement=68
        eitgraph load diagnostics diagnostics.xlsx -o site_from=sheet
    """
    kinds = available_kinds()
    kind, files = (args[0], args[1:]) if args[0] in kinds and not Path(args[0]).is_file() else (None, args)
    if not files:
        raise click.UsageError(f"give the file(s) to load as {kind}: eitgraph load {kind} FILE")
    opts = _pairs(options, "--option")
    if "strict" in opts:  # -o strict=true: the load's strict rule (SIRENE: communes outside the graph)
        strict = strict or parse_boolean(opts.pop("strict"))
    if dataset_id and len(files) > 1:
        raise click.BadParameter("--dataset names one dataset; give one file", param_hint="--dataset")
    with obj.open() as kb:
        for name in files:
            path, from_reference = resolve_input(name)
            if from_reference:
                click.echo(f"{name}: the reference file shipped with eitgraph ({path})", err=True)
            file_kind = kind
            if file_kind is None:
                guess = recognise(path, sheet)
                file_kind = guess.kind
                click.echo(f"{path.name}: read as {file_kind} (recognised from its headers: "
                           f"{', '.join(guess.headers[:6])}); give the kind first to choose another", err=True)
            click.echo(f"Reading and validating {path.name}…", err=True)
            report = kb.load(file_kind, path, dataset_id=dataset_id, dry_run=dry_run, sheet=sheet, encoding=encoding,
                             delimiter=delimiter, force=force, strict=strict, on_error=on_error,
                             errors_file=errors_file, header_row=header_row,
                             progress=_progress_factory(path.name), **opts)
            click.echo(report.summary())
            print_notes(report)


cli.add_command(datasets)
cli.add_command(drop)
cli.add_command(undo)
cli.add_command(duplicates)
cli.add_command(merge)


@cli.command()
@click.pass_obj
def status(obj: Context):
    """Counts per label and relationship type, datasets loaded, and where the store is.

    Example: eitgraph status
    """
    with obj.open(quick=True) as kb:
        info = kb.status()
    click.echo(f"Store: {info['store']}")
    click.echo("Nodes:")
    for label, n in info["nodes"].items():
        if n:
            click.echo(f"  {label:<18} {n:>8}")
    click.echo("Relationships:")
    for rtype, n in info["relationships"].items():
        if n:
            click.echo(f"  {rtype:<18} {n:>8}")
    if info["datasets"]:
        click.echo("Datasets:")
        for d in info["datasets"]:
            click.echo(f"  {d['dataset']:<32} {d['rows'] or 0:>7} rows  {d['file']}  {d['loaded_at']}  "
                       f"sha256 {d['sha256']}")
    else:
        click.echo("No dataset loaded yet: try 'eitgraph demo' or 'eitgraph load'.")
    missing = info.get("without_coordinates") or {}
    if missing.get("count"):
        shown = "; ".join(f"{o['name'] or o['id']} ({o['commune'] or 'no commune'})" for o in missing["first"])
        more = f"; and {missing['count'] - len(missing['first'])} more" if missing["count"] > len(missing["first"]) else ""
        click.echo(f"Organisations without coordinates (maps cannot place them): {missing['count']}: {shown}{more}. "
                   "'eitgraph geocode' places them from their addresses (national address base, online).")
    if missing.get("approximate"):
        click.echo(f"Organisations placed only approximately (street or commune): {missing['approximate']}.")


@cli.command()
@click.argument("name")
@click.option("--param", "-p", "params", multiple=True, metavar="NAME=VALUE", help="Query parameter (repeatable).")
@click.option("--format", "fmt", type=click.Choice(FORMATS), default="table", show_default=True)
@click.option("--out", type=click.Path(dir_okay=False, path_type=Path), help="Write to this file.")
@click.option("--engine", type=click.Choice(["python", "cypher"]),
              help="For queries computed in Python: run their Cypher text instead (small graphs).")
@click.pass_obj
def query(obj: Context, name, params, fmt, out, engine):
    """Run a catalogue query (see 'eitgraph queries') or a .cypher file.

    \b
    Examples:
        eitgraph query communes --param epci=200036465
        eitgraph query organisations -p tag="pilote EIT" --format xlsx --out pilotes.xlsx
    """
    with obj.open(quick=True) as kb:
        df = kb.query(name, engine=engine, **_pairs(params, "--param"))
    emit(df, fmt, out)


@cli.command()
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


def _interrupt(signum, frame):
    raise KeyboardInterrupt


@cli.command()
@click.pass_obj
def serve(obj: Context):
    """Keep the embedded store running so that other processes (CLI, notebooks) share it.

    Example: eitgraph serve --data-dir ./eitgraph-data   (stop with Ctrl-C)
    """
    if not obj.config.embedded:
        raise EitgraphError("serve runs the embedded store; with a Neo4j server there is nothing to serve")
    with obj.open() as kb:
        signal.signal(signal.SIGTERM, _interrupt)  # a service manager's stop is a clean stop too
        if kb.store.owner_pid is not None and kb.store._server is None:
            raise EitgraphError(f"{obj.config.data_dir} is already served by process {kb.store.owner_pid}")
        click.echo(f"Serving {obj.config.data_dir} over Bolt at {kb.store.driver._pool.address} "
                   f"(connection details in {obj.config.data_dir / 'server.json'}, readable by you only).")
        click.echo("Other eitgraph commands with the same --data-dir connect to it. Ctrl-C to stop.")
        try:
            while True:
                time.sleep(3600)
        except KeyboardInterrupt:
            click.echo("Stopping.")


@cli.command()
@click.option("--reset", is_flag=True, help="Delete the store folder first (only an eitgraph store).")
@click.option("--example", default="thur-doller", show_default=True, help="Example dataset to load.")
@click.pass_obj
def demo(obj: Context, reset, example):
    """Load the Pays Thur Doller example into the embedded store and show what to try next.

    Example: eitgraph demo
    """
    if not obj.config.embedded:
        raise EitgraphError("demo fills the embedded store; to load the example into a server use "
                            "KnowledgeBase.load_manifest(eitgraph.example_manifest())")
    folder = obj.config.data_dir
    if reset and folder.exists():
        if not (folder / "arcadedb").exists() and any(folder.iterdir()):
            raise EitgraphError(f"{folder} does not look like an eitgraph store; not deleting it")
        shutil.rmtree(folder)
    started = time.monotonic()
    manifest = example_manifest(example)
    with obj.open() as kb:
        for report in kb.load_manifest(manifest, progress=lambda e: _progress_factory(Path(e["file"]).name)):
            click.echo(report.summary())
        counts = kb.status()["nodes"]
    click.echo(f"\nDemo ready in {time.monotonic() - started:.0f} s: {counts['Commune']} communes, "
               f"{counts['EPCI']} EPCI, {counts['Organisation']} organisations, {counts['Synergy']} synergy leads "
               f"in {folder}.")
    click.echo("Try next:\n"
               "  eitgraph query communes --param territory=PETR-THUR-DOLLER\n"
               "  eitgraph query communes --param epci=200036465\n"
               "  eitgraph query organisations --param tag=\"pilote EIT\"\n"
               "  eitgraph query stakeholder-matrix --param territory=PETR-THUR-DOLLER\n"
               "  eitgraph query circular-loops\n"
               "  eitgraph query substitution-candidates --param radius_km=30\n"
               "  eitgraph indicators --territory PETR-THUR-DOLLER\n"
               "  eitgraph report --territory PETR-THUR-DOLLER --out rapport-copil.html\n"
               "  eitgraph map --view loops --out boucles.html\n"
               "  eitgraph queries")


@cli.command()
@click.option("--doc", type=click.Path(dir_okay=False, path_type=Path), help="Write the schema document here.")
def schema(doc):
    """Show the constraints and indexes generated from schema/model.yaml, or write the schema document.

    Example: eitgraph schema --doc schema/schema.md
    """
    model = load_model()
    if doc:
        doc.write_text(model.markdown(), encoding="utf-8")
        click.echo(f"Wrote {doc}")
    else:
        for stmt in model.schema_statements():
            click.echo(stmt + ";")


@cli.command()
@click.argument("kind", type=click.Choice(available_kinds()), required=False)
def kinds(kind):
    """List the source kinds, or the columns and options of one.

    Example: eitgraph kinds stakeholders
    """
    for name in [kind] if kind else available_kinds():
        spec = LoaderSpec.load(name)
        click.secho(name, bold=True)
        click.echo(f"  {' '.join(spec.description.split())}")
        if kind:
            for col in spec.columns.values():
                flag = " (required)" if col.required else ""
                click.echo(f"    {col.aliases[0]!r:<40} {col.type}{flag}  aliases: {', '.join(col.aliases[1:])}")
            for opt in spec.options.values():
                click.echo(f"    option {opt.name}: {opt.description}")
    click.echo(f"\nMappings live in {shipped.folder('loaders')}.")


@cli.command()
@click.argument("kind", type=click.Choice(available_kinds()))
@click.option("--out", required=True, type=click.Path(dir_okay=False, path_type=Path), help="The .xlsx to write.")
@click.option("--lang", type=click.Choice(["fr", "en"]), default="fr", show_default=True)
def template(kind, out, lang):
    """Write a blank workbook for a source kind, with its headers and a help sheet.

    Example: eitgraph template diagnostics --out diagnostic-flux.xlsx
    """
    write_template(kind, out, lang)
    click.echo(f"Wrote {out}: fill the first sheet, then 'eitgraph load {kind} {out}'.")


@cli.command()
@click.option("--url", envvar="EITGRAPH_BAN_URL", help="Batch CSV service of the national address base "
              "[default: https://api-adresse.data.gouv.fr/search/csv/].")
@click.option("--min-score", type=click.FloatRange(0, 1), default=0.5, show_default=True,
              help="Lowest score of an answer kept.")
@click.option("--dry-run", is_flag=True, help="Ask (and cache) but do not load the coordinates.")
@click.pass_obj
def geocode(obj: Context, url, min_score, dry_run):
    """Place the organisations without coordinates from their addresses, with the national address base
    (Base Adresse Nationale; needs a connection). Answers are cached beside the store; what is found is
    the dataset geocode:ban (drop or undo it like any other).

    Example: eitgraph geocode
    """
    with obj.open() as kb:
        report = kb.geocode(url=url, min_score=min_score, dry_run=dry_run,
                            progress=_progress_factory("Asking the national address base"))
    click.echo(report.summary())
    if report.not_found:
        shown = ", ".join(report.not_found[:10]) + (f" and {len(report.not_found) - 10} more"
                                                      if len(report.not_found) > 10 else "")
        click.echo(f"Not found: {shown} (check their addresses, or give Latitude/Longitude in a list).")
    if report.load is not None:
        click.echo(report.load.summary())


cli.add_command(map_command)
cli.add_command(export_group)
cli.add_command(indicators_command)
cli.add_command(report_command)


def main() -> None:
    cli(prog_name="eitgraph")


if __name__ == "__main__":
    main()
