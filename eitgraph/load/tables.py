"""Read CSV and Excel files into a :class:`Table` of text cells with their positions.

Encoding (UTF-8, UTF-8 with BOM, cp1252) and delimiter (``,`` ``;`` tab) are
detected unless given. Cells stay text here; typing happens in :mod:`eitgraph.load.records`
so that every error can name its row and column.

What a reader refuses, each with the file, sheet and row: anything but a regular local file (a pipe
or FIFO would hang the read, a URL is not fetched); a cell longer than a spreadsheet cell can be
(32,767 characters); more columns than a spreadsheet has (16,384); a quote opened and never closed,
or closed only after swallowing lines that look like rows of their own; a damaged workbook or one
whose XML declares entities (a DTD). Control characters (C0, C1, DEL) are removed from every cell,
and the load says where (a warning): they carry no meaning in a name and break exports and terminals.
An .xlsx is read to the extent of its real cells, not the extent its XML declares.
"""

from __future__ import annotations

import codecs
import csv
import datetime as dt
import io
import warnings
import zipfile
from dataclasses import dataclass, field
from pathlib import Path

from ..errors import InputError, Location
from ..safety.inputs import check_input_file
from ..safety.writing import CONTROL
from .excel import open_workbook, xml_message
from .streams import decode, zip_member

# Every Territoires en Transitions workbook carries data validations openpyxl cannot read and
# warns about while reading; they do not matter for loading.
warnings.filterwarnings("ignore", message="Data Validation extension", category=UserWarning)

DELIMITERS = (";", ",", "\t")
EXCEL_SUFFIXES = (".xlsx", ".xlsm")
MAX_CELL = 32_767        # the most characters a spreadsheet cell holds (Excel, LibreOffice)
MAX_COLUMNS = 16_384     # the most columns a spreadsheet has (XFD)


@dataclass
class Table:
    """Rows of text cells read from one file (and sheet)."""

    file: str
    sheet: str | None
    header_row: int
    headers: list[str]
    rows: list[tuple[int, list[str | None]]] = field(default_factory=list)
    encoding: str | None = None
    delimiter: str | None = None
    # Warnings found while reading, as (code, message, location): control characters removed.
    notes: list[tuple[str, str, Location]] = field(default_factory=list)

    def location(self, row: int | None = None, column: str | None = None) -> Location:
        return Location(self.file, self.sheet, row, column)


def read_table(path: str | Path, sheet: str | None = None, encoding: str | None = None,
               delimiter: str | None = None, header_row: int = 1) -> Table:
    """Read a CSV or Excel file.

    >>> import tempfile, os
    >>> f = tempfile.NamedTemporaryFile("wb", suffix=".csv", delete=False)
    >>> _ = f.write("Commune;Population\\r\\nVieux-Thann;2 911\\r\\nGuémar;1 400\\r\\n".encode("cp1252")); f.close()
    >>> t = read_table(f.name); (t.encoding, t.delimiter, t.headers, t.rows)
    ('cp1252', ';', ['Commune', 'Population'], [(2, ['Vieux-Thann', '2 911']), (3, ['Guémar', '1 400'])])
    >>> os.unlink(f.name)
    """
    path = check_input_file(path)
    delimiter = check_reading_options(encoding, delimiter, str(path))
    if path.suffix.lower() in EXCEL_SUFFIXES:
        return _read_excel(path, sheet, header_row)
    if path.suffix.lower() == ".zip":
        if sheet:
            raise InputError(f"--sheet {sheet!r} given but the file is a zip archive", Location(str(path)))
        member = zip_member(path)
        with zipfile.ZipFile(path) as zf:
            data = zf.read(member)
        return _read_csv_data(data, str(path), encoding, delimiter, header_row)
    if path.suffix.lower() == ".xls":
        raise InputError("old .xls workbooks are not supported; save it as .xlsx or CSV", Location(str(path)))
    if sheet:
        raise InputError(f"--sheet {sheet!r} given but the file is not an Excel workbook", Location(str(path)))
    return _read_csv(path, encoding, delimiter, header_row)


