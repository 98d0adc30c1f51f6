"""Writing command results: a terminal table, CSV, JSON or an Excel sheet."""

from __future__ import annotations

import datetime as dt
import json
from pathlib import Path

import click
import pandas as pd

from ..errors import ConfigError

FORMATS = ("table", "csv", "json", "xlsx")


def _cell(value):
    if isinstance(value, list):
        return ", ".join(str(v) for v in value)
    return value


def _json_default(value):
    if isinstance(value, (dt.date, dt.datetime)):
        return value.isoformat()
    return str(value)


def render(df: pd.DataFrame, fmt: str) -> str:
    """Text for table, csv and json formats.

    >>> render(pd.DataFrame({"a": [1], "b": [["x", "y"]]}), "csv")
    'a,b\\n1,"x, y"\\n'
    """
    if fmt == "table":
        if df.empty:
            return "(no rows)"
        return df.map(_cell).to_string(index=False)
    if fmt == "csv":
        return df.map(_cell).to_csv(index=False)
    if fmt == "json":
        records = df.astype(object).where(df.notna(), None).to_dict(orient="records")
        return json.dumps(records, ensure_ascii=False, indent=2, default=_json_default)
    raise ConfigError(f"format {fmt!r} writes a file: give --out")


def write(df: pd.DataFrame, fmt: str, out: Path, sheet: str = "résultats") -> None:
    if fmt == "xlsx":
        df.map(_cell).to_excel(out, index=False, sheet_name=sheet[:31])
    else:
        out.write_text(render(df, fmt) + ("" if fmt == "csv" else "\n"), encoding="utf-8")


def emit(df: pd.DataFrame, fmt: str, out: Path | None, sheet: str = "résultats", noun: str = "rows",
         table: pd.DataFrame | None = None) -> None:
    """What the CLI does with a result: write ``out`` (its format from ``fmt``, or from the file suffix
    when ``fmt`` is ``table``), else print it; ``table`` is what a terminal table shows, if not ``df``."""
    if out:
        write(df, fmt if fmt != "table" else {".xlsx": "xlsx", ".json": "json"}.get(out.suffix, "csv"), out, sheet)
        click.echo(f"{len(df)} {noun} written to {out}")
        return
    if fmt == "xlsx":
        raise click.BadParameter("xlsx needs --out FILE", param_hint="--format")
    text = render(table if fmt == "table" and table is not None else df, fmt)
    click.echo(text, nl=not text.endswith("\n"))
