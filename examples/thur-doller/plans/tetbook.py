"""Fill a copy of the Territoires en Transitions plan import workbook (this example's build.py, the
tests and the benchmarks; not part of the library).

The copy keeps the template's header rows (group row, column headers, format and instruction rows)
and, unless asked otherwise, its pre-filled example row; actions are written from the first row
after it. Keys of each action are the column headers of row 2 as printed (« Titre de la fiche
action », « Structure pilote »…); « Montant 1 », « Montant 2 », « Montant 3 » are the « Montant € HT »
columns after « Financeur 1–3 ».
"""

from __future__ import annotations

import warnings
from pathlib import Path

from eitgraph import shipped
from eitgraph.values import fold

SHEET = "Fichier dimport"
HEADER_ROW = 2
EXAMPLE_ROW = 5


def template_path() -> Path:
    return shipped.path("reference", "tet-modele-import-plan.xlsx")


def write_tet_workbook(path: str | Path, actions: list[dict], keep_example: bool = True,
                       template: str | Path | None = None) -> Path:
    import openpyxl

    with warnings.catch_warnings():
        warnings.simplefilter("ignore")  # "Data Validation extension is not supported"
        wb = openpyxl.load_workbook(template or template_path())
    ws = wb[SHEET]
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
    first = EXAMPLE_ROW + 1
    if not keep_example:
        ws.delete_rows(EXAMPLE_ROW)
        first = EXAMPLE_ROW
    for offset, action in enumerate(actions):
        for key, value in action.items():
            col = columns.get(key) or folded.get(fold(key))
            if col is None:
                raise KeyError(f"no column {key!r} in the template; columns: {', '.join(columns)}")
            ws.cell(row=first + offset, column=col, value=value)
    path = Path(path)
    wb.save(path)
    return path