def check_reading_options(encoding: str | None, delimiter: str | None, file: str | None = None) -> str | None:
    """Check ``--encoding`` and ``--delimiter`` before reading ``file``; returns the delimiter (« tab »
    or ``\\t`` give a tab).

    >>> check_reading_options("cp1252", "tab") == chr(9)
    True
    >>> check_reading_options(None, ";;", "a.csv")
    Traceback (most recent call last):
    ...
    eitgraph.errors.InputError: a.csv: --delimiter must be one character (such as ; , or tab), not ';;'
    """
    if encoding:
        try:
            codecs.lookup(encoding)
        except LookupError:
            raise InputError(f"unknown encoding {encoding!r} (--encoding: use utf-8 or cp1252)",
                             Location(file)) from None
    if delimiter is None or delimiter == "":
        return None
    if delimiter.lower() in ("tab", "\\t"):
        return "\t"
    if len(delimiter) != 1 or delimiter in "\"\r\n" or CONTROL.match(delimiter):
        raise InputError(f"--delimiter must be one character (such as ; , or tab), not {delimiter!r}",
                         Location(file))
    return delimiter


def sniff_delimiter(first_line: str) -> str:
    """The candidate delimiter that splits the header line into the most cells."""
    best, best_count = ",", 0
    for delim in DELIMITERS:
        try:
            count = len(next(csv.reader([first_line], delimiter=delim)))
        except csv.Error:  # a header cell beyond the csv module's field limit: count plainly
            count = first_line.count(delim) + 1
        if count > best_count:
            best, best_count = delim, count
    return best


def _clean(value) -> str | None:
    if value is None:
        return None
    text = str(value).strip()
    return text or None


class ControlChars:
    """Removes control characters from cells, remembering where, for one warning."""

    def __init__(self, table_location):
        self.where = table_location
        self.cells: list[Location] = []

    def clean(self, text: str, row: int, column: str | None) -> str:
        if CONTROL.search(text):
            self.cells.append(self.where(row, column))
            text = CONTROL.sub("", text)
        return text

    def note(self, table: Table) -> None:
        if not self.cells:
            return
        first, others = self.cells[0], self.cells[1:]
        message = "control characters (invisible codes such as terminal escapes) were removed from this cell"
        if others:
            shown = "; ".join(f"row {c.row}" + (f" column {c.column!r}" if c.column else "") for c in others[:5])
            more = f" and {len(others) - 5} more" if len(others) > 5 else ""
            message += f" and {len(others)} other(s): {shown}{more}"
        table.notes.append(("control_characters", message, first))


def _too_many_columns(n: int, where: Location) -> InputError:
    return InputError(f"the header has {n:,} columns, more than a spreadsheet holds ({MAX_COLUMNS:,}); "
                      "is this the right file and delimiter?", where)


def _too_long(n: int | None, where: Location) -> InputError:
    size = f"{n:,} characters" if n else f"more than {MAX_CELL:,} characters"
    return InputError(f"a cell holds {size}, more than a spreadsheet cell can ({MAX_CELL:,}); "
                      "a quote (\") opened in this row and never closed would do that", where)


def _column_name(headers: list[str], idx: int) -> str | None:
    return (headers[idx] or None) if idx < len(headers) else None


def _read_csv(path: Path, encoding: str | None, delimiter: str | None, header_row: int) -> Table:
    try:
        data = path.read_bytes()
    except OSError as exc:
        raise InputError(f"cannot read the file: {exc.strerror or exc}", Location(str(path))) from None
    return _read_csv_data(data, str(path), encoding, delimiter, header_row)


def _read_csv_data(data: bytes, file: str, encoding: str | None, delimiter: str | None, header_row: int) -> Table:
    if not data.strip():
        raise InputError("the file is empty", Location(file))
    text, used = decode(data, file, encoding)
    lines = text.splitlines()
    if len(lines) < header_row:
        raise InputError(f"no header row {header_row}", Location(file))
    delim = delimiter or sniff_delimiter(lines[header_row - 1])
    del lines
    try:
        return _parse_csv(file, text, used, delim, header_row, strict=True)
    except _QuoteInsideCell:
        # « "Le Relais" Est »: a quote closed in the middle of a cell. Read it as spreadsheets do.
        return _parse_csv(file, text, used, delim, header_row, strict=False)


