"""How every worksheet eitgraph writes looks in Excel: a bold header row, frozen, with an autofilter over
the data; columns as wide as what they hold (capped); numbers with grouped thousands and their decimals,
dates as dates. Number formats are stored the way Excel stores them (``#,##0.0#``): a French Excel shows
``1 234,5``, an English one ``1,234.5``.

>>> number_format(1234), number_format(12.5), number_format(0.0401), number_format(True)
('#,##0', '#,##0.0#', '0.0##', None)
>>> number_format(dt.date(2024, 3, 31)), shown_width(12345.678), shown_width("a\\nlonger line")
('dd/mm/yyyy', 9, 11)
"""

from __future__ import annotations

import datetime as dt
from typing import Any

MAX_WIDTH = 60  # characters: longer text wraps in the cell rather than making a column wider than a screen
MIN_WIDTH = 6
FILTER_BUTTON = 3  # the autofilter's arrow takes room in the header cell


def number_format(value: Any) -> str | None:
    """The Excel number format of a cell holding ``value`` (None: Excel's default)."""
    if isinstance(value, bool):
        return None
    if isinstance(value, int) or (isinstance(value, float) and value.is_integer()):
        return "#,##0"
    if isinstance(value, float):
        return "#,##0.0#" if abs(value) >= 1 else "0.0##"
    if isinstance(value, dt.datetime):
        return "dd/mm/yyyy hh:mm"
    if isinstance(value, dt.date):
        return "dd/mm/yyyy"
    return None


def shown_width(value: Any) -> int:
    """About how many characters a cell shows for ``value``."""
    if isinstance(value, bool):
        return 5
    if isinstance(value, (int, float)):
        return len(f"{value:,.2f}".rstrip("0").rstrip(".")) if isinstance(value, float) else len(f"{value:,}")
    if isinstance(value, dt.datetime):
        return 16
    if isinstance(value, dt.date):
        return 10
    return max((len(line) for line in str(value).splitlines()), default=0)


class SheetLayout:
    """Collects the widths of a sheet's columns while its cells are written, then lays the sheet out."""

    def __init__(self) -> None:
        self.widths: dict[int, int] = {}

    def cell(self, cell, header: bool = False) -> None:
        """Give ``cell`` (just written) its number format and count its width."""
        value = cell.value
        if value is None:
            return
        fmt = None if header or cell.data_type == "s" else number_format(value)
        if fmt:
            cell.number_format = fmt
        width = shown_width(value) + (FILTER_BUTTON if header else 0)
        if width > self.widths.get(cell.column, 0):
            self.widths[cell.column] = width

    def finish(self, ws, columns: int, rows: int) -> None:
        """Set the widths, freeze the header row and put an autofilter over ``columns`` × ``rows`` of data."""
        from openpyxl.styles import Alignment
        from openpyxl.utils import get_column_letter

        for column, width in self.widths.items():
            ws.column_dimensions[get_column_letter(column)].width = max(MIN_WIDTH, min(width + 2, MAX_WIDTH))
            if width > MAX_WIDTH:
                wrap = Alignment(wrap_text=True, vertical="top")
                for (cell,) in ws.iter_rows(min_row=2, min_col=column, max_col=column):
                    if cell.value is not None and shown_width(cell.value) > MAX_WIDTH:
                        cell.alignment = wrap
        ws.freeze_panes = "A2"
        if columns:
            ws.auto_filter.ref = f"A1:{get_column_letter(columns)}{rows + 1}"
