"""The ``eitgraph`` command: a thin layer over :mod:`eitgraph.kb`, one module per family of commands
(:mod:`.store`, :mod:`.loading`, :mod:`.questions`, :mod:`.outputs`).

Library errors become one clear message and a non-zero exit; ``--debug`` shows the traceback. Commands
open the knowledge base (and import it) only when they need the store, so ``--help`` answers at once.
"""

from __future__ import annotations

import contextlib
import signal
from pathlib import Path

import click

from ..config import StoreConfig
from ..version import __version__
from . import datasets, loading, outputs, questions, store
from .context import Context, EitgraphGroup


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



for command in (store.init, loading.load, store.status, questions.query, questions.queries, store.serve, store.demo,
                store.schema, loading.kinds, loading.template, outputs.map_command, outputs.export_group,
                questions.indicators, outputs.report_command, outputs.dossier_command, datasets.datasets,
                datasets.drop, datasets.undo, datasets.duplicates, datasets.merge, store.geocode):
    cli.add_command(command)


def main() -> None:
    try:
        cli(prog_name="eitgraph")
    finally:
        # The command is done, or has failed and said so: a Ctrl-C now would only cut the store's clean
        # shutdown (and print nothing useful), so it is ignored while the process exits.
        with contextlib.suppress(ValueError):
            signal.signal(signal.SIGINT, signal.SIG_IGN)
