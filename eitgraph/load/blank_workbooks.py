"""Blank workbooks a consultancy or an officer can fill: one per source kind, French headers
(the first alias of each column), with a help sheet listing types, accepted values and options."""

from __future__ import annotations

from pathlib import Path

from ..safe import write_output
from .spec import LoaderSpec

TYPE_HELP = {
    "fr": {"string": "texte", "number": "nombre (virgule décimale acceptée)", "integer": "nombre entier",
           "count": "nombre entier positif ou nul",
           "siret": "SIRET (14 chiffres, clé de Luhn)", "siren": "SIREN (9 chiffres)",
           "insee": "code INSEE de commune (5 caractères)", "departement": "code département",
           "naf": "code NAF rév. 2 (20.13B)", "boolean": "oui / non", "score": "1, 2, 3 ou faible / moyen / fort",
           "date": "date (31/03/2024)"},
    "en": {"string": "text", "number": "number (decimal comma accepted)", "integer": "whole number",
           "count": "whole number, zero or more",
           "siret": "SIRET (14 digits, Luhn key)", "siren": "SIREN (9 digits)", "insee": "INSEE commune code",
           "departement": "département code", "naf": "NAF rev. 2 code (20.13B)", "boolean": "yes / no",
           "score": "1, 2, 3 or low / medium / high", "date": "date (2024-03-31)"},
}
HEADINGS = {
    "fr": ("Colonne", "Obligatoire", "Type", "Valeurs acceptées", "Autres en-têtes reconnus", "Description",
           "Aide", "oui", "non", "Données"),
    "en": ("Column", "Required", "Type", "Accepted values", "Other recognised headers", "Description",
           "Help", "yes", "no", "Data"),
}


def write_template(kind: str, out: Path, lang: str = "fr") -> Path:
    """Write an empty .xlsx for ``kind``: a data sheet with the headers, and a help sheet.

    >>> import tempfile, openpyxl
    >>> p = write_template("diagnostics", Path(tempfile.mkdtemp()) / "modele.xlsx")
    >>> openpyxl.load_workbook(p)["Données"]["A1"].value
    'Site'
    """
    from openpyxl import Workbook
    from openpyxl.styles import Font, PatternFill

    spec = LoaderSpec.load(kind)
    col, req, typ, accepted, others, desc, help_title, yes, no, data_title = HEADINGS[lang]
    wb = Workbook()
    data = wb.active
    data.title = data_title
    bold, fill = Font(bold=True), PatternFill("solid", fgColor="DDEBF7")
    for i, c in enumerate(spec.columns.values(), start=1):
        cell = data.cell(row=1, column=i, value=c.aliases[0])
        cell.font, cell.fill = bold, fill
        data.column_dimensions[cell.column_letter].width = max(14, len(c.aliases[0]) + 4)
    data.freeze_panes = "A2"
    sheet = wb.create_sheet(help_title)
    sheet.append([f"{spec.kind}: {' '.join(spec.description.split())}"])
    sheet.append([])
    sheet.append([col, req, typ, accepted, others, desc])
    for cell in sheet[3]:
        cell.font = bold
    for c in spec.columns.values():
        values = ", ".join(c.spellings)
        kind_text = TYPE_HELP[lang].get(c.type, c.type) + (" (liste séparée par |)" if c.list and lang == "fr"
                                                            else " (list separated by |)" if c.list else "")
        sheet.append([c.aliases[0], yes if c.required else no, kind_text, values, ", ".join(c.aliases[1:]),
                      c.description])
    for letter, width in zip("ABCDEF", (30, 12, 36, 40, 60, 40), strict=True):
        sheet.column_dimensions[letter].width = width
    # Headers and help come from the loader mappings, not from users' files; the file is written safely.
    return write_output(out, lambda tmp: wb.save(tmp))
