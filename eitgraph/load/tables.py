"""Read CSV and Excel files into a :class:`Table` of text cells with their positions.

Encoding (UTF-8, UTF-8 with BOM, cp1252) and delimiter (``,`` ``;`` tab) are
detected unless given. Cells stay text here; typing happens in :mod:`eitgraph.load.records`
so that every error can name its row and column.
"""

from __future__ import annotations

import csv
import datetime as dt
import io
import warnings
import zipfile
from dataclasses import dataclass, field
from pathlib import Path

from ..errors import InputError, Location

# Every Territoires en Transitions workbook carries data validations openpyxl cannot read and
# warns about while reading; they do not matter for loading.
warnings.filterwarnings("ignore", message="Data Validation extension", category=UserWarning)

ENCODINGS = ("utf-8-sig", "cp1252")
DELIMITERS = (";", ",", "\t")
EXCEL_SUFFIXES = (".xlsx", ".xlsm")


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
    path = Path(path)
    if not path.exists():
        raise InputError("file not found", Location(str(path)))
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


def _line_of(data: bytes, offset: int) -> int:
    return data.count(b"\n", 0, offset) + 1


def decode(data: bytes, file: str, encoding: str | None = None) -> tuple[str, str]:
    """Decode bytes with the given encoding or the first supported one that fits.

    A UTF-16 byte-order mark (Excel's « Texte Unicode ») is honoured. A file that is
    UTF-8 up to some line and then holds a stray byte is refused rather than read as
    cp1252, which would silently turn every « é » into « Ã© ».
    """
    if not encoding and data[:2] in (b"\xff\xfe", b"\xfe\xff"):
        encoding = "utf-16"
    candidates = (encoding,) if encoding else ENCODINGS
    failures = []
    for enc in candidates:
        try:
            return data.decode(enc), ("utf-8" if enc == "utf-8-sig" else enc)
        except UnicodeDecodeError as exc:
            failures.append((enc, exc))
            if enc == "utf-8-sig" and any(b >= 0x80 for b in data[:exc.start]):
                raise InputError(
                    f"the file is UTF-8 but byte 0x{data[exc.start]:02x} at offset {exc.start} is not; "
                    "fix that character or save the whole file as UTF-8",
                    Location(file, None, _line_of(data, exc.start), None)) from None
        except LookupError:
            raise InputError(f"unknown encoding {encoding!r}", Location(file)) from None
    # Report where the last candidate failed: that is where no encoding fits.
    enc, exc = failures[-1]
    line = _line_of(data, exc.start)
    names = " or ".join("UTF-8" if e == "utf-8-sig" else e for e, _ in failures)
    raise InputError(
        f"byte 0x{data[exc.start]:02x} at offset {exc.start} is not valid {names}; "
        "save the file as UTF-8 or give --encoding",
        Location(file, None, line, None),
    )


def sniff_delimiter(first_line: str) -> str:
    """The candidate delimiter that splits the header line into the most cells."""
    best, best_count = ",", 0
    for delim in DELIMITERS:
        count = len(next(csv.reader([first_line], delimiter=delim)))
        if count > best_count:
            best, best_count = delim, count
    return best


def _clean(value) -> str | None:
    if value is None:
        return None
    text = str(value).strip()
    return text or None


def _read_csv(path: Path, encoding: str | None, delimiter: str | None, header_row: int) -> Table:
    return _read_csv_data(path.read_bytes(), str(path), encoding, delimiter, header_row)


def _read_csv_data(data: bytes, file: str, encoding: str | None, delimiter: str | None, header_row: int) -> Table:
    if not data.strip():
        raise InputError("the file is empty", Location(file))
    text, used = decode(data, file, encoding)
    lines = text.splitlines()
    if len(lines) < header_row:
        raise InputError(f"no header row {header_row}", Location(file))
    delim = delimiter or sniff_delimiter(lines[header_row - 1])
    reader = csv.reader(io.StringIO(text, newline=""), delimiter=delim)
    table = None
    ended_at = 0
    for records_read, cells in enumerate(reader, start=1):
        # A record is numbered by the line it starts on; line_num counts physical lines,
        # so quoted multi-line cells do not shift the numbers of the rows after them.
        row_no, ended_at = ended_at + 1, reader.line_num
        if records_read < header_row:
            continue
        if table is None:
            headers = [(_clean(c) or "") for c in cells]
            table = Table(file, None, row_no, headers, encoding=used, delimiter=delim)
            continue
        values = [c.strip() or None for c in cells]  # csv cells are always str: _clean inlined
        if any(v is not None for v in values):
            table.rows.append((row_no, values))
    if table is None:
        raise InputError("the file has no header row", Location(file))
    if not table.rows:
        raise InputError("the file has a header but no data rows", Location(file, None, table.header_row))
    return table


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