class _QuoteInsideCell(Exception):
    pass


def _parse_csv(file: str, text: str, used: str, delim: str, header_row: int, strict: bool) -> Table:
    reader = csv.reader(io.StringIO(text, newline=""), delimiter=delim, strict=strict)
    controls = ControlChars(lambda row, col: Location(file, None, row, col)) if CONTROL.search(text) else None
    table = None
    ended_at = 0
    records_read = 0
    while True:
        row_no = ended_at + 1
        try:
            cells = next(reader)
        except StopIteration:
            break
        except csv.Error as exc:
            if "expected after" in str(exc):
                raise _QuoteInsideCell from None
            raise csv_error(exc, file, row_no, reader.line_num - row_no) from None
        records_read += 1
        # A record is numbered by the line it starts on; line_num counts physical lines,
        # so quoted multi-line cells do not shift the numbers of the rows after them.
        ended_at = reader.line_num
        if records_read < header_row:
            continue
        if table is None:
            check_header(cells, file, row_no)
            if controls:
                cells = [controls.clean(c, row_no, None) for c in cells]
            headers = [(_clean(c) or "") for c in cells]
            table = Table(file, None, row_no, headers, encoding=used, delimiter=delim)
            continue
        check_record(table, cells, row_no, ended_at, delim)
        if controls:
            cells = [controls.clean(c, row_no, _column_name(table.headers, i)) for i, c in enumerate(cells)]
        values = [c.strip() or None for c in cells]  # csv cells are always str: _clean inlined
        if any(v is not None for v in values):
            table.rows.append((row_no, values))
    if table is None:
        raise InputError("the file has no header row", Location(file))
    if controls:
        controls.note(table)
    if not table.rows:
        raise InputError("the file has a header but no data rows", Location(file, None, table.header_row))
    return table


def csv_error(exc: csv.Error, file: str, row_no: int, lines_after: int) -> InputError:
    """What the csv module's error means for the person who wrote the file."""
    message = str(exc)
    if "field limit" in message:
        return _too_long(None, Location(file, None, row_no))
    if "unexpected end of data" in message:
        return InputError(f"a quote (\") opened in this row is never closed: the {lines_after:,} line(s) after it "
                          "would be read as one cell; close the quote or remove it", Location(file, None, row_no))
    if "expected after" in message:
        return InputError("a quote (\") closes in the middle of a cell: put the whole cell between quotes with the "
                          "quotes inside it doubled (\"\"), or remove them", Location(file, None, row_no))
    return InputError(f"cannot read this row as CSV: {message}", Location(file, None, row_no))


def check_header(cells: list[str], file: str, row_no: int) -> None:
    """A header no spreadsheet could hold (a wrong delimiter, a file that is not a table) is refused."""
    if cells and max(map(len, cells)) > MAX_CELL:
        raise _too_long(max(map(len, cells)), Location(file, None, row_no))
    if len(cells) > MAX_COLUMNS:
        raise _too_many_columns(len(cells), Location(file, None, row_no))


def check_record(table: Table, cells: list[str], row_no: int, ended_at: int, delim: str) -> None:
    """A row read by the csv module that no spreadsheet would hold, or that swallowed the rows after it
    (a quote left open), is refused where it starts. ``ended_at``: the line the record ends on."""
    if cells and max(map(len, cells)) > MAX_CELL:
        idx = max(range(len(cells)), key=lambda i: len(cells[i]))
        raise _too_long(len(cells[idx]), Location(table.file, None, row_no, _column_name(table.headers, idx)))
    if len(cells) > MAX_COLUMNS:
        raise InputError(f"this row has {len(cells):,} cells, more than a spreadsheet holds ({MAX_COLUMNS:,})",
                         Location(table.file, None, row_no))
    if ended_at > row_no:
        _check_swallowed(table, cells, row_no, ended_at, delim)


