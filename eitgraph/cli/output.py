"""Writing query results: a terminal table, CSV, JSON or an Excel sheet.

Every spreadsheet goes through :mod:`eitgraph.safety.writing` (no live formula, no control character) and every
file through its safe writer; what reaches the terminal has its control characters escaped.
"""

from __future__ import annotations

import datetime as dt
import json
import re
from pathlib import Path

import click
import pandas as pd

from ..errors import ConfigError
from ..present.text import people_frame
from ..safety.writing import (
    csv_excel_text,
    csv_frame,
    flat,
    terminal_safe,
    write_csv_excel,
    write_frame_xlsx,
    write_output,
)

# What people read (French headers and words by default); csv and json are for scripts (raw names and codes).
FOR_PEOPLE = ("table", "xlsx", "csv-excel")
_JSON_UNSAFE = re.compile(r"[\x7f-\x9f\u202a-\u202e\u2066-\u2069]")


def _json_default(value):
    if isinstance(value, (dt.date, dt.datetime)):
        return value.isoformat()
    return str(value)


def render(df: pd.DataFrame, fmt: str) -> str:
    """Text for table, csv and json formats.

    >>> render(pd.DataFrame({"a": [1, -2], "b": [["x", "y"], "=1+1"]}), "csv")
    'a,b\\n1,"x, y"\\n-2,\\'=1+1\\n'
    """
    if fmt == "table":
        if df.empty:
            return "(no rows)"
        return terminal_safe(df.map(flat).to_string(index=False))
    if fmt == "csv":
        return csv_frame(df).to_csv(index=False)
    if fmt == "csv-excel":
        return csv_excel_text(df)
    if fmt == "json":
        records = df.astype(object).where(df.notna(), None).to_dict(orient="records")
        text = json.dumps(records, ensure_ascii=False, indent=2, default=_json_default)
        # JSON escapes C0 controls itself; C1 controls and bidirectional overrides only inside strings.
        return _JSON_UNSAFE.sub(lambda m: f"\\u{ord(m[0]):04x}", text)
    raise ConfigError(f"format {fmt!r} writes a file: give --out")


def file_format(fmt: str, out: Path | None) -> str:
    """The format written: ``fmt``, or for ``table`` with a file, the one its suffix says (csv by default)."""
    if fmt != "table" or out is None:
        return fmt
    return {".xlsx": "xlsx", ".json": "json"}.get(out.suffix.lower(), "csv")


def output_lang(fmt: str, out: Path | None, lang: str | None) -> str:
    """``lang``, or by default French for what people read (:data:`FOR_PEOPLE`) and ``en`` (raw) for scripts."""
    return lang or ("fr" if file_format(fmt, out) in FOR_PEOPLE else "en")


def write(df: pd.DataFrame, fmt: str, out: Path, sheet: str = "résultats") -> None:
    if fmt == "xlsx":
        write_frame_xlsx(df, out, sheet)
    elif fmt == "csv-excel":
        write_csv_excel(df, out)
    else:
        text = render(df, fmt) + ("" if fmt == "csv" else "\n")
        write_output(out, lambda tmp: tmp.write_text(text, encoding="utf-8", newline=""))


def emit(df: pd.DataFrame, fmt: str, out: Path | None, sheet: str = "résultats", noun: str = "rows",
         table: pd.DataFrame | None = None, lang: str | None = None) -> None:
    """What the CLI does with a result: write ``out`` (its format from ``fmt``, or from the file suffix
    when ``fmt`` is ``table``), else print it; ``table`` is what a terminal table shows, if not ``df``.
    ``lang="fr"``: headers and coded values in French (:func:`~eitgraph.present.text.people_frame`)."""
    if lang == "fr":
        df = people_frame(df, lang)
        table = None if table is None else people_frame(table, lang)
    if out:
        write(df, file_format(fmt, out), out, sheet)
        click.echo(terminal_safe(f"{len(df)} {noun} written to {out}"))
        return
    if fmt == "xlsx":
        raise click.BadParameter("xlsx needs --out FILE", param_hint="--format")
    text = render(table if fmt == "table" and table is not None else df, fmt)
    click.echo(text, nl=not text.endswith("\n"))
