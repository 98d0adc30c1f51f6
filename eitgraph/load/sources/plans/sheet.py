"""Reading a Territoires en Transitions workbook as TeT's importer reads it: the sheet is found by its
content (the first sheet, in tab order and hidden ones included, whose A2 is « Axe (x) »), the headers
are on row 2, rows 1–3 are skipped by position and every row from 4 that holds a value is a row to read;
a merged cell is read as its range's top-left value.

Columns are still found by header text afterwards (:mod:`eitgraph.load.records`), not by position as
TeT does: that is eitgraph's documented difference.

On the way, what TeT would read differently is kept on the table for the transform to report: cells
still holding the template's help text (read as empty here), the template's own instruction and
example rows (skipped), a row 3 holding something else than the template's format row, rows that only
a merged cell fills, and how each non-text cell was held (a date, a number) because TeT reads dates and
amounts by the cell's type.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from pathlib import Path

from ....errors import InputError, Location
from ...excel import merged_ranges, open_workbook
from ...tables import EXCEL_SUFFIXES, Table, excel_cell_text, read_table
from .tetrules import FIRST_DATA_ROW, SHEET_MARK, column_letter
from .workbook import is_format_text, is_help_text, template_row

HEADER_ROW = 2


@dataclass
class TetTable(Table):
    """A table read from a TeT workbook, with what the transform needs to compare with TeT."""

    kinds: dict[tuple[int, int], str] = field(default_factory=dict)  # (row, column index) -> date|number|bool
    untrimmed: dict[tuple[int, int], str] = field(default_factory=dict)  # texts with spaces around, as written
    help_cells: list[tuple[int, int, str]] = field(default_factory=list)  # (row, column index, text) emptied
    template_rows: list[tuple[int, str]] = field(default_factory=list)  # (row, instructions|example) skipped
    merged_rows: list[tuple[int, str]] = field(default_factory=list)  # (row, range) rows only a merge fills
    row3: list[tuple[int, str]] = field(default_factory=list)  # (column index, text) not from the format row
    sheet_notes: list[tuple[str, str]] = field(default_factory=list)  # (code, message)

    def kind(self, row: int, index: int | None) -> str:
        return "text" if index is None else self.kinds.get((row, index), "text")


def read_tet(path: str | Path, sheet: str | None = None, encoding: str | None = None, delimiter: str | None = None,
             header_row: int = HEADER_ROW) -> TetTable:
    """Read the plan sheet of a TeT workbook (or a CSV saved from it: headers on row 2)."""
    path = Path(path)
    if path.suffix.lower() not in EXCEL_SUFFIXES:
        table = read_table(path, sheet, encoding, delimiter, HEADER_ROW)
        out = TetTable(table.file, None, table.header_row, table.headers, encoding=table.encoding,
                       delimiter=table.delimiter)
        _rows(out, table.rows, set())
        return out
    if not path.exists():
        raise InputError("file not found", Location(str(path)))
    wb = open_workbook(path)
    try:
        ws, notes = _find_sheet(wb, str(path), sheet)
        raw = list(ws.iter_rows(values_only=True))
        title = ws.title
    finally:
        wb.close()
    merges = merged_ranges(path, title)
    filled = _fill_merges(raw, merges)
    headers = [excel_cell_text(v) or "" for v in (raw[HEADER_ROW - 1] if len(raw) >= HEADER_ROW else ())]
    table = TetTable(str(path), title, HEADER_ROW, headers, sheet_notes=notes)
    if not any(headers):
        raise InputError("the sheet has no column headers on row 2", table.location(HEADER_ROW))
    rows = []
    for row_no, cells in enumerate(raw, start=1):
        if row_no <= HEADER_ROW:
            continue
        values = []
        for idx, value in enumerate(cells):
            if isinstance(value, (dt.datetime, dt.date)):
                table.kinds[(row_no, idx)] = "date"
            elif isinstance(value, bool):
                table.kinds[(row_no, idx)] = "bool"
            elif isinstance(value, (int, float)):
                table.kinds[(row_no, idx)] = "number"
            elif isinstance(value, str) and value.strip() and value != value.strip():
                table.untrimmed[(row_no, idx)] = value
            values.append(excel_cell_text(value))
        if any(v is not None for v in values):
            rows.append((row_no, values))
    _rows(table, rows, filled)
    if not table.rows:
        what = ("only the template's own rows" if table.template_rows else "no rows")
        raise InputError(f"the sheet has {what} from row {FIRST_DATA_ROW} on: no action to read",
                         table.location())
    return table


def _find_sheet(wb, file: str, sheet: str | None):
    """The sheet to read and the notes about it: the one named, else the first whose A2 is « Axe (x) »."""
    a2 = {ws.title: _a2(ws) for ws in wb.worksheets}
    if sheet is not None:
        if sheet not in wb.sheetnames:
            raise InputError(f"no sheet {sheet!r}; the workbook has {', '.join(map(repr, wb.sheetnames))}",
                             Location(file, sheet))
        notes = []
        if a2.get(sheet) != SHEET_MARK:
            found = next((t for t, v in a2.items() if v == SHEET_MARK), None)
            notes.append(("tet_sheet", f"sheet {sheet!r} read as asked; Territoires en Transitions reads the first "
                          f"sheet whose A2 is « {SHEET_MARK} » ("
                          + (f"here {found!r})" if found else "none here: it would refuse this file)")))
        return wb[sheet], notes
    for ws in wb.worksheets:
        if a2[ws.title] == SHEET_MARK:
            notes = [] if ws.title == "Fichier dimport" else [
                ("sheet", f"read sheet {ws.title!r}: the first whose A2 is « {SHEET_MARK} »")]
            return ws, notes
    for ws in wb.worksheets:
        if (a2[ws.title] or "").strip().casefold() == SHEET_MARK.casefold():
            return ws, [("tet_sheet", f"read sheet {ws.title!r}, whose A2 is {a2[ws.title]!r}: Territoires en "
                         f"Transitions looks for exactly « {SHEET_MARK} » and would not find the sheet "
                         "(« L'onglet des données n'a pas été trouvé »); write « Axe (x) » in A2")]
    listed = "; ".join(f"{t!r} (A2: {v!r})" if v else f"{t!r} (A2 empty)" for t, v in a2.items())
    hint = ""
    row1 = [ws.title for ws in wb.worksheets if _cell(ws, 1, 1) == SHEET_MARK]
    if row1:
        hint = (f" Sheet {row1[0]!r} has « {SHEET_MARK} » in A1: its first row (the template's group titles) "
                "seems deleted; insert a row above the headers.")
    raise InputError(f"no sheet of this workbook is a Territoires en Transitions plan: expected « {SHEET_MARK} » in "
                     f"cell A2 (the template's column headers on row 2, actions from row {FIRST_DATA_ROW}), as TeT's "
                     f"importer finds its sheet. The workbook has: {listed}.{hint} Give --sheet to read another "
                     "sheet, or load a plain plan with the plan-form kind.", Location(file))


def _cell(ws, row: int, col: int):
    for values in ws.iter_rows(min_row=row, max_row=row, min_col=col, max_col=col, values_only=True):
        return values[0] if values else None
    return None


def _a2(ws) -> str | None:
    value = _cell(ws, 2, 1)
    return None if value is None else str(value)


def _fill_merges(raw: list[tuple], merges: list[tuple[int, int, int, int]]) -> dict[tuple[int, int], str]:
    """Give every cell of a merged range its top-left value (in place); the cells filled, with the range."""
    filled: dict[tuple[int, int], str] = {}
    for r0, c0, r1, c1 in merges:
        if r0 - 1 >= len(raw) or c0 - 1 >= len(raw[r0 - 1]):
            continue
        value = raw[r0 - 1][c0 - 1]
        if value is None:
            continue
        name = f"{column_letter(c0 - 1)}{r0}:{column_letter(c1 - 1)}{r1}"
        for r in range(r0, min(r1, len(raw)) + 1):
            row = list(raw[r - 1])
            if len(row) < c1:
                row.extend([None] * (c1 - len(row)))
            for c in range(c0, c1 + 1):
                if (r, c) != (r0, c0):
                    row[c - 1] = value
                    filled[(r, c - 1)] = name
            raw[r - 1] = tuple(row)
    return filled


def _rows(table: TetTable, rows: list[tuple[int, list[str | None]]], filled: dict[tuple[int, int], str]) -> None:
    """Rows from 4 on into the table: row 3 checked, the template's own rows skipped, help text emptied."""
    for row_no, values in rows:
        if row_no < FIRST_DATA_ROW:
            table.row3.extend((i, v) for i, v in enumerate(values) if v and not is_format_text(v))
            continue
        own = {i for i, v in enumerate(values) if v is not None and (row_no, i) not in filled}
        if not own:
            ranges = sorted({filled[(row_no, i)] for i, v in enumerate(values) if v is not None})
            table.merged_rows.append((row_no, ", ".join(ranges)))
            continue
        what = template_row([v for i, v in enumerate(values) if v and i in own])
        if what:
            table.template_rows.append((row_no, what))
            continue
        for i, v in enumerate(values):
            if v and is_help_text(v):
                table.help_cells.append((row_no, i, v))
                values[i] = None
        if any(v is not None for v in values):
            table.rows.append((row_no, values))
