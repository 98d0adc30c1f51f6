"""What eitgraph writes and prints cannot attack whoever reads it.

One module for every spreadsheet eitgraph writes (query and indicator exports, the rejected rows of a
lenient load, blank templates) and for the text it prints:

* **formula injection** (OWASP « CSV injection »): a text cell starting with ``=``, ``+``, ``-``, ``@``,
  a tab or a carriage return is written with a leading ``'`` in CSV, and as a text cell (never a
  formula, with Excel's « quote prefix ») in XLSX. Numbers stay numbers, and text that is a plain
  number (« -3 », « +33 ») is left alone: a spreadsheet reads it as that number, not as a formula;
* **control characters** (C0, C1, DEL) are dropped from spreadsheet cells (an .xlsx cannot hold most
  of them) and shown escaped (``\\x1b``) on the terminal, with the Unicode bidirectional overrides
  that can make text read differently from what it is;
* **output files** are written next to their target and moved into place, so a full disk or a missing
  folder gives one clear message and never a half-written file.

>>> spreadsheet_text('=HYPERLINK("http://x","clic")'), spreadsheet_text("-3 t"), spreadsheet_text("-3")
('\\'=HYPERLINK("http://x","clic")', "'-3 t", '-3')
>>> terminal_safe("Suez\\x1b[2J"), strip_controls("A\\x07B\\tC")
('Suez\\\\x1b[2J', 'AB\\tC')
"""

from __future__ import annotations

import contextlib
import datetime as dt
import errno
import json
import math
import os
import re
import shutil
import stat
import tempfile
from collections.abc import Callable, Iterable
from pathlib import Path
from typing import Any

from ..errors import OutputError
from .sheetstyle import SheetLayout

# C0 controls but tab, line feed and carriage return; DEL; C1 controls.
CONTROL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f]")
# What a terminal must not receive raw: every control but newline and tab, and the bidirectional
# embeddings, overrides and isolates (« Trojan source »).
_TERMINAL = re.compile(r"[\x00-\x08\x0b-\x1f\x7f-\x9f\u202a-\u202e\u2066-\u2069]")
_FORMULA_START = ("=", "+", "-", "@", "\t", "\r")
_PLAIN_NUMBER = re.compile(r"[+-]?(?:\d+(?:[.,]\d*)?|[.,]\d+)(?:[eE][+-]?\d+)?")


def strip_controls(text: str) -> str:
    """``text`` without C0/C1 control characters (tab, line feed and carriage return are kept)."""
    return CONTROL.sub("", text)


def terminal_safe(text: str) -> str:
    """Text for the terminal: control characters and bidirectional overrides escaped as ``\\xNN`` /
    ``\\uNNNN``, so a name read from a file can never move the cursor, clear the screen or reorder
    what is shown."""
    if not _TERMINAL.search(text):
        return text
    return _TERMINAL.sub(lambda m: f"\\x{ord(m[0]):02x}" if ord(m[0]) < 0x100 else f"\\u{ord(m[0]):04x}", text)


def formula_like(text: str) -> bool:
    """True when a spreadsheet would read ``text`` as a formula (or the start of one).

    >>> formula_like("=1+1"), formula_like("  @SUM(A1)"), formula_like("-1,5"), formula_like("Suez")
    (True, True, False, False)
    """
    head = text.lstrip(" ")
    return bool(head) and head[0] in _FORMULA_START and not _PLAIN_NUMBER.fullmatch(text.strip())


def spreadsheet_text(text: str) -> str:
    """Text for a CSV cell: control characters dropped, and a leading ``'`` when it would be a formula."""
    text = strip_controls(text)
    return "'" + text if formula_like(text) else text


def flat(value: Any) -> Any:
    """A value as one cell: lists joined with ``, ``, dicts as JSON, numpy scalars as Python ones."""
    if isinstance(value, (list, tuple, set)):
        return ", ".join(str(flat(v)) for v in value)
    if isinstance(value, dict):
        return json.dumps(value, ensure_ascii=False, default=str)
    item = getattr(value, "item", None)  # numpy scalars
    if item is not None and not isinstance(value, (str, bytes)) and getattr(value, "shape", None) == ():
        return item()
    return value


def _missing(value: Any) -> bool:
    if value is None:
        return True
    try:
        return bool(value != value)  # NaN, pandas NA/NaT
    except (TypeError, ValueError):
        return False


def csv_cell(value: Any) -> Any:
    """A value for :meth:`pandas.DataFrame.to_csv`: text neutralised, numbers untouched."""
    value = flat(value)
    if isinstance(value, str):
        return spreadsheet_text(value)
    return value


