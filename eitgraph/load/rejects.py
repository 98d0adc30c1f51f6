"""The rows a lenient load (``--on-error skip``) left out, handed back as a workbook.

Each rejected row keeps its original columns, in the file's order, followed by « Erreur »: every
problem found on the row, with file, sheet, row and column. Cells are written as text, so a value
that starts like a formula stays a value.
"""

from __future__ import annotations

import os
from pathlib import Path

from openpyxl import Workbook
from openpyxl.cell.cell import TYPE_STRING
from openpyxl.styles import Font

from ..errors import EitgraphError


def _text_cell(ws, row: int, col: int, value) -> None:
    cell = ws.cell(row=row, column=col)
    if value is None:
        return
    cell.value = "".join(ch for ch in str(value) if ch in "\t\n" or ord(ch) >= 32)
    cell.data_type = TYPE_STRING  # never a formula


def write_rejects(path: Path, table, rejected: dict[int, list[str]]) -> Path:
    """Write the rejected rows of ``table`` with their problems to ``path`` (an .xlsx)."""
    wb = Workbook()
    ws = wb.active
    ws.title = "Rejets"
    headers = [*(h or "" for h in table.headers), "Erreur"]
    for j, h in enumerate(headers, start=1):
        _text_cell(ws, 1, j, h)
        ws.cell(row=1, column=j).font = Font(bold=True)
    out = 2
    for row_no, cells in table.rows:
        if row_no not in rejected:
            continue
        for j, value in enumerate(cells, start=1):
            _text_cell(ws, out, j, value)
        _text_cell(ws, out, len(headers), "\n".join(rejected[row_no]))
        out += 1
    ws.freeze_panes = "A2"
    ws.column_dimensions[ws.cell(row=1, column=len(headers)).column_letter].width = 80
    try:
        tmp = path.with_name(path.name + ".tmp")
        wb.save(tmp)
        os.chmod(tmp, 0o600)
        os.replace(tmp, path)
    except OSError as exc:
        raise EitgraphError(f"cannot write the rejected rows to {path}: {exc.strerror or exc}") from None
    return path
