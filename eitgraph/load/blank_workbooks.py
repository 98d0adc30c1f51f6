"""Blank workbooks a consultancy or an officer can fill: one per source kind, French headers
(the first alias of each column), with a help sheet listing types, accepted values and options; for
``plans``, the Territoires en Transitions import template (its own help sheet), which TeT imports too."""

from __future__ import annotations

from pathlib import Path

from ..present.text import term, text
from ..safety.writing import write_output
from .sources.plans.workbook import blank_tet_workbook, save_for_tet
from .spec import LoaderSpec

ROWS = 2000  # data rows that offer the drop-down lists: more than a diagnostics campaign fills by hand


def write_template(kind: str, out: Path, lang: str = "fr") -> Path:
    """Write an empty .xlsx for ``kind``: a data sheet with the headers, and a help sheet.

    >>> import tempfile, openpyxl
    >>> p = write_template("diagnostics", Path(tempfile.mkdtemp()) / "modele.xlsx")
    >>> openpyxl.load_workbook(p)["Données"]["A1"].value
    'Site'
    """
    from openpyxl import Workbook
    from openpyxl.styles import Alignment, Font, PatternFill

    if kind == "plans":  # the Territoires en Transitions template itself, ready for TeT's importer too

        return save_for_tet(blank_tet_workbook()[0], out)
    spec = LoaderSpec.load(kind)
    headings = text(lang, "workbook.headings").split("|")
    yes, no = text(lang, "workbook.yes"), text(lang, "workbook.no")
    wb = Workbook()
    data = wb.active
    data.title = text(lang, "workbook.data")
    bold, fill = Font(bold=True), PatternFill("solid", fgColor="DDEBF7")
    for i, c in enumerate(spec.columns.values(), start=1):
        cell = data.cell(row=1, column=i, value=c.aliases[0])
        cell.font, cell.fill = bold, fill
        data.column_dimensions[cell.column_letter].width = max(14, len(c.aliases[0]) + 4)
    data.freeze_panes = "A2"
    sheet = wb.create_sheet(text(lang, "workbook.help"))
    sheet.append([f"{spec.kind}: {' '.join(spec.description.split())}"])
    sheet.append([])
    sheet.append(headings)
    for cell in sheet[3]:
        cell.font = bold
    for c in spec.columns.values():
        values = ", ".join(c.spellings)
        kind_text = term("value_type", c.type, lang) + (text(lang, "workbook.list") if c.list else "")
        sheet.append([c.aliases[0], yes if c.required else no, kind_text, values, ", ".join(c.aliases[1:]),
                      c.description])
    for letter, width in zip("ABCDEF", (30, 12, 36, 40, 60, 40), strict=True):
        sheet.column_dimensions[letter].width = width
    wrap = Alignment(wrap_text=True, vertical="top")
    for row in sheet.iter_rows(min_row=4):
        for cell in row:
            cell.alignment = wrap
    _pick_lists(wb, data, spec, lang)
    # Headers and help come from the loader mappings, not from users' files; the file is written safely.
    return write_output(out, lambda tmp: wb.save(tmp))


def _pick_lists(wb, data, spec: LoaderSpec, lang: str) -> None:
    """A drop-down list on each column with a closed set of values (and yes/no columns), kept in a hidden sheet
    (a list written in the rule itself cannot hold commas and stops at 255 characters). Another value gets a
    warning, not a refusal: the loader also reads the other spellings the help sheet lists."""
    from openpyxl.utils import get_column_letter, quote_sheetname
    from openpyxl.worksheet.datavalidation import DataValidation

    lists, written = None, 0
    for i, c in enumerate(spec.columns.values(), start=1):
        if c.list:  # several values in one cell: no single pick
            continue
        if c.choices is not None:
            options = list(c.spellings)
        elif c.type == "boolean":
            options = [text(lang, "workbook.yes"), text(lang, "workbook.no")]
        else:
            continue
        if lists is None:
            lists = wb.create_sheet(text(lang, "workbook.lists"))
            lists.sheet_state = "hidden"
        written += 1
        column = get_column_letter(written)
        lists[f"{column}1"] = c.aliases[0]
        for row, option in enumerate(options, start=2):
            lists[f"{column}{row}"] = option
        rule = DataValidation(type="list", allow_blank=True, errorStyle="warning", showErrorMessage=True,
                              showInputMessage=True, promptTitle=c.aliases[0][:32], prompt=text(lang, "workbook.pick"),
                              error=text(lang, "workbook.other"),
                              formula1=f"{quote_sheetname(lists.title)}!${column}$2:${column}${len(options) + 1}")
        letter = get_column_letter(i)
        rule.add(f"{letter}2:{letter}{ROWS + 1}")
        data.add_data_validation(rule)
