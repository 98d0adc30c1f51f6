"""CLI commands about datasets as objects: list them, see their history, drop, undo, and find or
merge organisations that two files name differently."""

from __future__ import annotations

import json
import sys

import click

from ..errors import EitgraphError
from ..safety.writing import terminal_safe


def print_notes(report, limit: int = 12) -> None:
    """The warnings of a load, as a short list on stderr (all of them stay on the Dataset node)."""
    notes = report.notes
    if not notes:
        return
    click.secho(f"{len(notes)} warning(s):", fg="yellow", err=True)
    for n in notes[:limit]:
        click.echo(f"  - {_terminal_safe(str(n))}", err=True)
    if len(notes) > limit:
        click.echo(f"  … and {len(notes) - limit} more: eitgraph datasets --warnings {report.dataset}", err=True)


def _terminal_safe(text: str) -> str:
    """Control characters from a file never reach the terminal as escape sequences."""
    return "".join(ch if ch in "\n\t" or (ord(ch) >= 32 and ord(ch) != 127) else f"\\x{ord(ch):02x}" for ch in text)


@click.command()
@click.argument("dataset", required=False)
@click.option("--history", is_flag=True, help="Every load, drop and undo of DATASET, with the files kept.")
@click.option("--warnings", "show_warnings", is_flag=True, help="The warnings of DATASET's last load.")
@click.option("--all", "include_dropped", is_flag=True, help="Include dropped datasets.")
@click.pass_obj
def datasets(obj, dataset, history, show_warnings, include_dropped):
    """The datasets loaded: id, kind, file, rows, when, checksum and what each holds.

    \b
    Examples:
        eitgraph datasets
        eitgraph datasets --history stakeholders:acteurs
        eitgraph datasets --warnings diagnostics:diagnostics
    """
    if (history or show_warnings) and not dataset:
        raise click.UsageError("--history and --warnings need a DATASET")
    with obj.open(quick=True) as kb:
        if history:
            for i, e in enumerate(kb.history(dataset), start=1):
                kept = "copy kept" if e.get("copy") else "no copy"
                what = e.get("action")
                if what == "undo":
                    what = "undo (back to version #" + str(e.get("state", -1) + 1) + ")" if e.get("state", -1) >= 0 \
                        else "undo (back to before its first load)"
                click.echo(f"#{i}  {e.get('at')}  {what:<10} {_terminal_safe(e.get('file') or '')}  "
                           f"{(e.get('sha256') or '')[:12]}  {e.get('rows') or ''}  {kept}")
            return
        rows = kb.datasets(include_dropped=include_dropped or bool(dataset))
        if dataset:
            rows = [r for r in rows if r["dataset"] == dataset]
            if not rows:
                raise EitgraphError(f"no dataset {dataset!r}; 'eitgraph datasets' lists them")
        if show_warnings:
            found = kb.store.records("MATCH (d:Dataset {id: $id}) RETURN d.warnings AS w", {"id": dataset})
            for w in json.loads(found[0]["w"] or "[]"):
                where = ", ".join(str(x) for x in (w.get("file"), w.get("sheet") and f"sheet {w['sheet']!r}",
                                                   w.get("row") and f"row {w['row']}",
                                                   w.get("column") and f"column {w['column']!r}") if x)
                click.echo(_terminal_safe(f"{where}: {w['message']}" if where else w["message"]))
            return
    if not rows:
        click.echo("No dataset loaded yet: try 'eitgraph demo' or 'eitgraph load'.")
        return
    for r in rows:
        holds = ", ".join(f"{v} {k}" for k, v in r["holds"].items()) or "nothing"
        flag = " (dropped)" if r["dropped"] else ""
        click.echo(_terminal_safe(f"{r['dataset']}{flag}  [{r['kind']}]  {r['file'] or ''}  {r['rows'] or 0} rows  "
                                  f"{r['loaded_at']}  sha256 {r['sha256']}  versions {r['versions']}  "
                                  f"warnings {r['warnings']}"))
        click.echo(f"    holds {holds}")


@click.command()
@click.argument("dataset")
@click.option("--dry-run", is_flag=True, help="Say what would be removed; remove nothing.")
@click.option("--force", is_flag=True, help="Lift the deletion cap (what other datasets use is never removed).")
@click.option("--yes", is_flag=True, help="Do not ask for confirmation.")
@click.pass_obj
def drop(obj, dataset, dry_run, force, yes):
    """Remove a dataset: what only it holds is deleted; what other datasets also hold stays, with
    their values. Its files stay in the history ('eitgraph undo' puts it back).

    Example: eitgraph drop stakeholders:acteurs-v3 --dry-run
    """
    with obj.open() as kb:
        plan = kb.drop(dataset, dry_run=True, force=True)
        click.echo(plan.summary())
        if dry_run:
            return
        if not force and not yes and sys.stdin.isatty():
            click.confirm(f"Drop {dataset}?", abort=True)
        report = kb.drop(dataset, force=force or yes)
        click.echo(terminal_safe(report.summary()))


@click.command()
@click.option("--dry-run", is_flag=True, help="Say what would be put back; change nothing.")
@click.pass_obj
def undo(obj, dry_run):
    """Put back the previous version of the dataset changed last (from the copy of its file kept in
    the data folder); a dataset loaded once is removed. Repeat to go further back.

    Example: eitgraph undo
    """
    with obj.open() as kb:
        report = kb.undo(dry_run=dry_run)
    click.echo(terminal_safe(report.summary()))


@click.command()
@click.option("--cutoff", type=click.FloatRange(0.5, 1.0), default=0.85, show_default=True,
              help="How close two names must be (0.5–1).")
@click.pass_obj
def duplicates(obj, cutoff):
    """Organisations that are probably one (same or close names), to check and merge.

    Example: eitgraph duplicates
    """
    with obj.open(quick=True) as kb:
        df = kb.duplicates(cutoff)
    if df.empty:
        click.echo("No probable duplicates.")
        return
    for r in df.itertuples(index=False):
        click.echo(_terminal_safe(f"{r.id} « {r.name} » ({r.commune or '?'})  ~  {r.other_id} « {r.other_name} » "
                                  f"({r.other_commune or '?'}): {r.reason}, similarity {r.similarity:.2f}"))
    click.echo("Merge a pair with: eitgraph merge KEEP_ID OTHER_ID")


@click.command()
@click.argument("keep")
@click.argument("other")
@click.pass_obj
def merge(obj, keep, other):
    """Make one organisation of two: OTHER's values, datasets and links move to KEEP, and later loads
    of the files that name OTHER name KEEP.

    Example: eitgraph merge suez-rv-68224 suez
    """
    with obj.open() as kb:
        done = kb.merge(keep, other)
    click.echo(f"{keep} and {other} are now one organisation: {done['kept']}. The decision is kept as dataset "
               "decisions:same-as ('eitgraph undo' takes it back).")