def open_workbook(path: Path):
    """Open an .xlsx read-only, turning corrupt or encrypted files into input errors."""
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
    except Exception as exc:  # openpyxl raises many kinds on damaged files
        raise InputError(f"cannot read the workbook: {exc}", Location(file)) from None


def _read_excel(path: Path, sheet: str | None, header_row: int) -> Table:
    file = str(path)
    wb = open_workbook(path)
    try:
        if sheet is None:
            ws = wb.worksheets[0]
        elif sheet in wb.sheetnames:
            ws = wb[sheet]
        else:
            raise InputError(f"no sheet {sheet!r}; the workbook has {', '.join(map(repr, wb.sheetnames))}",
                             Location(file, sheet))
        table = None
        for row_no, cells in enumerate(ws.iter_rows(values_only=True), start=1):
            if row_no < header_row:
                continue
            values = [excel_cell_text(c) for c in cells]
            if table is None:
                table = Table(file, ws.title, row_no, [v or "" for v in values])
                continue
            if any(v is not None for v in values):
                table.rows.append((row_no, values))
    finally:
        wb.close()
    if table is None or not any(table.headers):
        raise InputError("the sheet is empty", Location(file, ws.title))
    if not table.rows:
        raise InputError("the sheet has a header but no data rows", Location(file, ws.title, table.header_row))
    return table


# -- zipped CSV files and streams (files too big to hold in memory) ---------------------------------

def zip_member(path: Path) -> str:
    """The CSV file a zip archive holds (INSEE publishes ``StockEtablissement_utf8.zip`` holding
    ``StockEtablissement_utf8.csv``); an archive with none, or with several, is refused."""
    try:
        with zipfile.ZipFile(path) as zf:
            names = [i.filename for i in zf.infolist() if not i.is_dir()]
    except zipfile.BadZipFile:
        raise InputError("not a valid zip archive", Location(str(path))) from None
    csvs = [n for n in names if n.lower().endswith((".csv", ".txt"))]
    if len(csvs) == 1:
        return csvs[0]
    if not csvs:
        raise InputError(f"the zip archive holds no CSV file ({', '.join(names[:8]) or 'nothing'})", Location(str(path)))
    raise InputError(f"the zip archive holds several CSV files ({', '.join(csvs[:8])}); extract the one to load",
                     Location(str(path)))


def _sniff_encoding(head: bytes) -> str:
    """UTF-8 (with or without BOM) when the first bytes are UTF-8 (a character cut at the end does not
    count), else cp1252."""
    if head[:2] in (b"\xff\xfe", b"\xfe\xff"):
        return "utf-16"
    try:
        head.decode("utf-8")
        return "utf-8-sig"
    except UnicodeDecodeError as exc:
        return "utf-8-sig" if exc.start >= len(head) - 3 else "cp1252"


