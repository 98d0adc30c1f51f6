"""Commands that load files and describe the source kinds: load, kinds, template."""

from __future__ import annotations

from pathlib import Path

import click

from .. import shipped
from ..safety.writing import terminal_safe
from ..values import parse_boolean
from .context import Context, pairs, progress_factory
from .datasets import print_notes


@click.command()
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
    kind, files = (args[0], args[1:]) if args[0] in shipped.loader_kinds() and not Path(args[0]).is_file() else (None, args)
    if not files:
        raise click.UsageError(f"give the file(s) to load as {kind}: eitgraph load {kind} FILE")
    opts = pairs(options, "--option")
    if "strict" in opts:  # -o strict=true: the load's strict rule (SIRENE: communes outside the graph)
        strict = strict or parse_boolean(opts.pop("strict"))
    if dataset_id and len(files) > 1:
        raise click.BadParameter("--dataset names one dataset; give one file", param_hint="--dataset")
    with obj.open() as kb:
        for name in files:
            path, file_kind = _input(name, kind, sheet)
            click.echo(terminal_safe(f"Reading and validating {path.name}…"), err=True)
            report = kb.load(file_kind, path, dataset_id=dataset_id, dry_run=dry_run, sheet=sheet, encoding=encoding,
                             delimiter=delimiter, force=force, strict=strict, on_error=on_error,
                             errors_file=errors_file, header_row=header_row,
                             progress=progress_factory(path.name), **opts)
            click.echo(terminal_safe(report.summary()))
            print_notes(report)


def _input(name: str, kind: str | None, sheet: str | None) -> tuple[Path, str]:
    """The file to read (a shipped reference file by its name) and its kind (recognised from its headers
    when not given), each said on stderr."""
    from ..load.recognise import recognise, resolve_input

    path, from_reference = resolve_input(name)
    if from_reference:
        click.echo(terminal_safe(f"{name}: the reference file shipped with eitgraph ({path})"), err=True)
    if kind is not None:
        return path, kind
    guess = recognise(path, sheet)
    click.echo(terminal_safe(f"{path.name}: read as {guess.kind} (recognised from its headers: "
                             f"{', '.join(guess.headers[:6])}); give the kind first to choose another"), err=True)
    return path, guess.kind


@click.command()
@click.argument("kind", type=click.Choice(shipped.loader_kinds()), required=False)
def kinds(kind):
    """List the source kinds, or the columns and options of one.

    Example: eitgraph kinds stakeholders
    """
    from ..load.spec import LoaderSpec

    for name in [kind] if kind else shipped.loader_kinds():
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
@click.argument("kind", type=click.Choice(shipped.loader_kinds()))
@click.option("--out", required=True, type=click.Path(path_type=Path), help="The .xlsx to write.")
@click.option("--lang", type=click.Choice(["fr", "en"]), default="fr", show_default=True)
def template(kind, out, lang):
    """Write a blank workbook for a source kind, with its headers and a help sheet.

    Example: eitgraph template diagnostics --out diagnostic-flux.xlsx
    """
    from ..load.blank_workbooks import write_template

    write_template(kind, out, lang)
    where = "the sheet « Fichier dimport » from row 4" if kind == "plans" else "the first sheet"
    click.echo(f"Wrote {out}: fill {where}, then 'eitgraph load {kind} {out}'.")
