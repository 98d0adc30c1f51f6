"""Commands about the store and the model: init, status, serve, demo, schema."""

from __future__ import annotations

import os
import shutil
import time
from pathlib import Path

import click

from ..errors import EitgraphError
from ..safety.writing import terminal_safe
from .context import Context, progress_factory


@click.command()
@click.pass_obj
def init(obj: Context):
    """Create the constraints and indexes of the graph model, drop those it no longer uses (idempotent;
    on a Neo4j server, as a user with schema rights).

    Example: eitgraph init
    """
    import warnings

    with warnings.catch_warnings():
        warnings.simplefilter("ignore")  # opening warns about a missing schema: init is what says so
        kb = obj.open(quick=True)
    with kb:
        applied = kb.init()
        n = len(kb.model.schema_statements())
        done = f"; {len(applied)} statement(s) run" if applied else "; nothing to change"
        click.echo(f"Schema ready on {kb.config.describe()}: {n} constraints and indexes{done}.")


@click.command()
@click.pass_obj
def status(obj: Context):
    """Counts per label and relationship type, datasets loaded, and where the store is.

    Example: eitgraph status
    """
    with obj.open(quick=True) as kb:
        info = kb.status()
        if kb.store.endpoint is not None:
            info["store"] += f", served by process {kb.store.endpoint.pid} ({kb.store.endpoint.mode})"
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
            click.echo(terminal_safe(f"  {d['dataset']:<32} {d['rows'] or 0:>7} rows  {d['file']}  "
                                     f"{d['loaded_at']}  sha256 {d['sha256']}"))
    else:
        click.echo("No dataset loaded yet: try 'eitgraph demo' or 'eitgraph load'.")
    _without_coordinates(info.get("without_coordinates") or {})


def _without_coordinates(missing: dict) -> None:
    if missing.get("count"):
        shown = "; ".join(f"{o['name'] or o['id']} ({o['commune'] or 'no commune'})" for o in missing["first"])
        more = f"; and {missing['count'] - len(missing['first'])} more" if missing["count"] > len(missing["first"]) else ""
        click.echo(terminal_safe(f"Organisations without coordinates (maps cannot place them): {missing['count']}: "
                                 f"{shown}{more}. 'eitgraph geocode' places them from their addresses (national "
                                 "address base, online)."))
    if missing.get("approximate"):
        click.echo(f"Organisations placed only approximately (street or commune): {missing['approximate']}.")


@click.command()
@click.option("--stop", is_flag=True, help="Stop the server of the data folder (background or not) and exit.")
@click.option("--idle", type=float, metavar="MINUTES", help="Stop after this many minutes without a client.")
@click.pass_obj
def serve(obj: Context, stop, idle):
    """Run the store server of the data folder in the foreground (commands, scripts and notebooks with
    the same --data-dir use it; without it, the first command starts one in the background, which stops
    after 15 idle minutes).

    \b
    Examples:
        eitgraph serve --data-dir ./eitgraph-data      (stop with Ctrl-C)
        eitgraph serve --stop
    """
    from ..store import embedded, service

    if not obj.config.embedded:
        raise EitgraphError("serve runs the embedded store; with a Neo4j server there is nothing to serve")
    folder = obj.config.data_dir
    if stop:
        pid = embedded.stop_server(folder)
        click.echo(f"Stopped the eitgraph server of {folder} (process {pid})." if pid
                   else f"No eitgraph server runs for {folder}.")
        return
    os.umask(0o077)  # this command only serves the folder: what the engine creates is its owner's only
    server = service.own(folder, obj.config.heap, "foreground", wait=10)

    def ready(endpoint):
        click.echo(f"Serving {folder} over Bolt at {endpoint.uri.removeprefix('bolt://')} (process {endpoint.pid}; "
                   f"connection details in {folder / embedded.STATE_FILE}, readable by you only).")
        click.echo("Other eitgraph commands with the same --data-dir connect to it. Ctrl-C to stop.")

    service.serve(server, idle=idle * 60 if idle else None, databases=(obj.config.database,), on_ready=ready)
    click.echo("Stopped.")


@click.command()
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
        from ..store import embedded

        embedded.stop_server(folder)  # its server, if one runs, lets go of the files first
        shutil.rmtree(folder)
    started = time.monotonic()
    from ..kb import example_manifest

    manifest = example_manifest(example)
    with obj.open() as kb:
        for report in kb.load_manifest(manifest, progress=lambda e: progress_factory(Path(e["file"]).name)):
            click.echo(terminal_safe(report.summary()))
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


@click.command()
@click.option("--doc", type=click.Path(dir_okay=False, path_type=Path), help="Write the schema document here.")
def schema(doc):
    """Show the constraints and indexes generated from schema/model.yaml, or write the schema document.

    Example: eitgraph schema --doc schema/schema.md
    """
    from ..model.graph import load_model

    model = load_model()
    if doc:
        doc.write_text(model.markdown(), encoding="utf-8")
        click.echo(f"Wrote {doc}")
    else:
        for stmt in model.schema_statements():
            click.echo(stmt + ";")


@click.command()
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
                            progress=progress_factory("Asking the national address base"))
    click.echo(terminal_safe(report.summary()))
    if report.not_found:
        shown = ", ".join(report.not_found[:10]) + (f" and {len(report.not_found) - 10} more"
                                                      if len(report.not_found) > 10 else "")
        click.echo(terminal_safe(f"Not found: {shown} (check their addresses, or give Latitude/Longitude in a list)."))
    if report.load is not None:
        click.echo(terminal_safe(report.load.summary()))
