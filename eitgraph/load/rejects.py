"""The rows a lenient load (``--on-error skip``) left out, handed back as a workbook.

Each rejected row keeps its original columns, in the file's order, followed by « Erreur »: every
problem found on the row, with file, sheet, row and column. Cells are written through
:mod:`eitgraph.safety.writing`: as text, so a value that starts like a formula stays a value, without control
characters; the workbook is readable by its owner only (it holds the file's data).
"""

from __future__ import annotations

from pathlib import Path

from ..safety.writing import write_xlsx


def write_rejects(path: Path, table, rejected: dict[int, list[str]]) -> Path:
    """Write the rejected rows of ``table`` with their problems to ``path`` (an .xlsx)."""
    headers = [*(h or "" for h in table.headers), "Erreur"]
    width = len(table.headers)
    rows = ([*cells[:width], *[None] * (width - len(cells[:width])), "\n".join(rejected[row_no])]
            for row_no, cells in table.rows if row_no in rejected)

    def widen(wb) -> None:
        ws = wb.worksheets[0]
        ws.column_dimensions[ws.cell(row=1, column=len(headers)).column_letter].width = 80

    return write_xlsx(path, [("Rejets", headers, rows)], private=True, after=widen)