def csv_frame(df):
    """A copy of ``df`` (headers too) that is safe to write as CSV."""
    out = df.map(csv_cell)
    out.columns = [spreadsheet_text(str(c)) for c in df.columns]
    return out


def _decimal_comma(value: Any) -> Any:
    if isinstance(value, float) and math.isfinite(value):
        return repr(float(value)).replace(".", ",")
    return value


def csv_excel_text(df) -> str:
    """``df`` as CSV for a French Excel: ``;`` between cells, decimal comma, Windows line ends, and
    neutralised like :func:`csv_frame` (a file writes it with a byte order mark: :func:`write_csv_excel`).

    >>> import pandas as pd
    >>> csv_excel_text(pd.DataFrame({"a": [1.5, 2.0], "b": ["=1+1", "x;y"]}))
    'a;b\\r\\n1,5;\\'=1+1\\r\\n2,0;"x;y"\\r\\n'
    """
    return csv_frame(df).map(_decimal_comma).to_csv(index=False, sep=";", lineterminator="\r\n")


def write_csv_excel(df, out: str | Path) -> Path:
    """Write ``df`` with :func:`csv_excel_text`, UTF-8 with a byte order mark (Excel then reads accents)."""
    text = csv_excel_text(df)
    return write_output(out, lambda tmp: tmp.write_text(text, encoding="utf-8-sig", newline=""))


def write_csv(df, out: str | Path) -> Path:
    """Write ``df`` as a UTF-8 CSV file, formula-safe (see the module)."""
    text = csv_frame(df).to_csv(index=False)
    return write_output(out, lambda tmp: tmp.write_text(text, encoding="utf-8", newline=""))


# -- Excel ---------------------------------------------------------------------------------------

_SHEET_NAME = re.compile(r"[\[\]:*?/\\]")
XLSX_CELL = 32_767  # the most characters an Excel cell holds


def sheet_title(name: str) -> str:
    """A valid worksheet name: at most 31 characters, none of ``[]:*?/\\``."""
    return (_SHEET_NAME.sub(" ", strip_controls(name)).strip("' ") or "Feuil1")[:31]


def set_cell(cell, value: Any) -> None:
    """Put ``value`` in an openpyxl cell: numbers, booleans and dates as such, any text as text
    (never a formula; formula-like text also gets Excel's quote prefix so that editing the cell keeps
    it text), control characters dropped. Nothing it is given makes openpyxl raise."""
    from openpyxl.cell.cell import TYPE_STRING

    value = flat(value)
    if _missing(value):
        return
    if isinstance(value, bool):
        cell.value = value
        return
    if isinstance(value, (int, float)):
        # Infinities, and integers beyond what a spreadsheet number holds exactly, are written as text.
        if (isinstance(value, float) and math.isfinite(value)) or (isinstance(value, int) and abs(value) < 2**53):
            cell.value = value
            return
        value = str(value)
    if isinstance(value, (dt.datetime, dt.time)) and value.tzinfo is not None:
        value = value.isoformat()  # Excel has no time zones
    elif isinstance(value, (dt.date, dt.datetime, dt.time)):
        cell.value = value
        return
    text = strip_controls(str(value))
    if len(text) > XLSX_CELL:  # a spreadsheet refuses longer cells: cut, and say so in the cell
        text = text[:XLSX_CELL - 1] + "…"
    cell.value = text
    cell.data_type = TYPE_STRING
    if formula_like(text):
        cell.quotePrefix = True


def write_xlsx(out: str | Path, sheets: Iterable[tuple[str, list[str], Iterable[Iterable[Any]]]],
               private: bool = False, after: Callable | None = None) -> Path:
    """Write a workbook of ``(title, headers, rows)`` sheets with :func:`set_cell`, laid out for Excel
    (:mod:`.sheetstyle`: bold frozen header row, autofilter, fitted widths, number and date formats).
    ``after(workbook)`` may add formatting. ``private``: readable by its owner only."""
    from openpyxl import Workbook
    from openpyxl.styles import Font

    wb = Workbook()
    wb.remove(wb.active)
    bold = Font(bold=True)
    for title, headers, rows in sheets:
        ws = wb.create_sheet(sheet_title(title))
        layout = SheetLayout()
        for j, h in enumerate(headers, start=1):
            cell = ws.cell(row=1, column=j)
            set_cell(cell, h)
            cell.font = bold
            layout.cell(cell, header=True)
        last = 0
        for last, row in enumerate(rows, start=1):
            for j, value in enumerate(row, start=1):
                if not _missing(value):
                    cell = ws.cell(row=last + 1, column=j)
                    set_cell(cell, value)
                    layout.cell(cell)
        layout.finish(ws, len(headers), last)
    if not wb.worksheets:
        wb.create_sheet("Feuil1")
    if after is not None:
        after(wb)
    return write_output(out, lambda tmp: wb.save(tmp), private=private)


