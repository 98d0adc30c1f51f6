"""Writing query results: a terminal table, CSV, JSON or an Excel sheet."""

from __future__ import annotations

import datetime as dt
import json
from pathlib import Path

import pandas as pd

from .errors import ConfigError

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
