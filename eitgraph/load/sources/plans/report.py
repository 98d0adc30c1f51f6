"""Warnings about the workbook as a whole, from what the reader (:mod:`.sheet`) kept: which sheet was
read, headers Territoires en Transitions would refuse, row 3, the template's own rows, help text left
in cells, rows only a merged cell fills."""

from __future__ import annotations

from collections import defaultdict

from .tetrules import column_letter, header_mismatch

TET = "Territoires en Transitions"


def _short(text: str, n: int = 40) -> str:
    text = " ".join(text.split())
    return text if len(text) <= n else text[: n - 1] + "…"


def sheet(table, warn) -> None:
    """Warnings about the sheet, its headers and the rows it skipped or emptied."""
    if not hasattr(table, "sheet_notes"):
        return
    for code, message in table.sheet_notes:
        warn(code, message, table.location())
    mismatch = header_mismatch(table.headers)
    if mismatch:
        warn("tet_headers", f"{TET} checks the 28 headers of row 2 by position and would refuse this file (« "
                            f"{mismatch} »); eitgraph finds the columns by their header text and reads it",
             table.location(table.header_row))
    if table.row3:
        cells = ", ".join(f"{column_letter(i)}3 « {_short(t)} »" for i, t in table.row3[:4])
        warn("row3_not_read", f"row 3 is not read ({TET} skips rows 1–3; row 3 is the template's format row) but holds "
                              f"{cells}: if it is an action, insert a row above it", table.location(3))
    for row, what in table.template_rows:
        name = "instruction row" if what == "instructions" else "pre-filled example row"
        warn("template_row", f"the template's {name} is still there: skipped; {TET} reads every row from 4 as an "
                             "action and would refuse this file: delete it", table.location(row))
    by_row: dict[int, list[tuple[int, str]]] = defaultdict(list)
    for row, idx, text in table.help_cells:
        by_row[row].append((idx, text))
    for row, cells in by_row.items():
        names = ", ".join(f"« {_header(table, i)} »" for i, _ in cells)
        warn("help_text", f"the template's help text is left in {names} (« {_short(cells[0][1])} »): read as empty; "
                          f"{TET} would read it as the cell's value (in « Titre de la sous-action » it makes a "
                          "sous-action and refuses the file): empty these cells",
             table.location(row, _header(table, cells[0][0])))
    for row, ranges in table.merged_rows:
        warn("merged_row", f"the row holds only the merged cell {ranges}: skipped; {TET} reads it as an action "
                           "without title and would refuse the file: end the merged range on the last action",
             table.location(row))


def _header(table, idx: int) -> str:
    return (table.headers[idx] if idx < len(table.headers) else "") or column_letter(idx)
