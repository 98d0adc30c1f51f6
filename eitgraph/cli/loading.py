"""Commands that load files and describe the source kinds: load, kinds, template."""

from __future__ import annotations

from pathlib import Path

import click

from .. import shipped
from ..load.blank_workbooks import write_template
from ..load.spec import LoaderSpec, available_kinds
from ..safety.writing import terminal_safe
from .context import Context, pairs, progress_factory
from .datasets import print_notes


@click.command()
@click.argument("kind", type=click.Choice(available_kinds()))
@click.argument("files", nargs=-1, required=True, type=click.Path(path_type=Path))  # checked by the loader
@click.option("--dry-run", is_flag=True, help="Validate and report what would be written; write nothing.")
@click.option("--dataset", "dataset_id", help="Dataset id [default: KIND:file name]; reloads replace it.")
@click.option("--sheet", help="Excel sheet name [default: the first sheet].")
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
def load(obj: Context, kind, files, dry_run, dataset_id, sheet, encoding, delimiter, options, force, strict,
         on_error, errors_file):
    """Load files of one source kind (validated first; one transaction per file).

    \b
    Examples:
        eitgraph load territory perimetre-epci-a-fp.csv -o departement=68
        eitgraph load stakeholders acteurs.xlsx --sheet Acteurs -o territory=PETR-THUR-DOLLER
        eitgraph load sirene StockEtablissement_extrait.csv --dry-run
    """
    opts = pairs(options, "--option")
    if dataset_id and len(files) > 1:
        raise click.BadParameter("--dataset names one dataset; give one file", param_hint="--dataset")
    with obj.open() as kb:
        for path in files:
            click.echo(terminal_safe(f"Reading and validating {path.name}…"), err=True)
            report = kb.load(kind, path, dataset_id=dataset_id, dry_run=dry_run, sheet=sheet, encoding=encoding,
                             delimiter=delimiter, force=force, strict=strict, on_error=on_error,
                             errors_file=errors_file, progress=progress_factory(path.name), **opts)
            click.echo(terminal_safe(report.summary()))
            print_notes(report)


@click.command()
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


@click.command()
@click.argument("kind", type=click.Choice(available_kinds()))
@click.option("--out", required=True, type=click.Path(path_type=Path), help="The .xlsx to write.")
@click.option("--lang", type=click.Choice(["fr", "en"]), default="fr", show_default=True)
def template(kind, out, lang):
    """Write a blank workbook for a source kind, with its headers and a help sheet.

    Example: eitgraph template diagnostics --out diagnostic-flux.xlsx
    """
    write_template(kind, out, lang)
    where = "the sheet « Fichier dimport » from row 4" if kind == "plans" else "the first sheet"
    click.echo(f"Wrote {out}: fill {where}, then 'eitgraph load {kind} {out}'.")