def _check_swallowed(table: Table, cells: list[str], row_no: int, ended_at: int, delim: str) -> None:
    """A quoted cell spanning lines is fine (an address, a description); one whose following lines look
    like rows of the file (as many delimiters as the header) is a quote left open that swallowed them."""
    need = max(1, len(table.headers) - 1)
    for idx, cell in enumerate(cells):
        if "\n" not in cell and "\r" not in cell:
            continue
        rows_inside = [line for line in cell.splitlines()[1:] if line.count(delim) >= need]
        if len(rows_inside) >= (1 if need > 1 else 2):  # with two columns, one « a;b » line proves little
            raise InputError(
                f"a quote (\") opened in this cell is only closed {ended_at - row_no} line(s) further down: the "
                f"{len(rows_inside)} row(s) in between would be read as part of this cell; close the quote where "
                "the cell ends, or remove it",
                Location(table.file, None, row_no, _column_name(table.headers, idx)))


def excel_cell_text(value) -> str | None:
    """Excel values as the text a person sees (12.0 → '12', dates → ISO)."""
    if value is None:
        return None
    if isinstance(value, bool):
        return "oui" if value else "non"
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    if isinstance(value, dt.datetime):
        return value.date().isoformat() if value.time() == dt.time() else value.isoformat()
    if isinstance(value, dt.date):
        return value.isoformat()
    return _clean(value)


def _read_excel(path: Path, sheet: str | None, header_row: int) -> Table:
    file = str(path)
    wb = open_workbook(path)
    title = sheet
    try:
        if sheet is None:
            if not wb.worksheets:
                raise InputError("the workbook has no readable sheet (damaged file?)", Location(file))
            ws = wb.worksheets[0]
        elif sheet in wb.sheetnames:
            ws = wb[sheet]
        else:
            raise InputError(f"no sheet {sheet!r}; the workbook has {', '.join(map(repr, wb.sheetnames))}",
                             Location(file, sheet))
        title = ws.title
        try:
            table = _excel_rows(ws, file, header_row)
        except (InputError, MemoryError):
            raise
        except Exception as exc:  # damaged sheet XML, a sheet the archive lacks, refused entities…
            raise InputError(xml_message(exc), Location(file, title)) from None
    except MemoryError:
        raise InputError("the sheet is too large to read", Location(file, title)) from None
    finally:
        wb.close()
    if table is None or not any(table.headers):
        raise InputError("the sheet is empty", Location(file, title))
    if not table.rows:
        raise InputError("the sheet has a header but no data rows", Location(file, title, table.header_row))
    return table


def _excel_rows(ws, file: str, header_row: int) -> Table | None:
    """The rows of a read-only worksheet, to the extent of its real cells: the ``<dimension>`` a file
    declares is ignored (it may claim XFD1048576, or less than the data), and data rows are read no
    wider than the header."""
    ws.reset_dimensions()
    controls = ControlChars(lambda row, col: Location(file, ws.title, row, col))

    def text(value, row: int, headers: list[str], idx: int) -> str | None:
        if isinstance(value, str):
            if len(value) > MAX_CELL:
                raise _too_long(len(value), Location(file, ws.title, row, _column_name(headers, idx)))
            value = controls.clean(value, row, _column_name(headers, idx))
        return excel_cell_text(value)

    header = next(ws.iter_rows(min_row=header_row, max_row=header_row, values_only=True), None)
    if not header:
        return None
    if len(header) > MAX_COLUMNS:  # not possible in a valid workbook
        raise _too_many_columns(len(header), Location(file, ws.title, header_row))
    headers = [text(v, header_row, [], i) or "" for i, v in enumerate(header)]
    while headers and not headers[-1]:
        headers.pop()
    if not headers:
        return None
    table = Table(file, ws.title, header_row, headers)
    width = len(headers)
    blank = None  # openpyxl yields one shared tuple for every missing row: skip those at once
    for row_no, cells in enumerate(ws.iter_rows(min_row=header_row + 1, max_col=width, values_only=True),
                                   start=header_row + 1):
        if cells is blank:
            continue
        if not any(c is not None for c in cells):
            blank = cells
            continue
        values = [text(c, row_no, headers, i) for i, c in enumerate(cells)]
        if any(v is not None for v in values):
            table.rows.append((row_no, values))
    controls.note(table)
    return table
