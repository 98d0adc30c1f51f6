"""Opening Excel workbooks safely: corrupt, encrypted or hostile files (XML entities) become one input
error; merged ranges read from the sheet's XML with a parser that refuses entities."""

from __future__ import annotations

import re
import zipfile
from pathlib import Path

from defusedxml import DefusedXmlException, ElementTree

from ..errors import InputError, Location


def xml_refused(exc: BaseException | None) -> bool:
    """True when ``exc`` (or what caused it) is an XML parser refusing entities or a DTD."""
    seen = 0
    while exc is not None and seen < 10:
        if isinstance(exc, DefusedXmlException) or ("entit" in str(exc).lower() and "DTD" in str(exc)):
            return True
        exc, seen = exc.__cause__ or exc.__context__, seen + 1
    return False


def xml_message(exc: BaseException) -> str:
    if xml_refused(exc):
        return ("its XML declares entities (a DTD), which eitgraph refuses: they can expand to gigabytes or "
                "read other files. Open it in a spreadsheet program and save it again as .xlsx")
    return (f"cannot read the sheet ({type(exc).__name__}: {exc}); the file may be damaged: open it in a "
            "spreadsheet program and save it again")


def open_workbook(path: Path):
    """Open an .xlsx read-only, turning corrupt, encrypted or hostile files into input errors."""
    import openpyxl

    file = str(path)
    if path.stat().st_size == 0:
        raise InputError("the file is empty", Location(file))
    try:
        return openpyxl.load_workbook(path, read_only=True, data_only=True)
    except zipfile.BadZipFile:
        head = path.read_bytes()[:8]
        if head.startswith(b"\xd0\xcf\x11\xe0"):
            raise InputError("the workbook is password-protected (encrypted) or an old .xls; "
                             "remove the password and save it as .xlsx", Location(file)) from None
        raise InputError("not a valid .xlsx workbook (corrupt or another format)", Location(file)) from None
    except MemoryError:
        raise InputError("the workbook is too large to read", Location(file)) from None
    except Exception as exc:  # openpyxl raises many kinds on damaged files
        if xml_refused(exc):
            raise InputError(xml_message(exc), Location(file)) from None
        raise InputError(f"cannot read the workbook: {exc}", Location(file)) from None


def merged_ranges(path: str | Path, sheet: str) -> list[tuple[int, int, int, int]]:
    """The merged ranges of a sheet as (first row, first column, last row, last column), 1-based, read
    from the sheet's XML (a read-only workbook does not give them). Whoever reads a merged range as its
    top-left value in every cell (as Excel readers such as exceljs do) fills them from this.

    >>> import openpyxl, tempfile, os
    >>> wb = openpyxl.Workbook(); wb.active.title = "Plan"; wb.active.merge_cells("A4:B6")
    >>> f = tempfile.NamedTemporaryFile(suffix=".xlsx", delete=False); f.close(); wb.save(f.name)
    >>> merged_ranges(f.name, "Plan")
    [(4, 1, 6, 2)]
    >>> os.unlink(f.name)
    """
    import posixpath

    from openpyxl.utils.cell import range_boundaries

    ns = {"m": "http://schemas.openxmlformats.org/spreadsheetml/2006/main",
          "r": "http://schemas.openxmlformats.org/officeDocument/2006/relationships",
          "p": "http://schemas.openxmlformats.org/package/2006/relationships"}
    try:
        with zipfile.ZipFile(path) as z:
            book = ElementTree.fromstring(z.read("xl/workbook.xml"))
            rid = next((s.get(f"{{{ns['r']}}}id") for s in book.iterfind("m:sheets/m:sheet", ns)
                        if s.get("name") == sheet), None)
            rels = ElementTree.fromstring(z.read("xl/_rels/workbook.xml.rels"))
            target = next((r.get("Target") for r in rels.iterfind("p:Relationship", ns) if r.get("Id") == rid), None)
            if target is None:
                return []
            part = target.lstrip("/") if target.startswith("/") else posixpath.normpath(posixpath.join("xl", target))
            data = z.read(part)
    except (KeyError, zipfile.BadZipFile, ElementTree.ParseError, DefusedXmlException):
        return []
    out = []
    for ref in re.findall(rb'<(?:\w+:)?mergeCell\s+ref="([^"]+)"', data):
        min_col, min_row, max_col, max_row = range_boundaries(ref.decode())
        out.append((min_row, min_col, max_row, max_col))
    return out
