"""Where the header is: title rows above it (consultancies' workbooks), sheets to look through."""

from __future__ import annotations

import csv
import zipfile
from pathlib import Path

from ..errors import InputError, Location
from .excel import open_workbook
from .streams import decode, zip_member
from .tables import DELIMITERS, EXCEL_SUFFIXES, excel_cell_text

HEADER_SEARCH_ROWS = 30


def sheet_names(path: str | Path) -> list[str]:
    """The sheets of a workbook, in order (a CSV file has none)."""
    path = Path(path)
    if path.suffix.lower() not in EXCEL_SUFFIXES:
        return []
    wb = open_workbook(path)
    try:
        return list(wb.sheetnames)
    finally:
        wb.close()


def first_rows(path: str | Path, sheet: str | None = None, encoding: str | None = None,
               delimiter: str | None = None, limit: int = HEADER_SEARCH_ROWS) -> list[tuple[int, list[str | None]]]:
    """The first ``limit`` rows of a CSV file (or the CSV of a zip archive) or of a sheet, as (row number, text
    cells), empty rows left out: where to look for the header row."""
    path = Path(path)
    file = str(path)
    out: list[tuple[int, list[str | None]]] = []
    if path.suffix.lower() in EXCEL_SUFFIXES:
        wb = open_workbook(path)
        try:
            if sheet is not None and sheet not in wb.sheetnames:
                raise InputError(f"no sheet {sheet!r}; the workbook has {', '.join(map(repr, wb.sheetnames))}",
                                 Location(file, sheet))
            ws = wb[sheet] if sheet is not None else wb.worksheets[0]
            for row_no, cells in enumerate(ws.iter_rows(values_only=True, max_row=limit), start=1):
                values = [excel_cell_text(c) for c in cells]
                if any(v is not None for v in values):
                    out.append((row_no, values))
        except InputError:
            raise
        except Exception as exc:  # a damaged workbook: openpyxl fails in many ways; the reader says where
            raise InputError(f"cannot read the workbook: {type(exc).__name__}", Location(file, sheet)) from None
        finally:
            wb.close()
        return out
    if path.suffix.lower() == ".zip":
        with zipfile.ZipFile(path) as zf, zf.open(zip_member(path)) as fh:
            data = fh.read(1 << 20)
    else:
        with open(path, "rb") as fh:
            data = fh.read(1 << 20)
    if not data.strip():
        return out
    try:
        text, _ = decode(data, file, encoding)
    except InputError:  # a character cut at the end of the sample
        text, _ = decode(data[: data.rfind(b"\n") + 1] or data, file, encoding)
    lines = text.splitlines()[: limit]
    delim = delimiter or max(DELIMITERS, key=lambda d: sum(line.count(d) for line in lines))
    reader = csv.reader(lines, delimiter=delim)
    row_no = 0
    while True:
        try:
            cells = next(reader)
        except StopIteration:
            break
        except csv.Error:  # a cell too long, a quote left open: the reader says where, when it reads the file
            break
        row_no += 1
        values = [c.strip() or None for c in cells]
        if any(v is not None for v in values):
            out.append((row_no, values))
    return out


def find_header_row(rows: list[tuple[int, list[str | None]]], score) -> tuple[int | None, int]:
    """(row number, score) of the row that looks most like a header: the most cells ``score`` recognises
    (at least two), the first such row on a tie; (None, best score) when none does."""
    best_row, best = None, 0
    for row_no, cells in rows:
        n = score(cells)
        if n > best:
            best_row, best = row_no, n
    return (best_row, best) if best >= 2 else (None, best)