def open_text(path: str | Path, encoding: str | None = None) -> tuple[io.TextIOBase, str, str]:
    """A text stream over a CSV file, or over the CSV inside a zip archive (read without extracting it),
    for readers that go through a file row by row in bounded memory. Returns (stream, encoding, what it
    reads: the file, or « archive.zip » followed by ``!member``). The encoding is sniffed from the first
    64 KiB unless given; a byte that does not fit further down is an error raised while reading."""
    path = Path(path)
    if not path.exists():
        raise InputError("file not found", Location(str(path)))
    if zipfile.is_zipfile(path):
        member = zip_member(path)
        zf = zipfile.ZipFile(path)
        raw = zf.open(member)
        what = f"{path.name}!{member}"
    else:
        raw = open(path, "rb")  # noqa: SIM115 - handed over to the TextIOWrapper
        what = path.name
    buffered = io.BufferedReader(raw, 1 << 20) if not isinstance(raw, io.BufferedReader) else raw
    head = buffered.peek(1 << 16)[: 1 << 16]
    if not head.strip():
        buffered.close()
        raise InputError("the file is empty", Location(str(path)))
    used = encoding or _sniff_encoding(head)
    try:
        stream = io.TextIOWrapper(buffered, encoding=used, newline="")
    except LookupError:
        buffered.close()
        raise InputError(f"unknown encoding {encoding!r}", Location(str(path))) from None
    return stream, ("utf-8" if used == "utf-8-sig" else used), what


# -- where the header is (title rows above it) --------------------------------------------------------

HEADER_SEARCH_ROWS = 30


def sheet_names(path: str | Path) -> list[str]:
    """The sheets of a workbook, in order (a CSV file has none)."""
    path = Path(path)
    if path.suffix.lower() not in EXCEL_SUFFIXES:
        return []
    wb = open_workbook(path)
    try:
        return list(wb.sheetnames)
    finally:
        wb.close()


def first_rows(path: str | Path, sheet: str | None = None, encoding: str | None = None,
               delimiter: str | None = None, limit: int = HEADER_SEARCH_ROWS) -> list[tuple[int, list[str | None]]]:
    """The first ``limit`` rows of a CSV file (or the CSV of a zip archive) or of a sheet, as (row number, text
    cells), empty rows left out: where to look for the header row."""
    path = Path(path)
    file = str(path)
    out: list[tuple[int, list[str | None]]] = []
    if path.suffix.lower() in EXCEL_SUFFIXES:
        wb = open_workbook(path)
        try:
            if sheet is not None and sheet not in wb.sheetnames:
                raise InputError(f"no sheet {sheet!r}; the workbook has {', '.join(map(repr, wb.sheetnames))}",
                                 Location(file, sheet))
            ws = wb[sheet] if sheet is not None else wb.worksheets[0]
            for row_no, cells in enumerate(ws.iter_rows(values_only=True, max_row=limit), start=1):
                values = [excel_cell_text(c) for c in cells]
                if any(v is not None for v in values):
                    out.append((row_no, values))
        finally:
            wb.close()
        return out
    if path.suffix.lower() == ".zip":
        with zipfile.ZipFile(path) as zf:
            with zf.open(zip_member(path)) as fh:
                data = fh.read(1 << 20)
    else:
        with open(path, "rb") as fh:
            data = fh.read(1 << 20)
    if not data.strip():
        return out
    try:
        text, _ = decode(data, file, encoding)
    except InputError:  # a character cut at the end of the sample
        text, _ = decode(data[: data.rfind(b"\n") + 1] or data, file, encoding)
    lines = text.splitlines()[: limit]
    delim = delimiter or max(DELIMITERS, key=lambda d: sum(line.count(d) for line in lines))
    for row_no, cells in enumerate(csv.reader(lines, delimiter=delim), start=1):
        values = [c.strip() or None for c in cells]
        if any(v is not None for v in values):
            out.append((row_no, values))
    return out


def find_header_row(rows: list[tuple[int, list[str | None]]], score) -> tuple[int | None, int]:
    """(row number, score) of the row that looks most like a header: the most cells ``score`` recognises
    (at least two), the first such row on a tie; (None, best score) when none does."""
    best_row, best = None, 0
    for row_no, cells in rows:
        n = score(cells)
        if n > best:
            best_row, best = row_no, n
    return (best_row, best) if best >= 2 else (None, best)


def sidecar_path(file: str | Path) -> Path | None:
    """The YAML of metadata kept beside a data file (``plan.xlsx.yaml`` or ``plan.yaml``), if any."""
    path = Path(file)
    for candidate in (path.with_name(path.name + ".yaml"), path.with_suffix(".yaml"),
                      path.with_name(path.name + ".yml"), path.with_suffix(".yml")):
        if candidate != path and candidate.exists():
            return candidate
    return None
