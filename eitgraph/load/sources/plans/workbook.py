"""The Territoires en Transitions import workbook's own content: its instruction row and pre-filled
example row, the help texts officers leave in cells, its format row, and the « Montant » column that
follows each « Financeur » column.

The texts come from the shipped template (``reference/tet-modele-import-plan.xlsx``, rows 4 and 5),
plus the openings of TeT's help sentences, so that help text is recognised even when a cell keeps only
its first lines.

>>> is_help_text("Choisissez l'option qui correspond le mieux dans la liste déroulante aux réponses (choix unique).")
True
>>> is_help_text("Présentez en quelques lignes le descriptif."), is_help_text("Composteurs de quartier")
(True, False)
"""

from __future__ import annotations

import warnings
from functools import lru_cache

import openpyxl

from .... import shipped
from ....values import fold
from ...records import Record
from ...tables import excel_cell_text

PLACEHOLDER = "Ces informations devront être saisies directement sur la plateforme après l'import."
# Openings of the template's help sentences (folded), whatever column they were left in.
HELP_OPENINGS = tuple(fold(t) for t in (
    "Si vos axes sont numérotés", "Si vos sous-axes sont numérotés", "Si vos sous-sous-axes sont numérotés",
    "Texte court de 300 caractères", "Ce champ ne sera pas intégré lors de l'importation",
    "Présentez en quelques lignes", "Reseignez ici le nom", "Renseignez ici le nom",
    "Utilisez exactement la même écriture", "Plusieurs services peuvent être indiqués", "Créez sous la forme",
    "Choisissez l'option qui correspond", "Saisissez un nombre entier", "Saisissez une date sous le format",
    "Indiquer si l'action est en amélioration continue", "Ces informations devront être saisies",
))


@lru_cache(maxsize=1)
def template_texts() -> tuple[frozenset[str], frozenset[str]]:
    """(folded texts of the instruction row, folded texts of the example row) of the shipped template."""
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")  # "Data Validation extension is not supported"
        wb = openpyxl.load_workbook(shipped.path("reference", "tet-modele-import-plan.xlsx"), read_only=True,
                                    data_only=True)
        try:
            rows = list(wb["Fichier dimport"].iter_rows(min_row=4, max_row=5, values_only=True))
        finally:
            wb.close()
    texts = [frozenset(fold(t) for t in (excel_cell_text(v) for v in row) if t) for row in rows]
    return texts[0], texts[1]


def is_help_text(text: str | None) -> bool:
    """A cell still holding the template's help text (an instruction, or the placeholder)."""
    if not text:
        return False
    f = fold(text)
    return bool(f) and (f.startswith(HELP_OPENINGS) or f in template_texts()[0])


def template_row(texts: list[str]) -> str | None:
    """'instructions' or 'example' when every non-empty cell of a row is the template's own text, else None."""
    folded = [fold(t) for t in texts if t and fold(t)]
    if not folded:
        return None
    instructions, example = template_texts()
    if all(f in instructions or f.startswith(HELP_OPENINGS) for f in folded):
        return "instructions"
    if all(f in example or f in instructions or f.startswith(HELP_OPENINGS) for f in folded):
        return "example"
    return None


def is_format_text(text: str) -> bool:
    """A cell of the template's format row 3 (« Champ texte », « Champ numérique »…)."""
    return fold(text).startswith("champ")


def amount_columns(ctx, records: list[Record]) -> dict[int, tuple[int, str] | None]:
    """For Financeur N: (column index, header) of its amount, the « Montant » column right after it."""
    headers = ctx.table.headers
    out: dict[int, tuple[int, str] | None] = {}
    if not records:
        return out
    for n in (1, 2, 3):
        header = records[0].headers.get(f"funder_{n}")
        out[n] = None
        if header is None:
            continue
        idx = headers.index(header)
        if idx + 1 < len(headers) and fold(headers[idx + 1]).startswith("montant"):
            out[n] = (idx + 1, f"{headers[idx + 1]} (Financeur {n})")
    return out


# -- writing workbooks Territoires en Transitions can import ---------------------------------------------------
TEMPLATE_SHEET = "Fichier dimport"


def blank_tet_workbook(keep_help_rows: bool = False):
    """The shipped template (openpyxl workbook, data sheet) brought to TeT's current importer: D2 reads
    « Titre de l'action » and, unless ``keep_help_rows``, the instruction and example rows 4–5 are emptied
    so that actions start on row 4."""
    import openpyxl

    with warnings.catch_warnings():
        warnings.simplefilter("ignore")  # "Data Validation extension is not supported"
        wb = openpyxl.load_workbook(shipped.path("reference", "tet-modele-import-plan.xlsx"))
    ws = wb[TEMPLATE_SHEET]
    ws["D2"] = "Titre de l'action"
    if not keep_help_rows:
        for row in ws.iter_rows(min_row=4, max_row=5):
            for cell in row:
                cell.value = None
    return wb, ws


def save_for_tet(wb, path, fixed_time=None):
    """Save an openpyxl workbook so that Territoires en Transitions' reader (exceljs) opens it.

    openpyxl writes cell notes as ``xl/comments/comment1.xml`` and ``xl/drawings/commentsDrawing1.vml``
    with absolute targets; exceljs only knows Excel's names (``xl/comments1.xml``,
    ``xl/drawings/vmlDrawing1.vml``, relative targets) and fails on the file (« Une erreur est survenue lors
    de la lecture du fichier Excel »). The parts are renamed as Excel names them. ``fixed_time`` (a
    datetime) gives every entry and the document properties that time, for files rebuilt byte for byte.
    """
    import re
    import zipfile
    from pathlib import Path

    path = Path(path)
    if fixed_time is not None:
        wb.properties.created = wb.properties.modified = fixed_time
    wb.save(path)
    renames = {}
    with zipfile.ZipFile(path) as zin:
        names = zin.namelist()
        for name in names:
            m = re.fullmatch(r"xl/comments/comment(\d+)\.xml", name)
            if m:
                renames[name] = f"xl/comments{m[1]}.xml"
            m = re.fullmatch(r"xl/drawings/commentsDrawing(\d+)\.vml", name)
            if m:
                renames[name] = f"xl/drawings/vmlDrawing{m[1]}.vml"
        entries = []
        for name in names:
            data = zin.read(name)
            if re.fullmatch(r"xl/worksheets/_rels/sheet\d+\.xml\.rels", name) or name == "[Content_Types].xml":
                for old, new in renames.items():
                    data = data.replace(f'"/{old}"'.encode(), f'"/{new}"'.encode())
                if name != "[Content_Types].xml":
                    data = data.replace(b'Target="/xl/', b'Target="../')
            if name == "docProps/core.xml" and fixed_time is not None:
                stamp = fixed_time.strftime("%Y-%m-%dT%H:%M:%SZ").encode()
                data = re.sub(rb"(<dcterms:(?:created|modified)[^>]*>)[^<]*", rb"\g<1>" + stamp, data)
            entries.append((renames.get(name, name), data, zin.getinfo(name).date_time))
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as zout:
        for name, data, when in entries:
            stamp = fixed_time.timetuple()[:6] if fixed_time is not None else when
            zout.writestr(zipfile.ZipInfo(name, date_time=stamp), data, zipfile.ZIP_DEFLATED)
    return path
