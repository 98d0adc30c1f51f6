"""Fill a copy of the Territoires en Transitions plan import workbook (this example's build.py, the
tests and the benchmarks; not part of the library).

The copy is the shipped template brought to TeT's current importer (D2 « Titre de l'action », the
template's instruction and example rows emptied, so actions start on row 4) and saved so that TeT's
reader opens it: the workbooks written here can be imported into Territoires en Transitions as they are.
Keys of each action are the column headers of row 2 as printed (« Titre de l'action » — or the 2023
« Titre de la fiche action » —, « Structure pilote »…); « Montant 1 », « Montant 2 », « Montant 3 » are the
« Montant € HT » columns after « Financeur 1–3 ». ``keep_help_rows`` keeps the template's rows 4–5 (as an
officer who did not delete them) and writes the actions from row 6.
"""

from __future__ import annotations

import datetime as dt
from pathlib import Path

from eitgraph.load.sources.plans.workbook import blank_tet_workbook, save_for_tet
from eitgraph.values import fold

HEADER_ROW = 2
ALIASES = {fold("Titre de la fiche action"): fold("Titre de l'action")}
FIXED_TIME = dt.datetime(2025, 1, 1)  # the same bytes at every build


def write_tet_workbook(path: str | Path, actions: list[dict], keep_help_rows: bool = False) -> Path:
    wb, ws = blank_tet_workbook(keep_help_rows=keep_help_rows)
    columns: dict[str, int] = {}
    funder = 0
    for cell in ws[HEADER_ROW]:
        if cell.value is None:
            continue
        header = str(cell.value).strip()
        if fold(header).startswith("financeur"):
            funder = int(header.split()[-1])
        if fold(header).startswith("montant") and funder:
            columns[f"Montant {funder}"] = cell.column
            continue
        columns.setdefault(header, cell.column)
    folded = {fold(k): v for k, v in columns.items()}
    first = 6 if keep_help_rows else 4
    for offset, action in enumerate(actions):
        for key, value in action.items():
            col = columns.get(key) or folded.get(ALIASES.get(fold(key), fold(key)))
            if col is None:
                raise KeyError(f"no column {key!r} in the template; columns: {', '.join(columns)}")
            ws.cell(row=first + offset, column=col, value=value)
    wb.properties.creator = wb.properties.lastModifiedBy = "eitgraph"
    return save_for_tet(wb, Path(path), fixed_time=FIXED_TIME)