_ISO_DATE = re.compile(r"\d{4}-\d{2}-\d{2}")


def frame_value(value: Any) -> Any:
    """A value of a query's DataFrame for a spreadsheet: store dates (and ISO date text) as dates."""
    native = getattr(value, "to_native", None)  # the driver's Date and DateTime
    if native is not None and not isinstance(value, (str, bytes)):
        with contextlib.suppress(Exception):
            value = native()
    if isinstance(value, str) and len(value) == 10 and _ISO_DATE.fullmatch(value):
        with contextlib.suppress(ValueError):
            return dt.date.fromisoformat(value)
    return value


def frame_sheet(df, title: str) -> tuple[str, list[str], Iterable[tuple]]:
    """A DataFrame as a ``(title, headers, rows)`` sheet for :func:`write_xlsx`."""
    rows = (tuple(frame_value(v) for v in row) for row in df.itertuples(index=False, name=None))
    return title, [str(c) for c in df.columns], rows


def write_frame_xlsx(df, out: str | Path, sheet: str = "résultats") -> Path:
    """Write a DataFrame as a one-sheet workbook (see :func:`write_xlsx`)."""
    return write_xlsx(out, [frame_sheet(df, sheet)])


# -- output files ---------------------------------------------------------------------------------

_HINTS = {errno.ENOSPC: "the disk is full", errno.EDQUOT: "the disk quota is exceeded",
          errno.EACCES: "permission denied", errno.EPERM: "permission denied",
          errno.EROFS: "the file system is read-only", errno.ENOENT: "the folder does not exist",
          errno.ENOTDIR: "a part of the path is not a folder", errno.EISDIR: "it is a folder",
          errno.ENAMETOOLONG: "the name is too long"}


def output_error(path: Path, exc: OSError) -> OutputError:
    """One clear message for an output file that cannot be written."""
    reason = _HINTS.get(exc.errno) or exc.strerror or str(exc)
    return OutputError(f"cannot write {path}: {reason}; nothing was written")


def check_output(out: str | Path) -> os.stat_result | None:
    """Raise :class:`~eitgraph.errors.OutputError` if ``out`` cannot be an output file (a folder, a pipe,
    a missing folder); returns its ``stat`` if it exists. Used before work whose result goes there."""
    out = Path(out)
    try:
        st = os.stat(out)
    except FileNotFoundError:
        st = None
    except OSError as exc:
        raise output_error(out, exc) from None
    if st is not None and stat.S_ISDIR(st.st_mode):
        raise OutputError(f"cannot write {out}: it is a folder; give a file name")
    if st is not None and stat.S_ISFIFO(st.st_mode):
        raise OutputError(f"cannot write {out}: it is a pipe; give a file name (or leave out --out to print)")
    if st is None and not out.parent.is_dir():
        raise OutputError(f"cannot write {out}: the folder {out.parent} does not exist; create it first")
    return st


def write_output(out: str | Path, write: Callable[[Path], Any], private: bool = False) -> Path:
    """Write a file through ``write(path)`` safely: into a temporary file next to ``out``, then moved
    into place (a failure leaves no half-written file, and an existing file keeps its permissions).
    A missing folder, a folder given as the file, a pipe, a full disk or a path without permission
    raise :class:`~eitgraph.errors.OutputError`. Devices (``/dev/null``) are written directly."""
    out = Path(out)
    st = check_output(out)
    if st is not None and not stat.S_ISREG(st.st_mode):  # a device: written whole from a private temporary file
        fd, name = tempfile.mkstemp(prefix="eitgraph-", suffix=out.suffix)
        os.close(fd)
        try:
            write(Path(name))
            with open(name, "rb") as src, open(out, "wb") as dst:
                shutil.copyfileobj(src, dst)
        except OSError as exc:
            raise output_error(out, exc) from None
        finally:
            with contextlib.suppress(OSError):
                os.unlink(name)
        return out
    tmp = out.parent / f".{out.name}.{os.getpid()}.tmp"
    try:
        fd = os.open(tmp, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600 if private else 0o666)
        os.close(fd)
        if private:
            os.chmod(tmp, 0o600)
        elif st is not None:
            os.chmod(tmp, stat.S_IMODE(st.st_mode))
        write(tmp)
        os.replace(tmp, out)
    except OSError as exc:
        with contextlib.suppress(OSError):
            tmp.unlink()
        raise output_error(out, exc) from None
    except BaseException:
        with contextlib.suppress(OSError):
            tmp.unlink()
        raise
    return out
