"""Spreadsheets (openpyxl) written one way: translatable headers, a bold (or coloured) header row, an optional
totals row, column widths that fit. Every export builds its sheets with `sheet_write`, so headers are msgids
with their Chinese in the catalogues, never literals in one language."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from django.utils.functional import Promise
from django.utils.translation import pgettext
from openpyxl.styles import Alignment, Font, PatternFill
from openpyxl.worksheet.worksheet import Worksheet

Text = str | Promise
REPORT_FILL = PatternFill("solid", fgColor="C8102E")  # the platform's red, for printed reports
BOLD = Font(bold=True)


def total_label() -> str:
    return pgettext("spreadsheet", "Total")


def sheet_write(
    ws: Worksheet,
    *,
    title: Text,
    headers: Sequence[Text],
    rows: Sequence[Sequence[Any]],
    total: Sequence[Any] | None = None,
    report: bool = False,
    widths: Sequence[float] | None = None,
    freeze: str = "",
) -> Worksheet:
    """Write one sheet: `title` and `headers` are translated now (in the active language); `total` is the last
    row, written bold, with the translated "Total" before it. `report=True` colours the header row."""
    ws.title = str(title)[:31]  # Excel's limit
    ws.append([str(h) for h in headers])
    for cell in ws[1]:
        if report:
            cell.fill, cell.font = REPORT_FILL, Font(bold=True, color="FFFFFF")
            cell.alignment = Alignment(horizontal="center", vertical="center", wrap_text=True)
        else:
            cell.font = BOLD
    for row in rows:
        ws.append(list(row))
    if total is not None:
        ws.append([total_label(), *total])
        for cell in ws[ws.max_row]:
            cell.font = BOLD
    for index, column in enumerate(ws.columns):
        if widths is not None and index < len(widths):
            width = widths[index]
        else:
            longest = max(len(str(c.value or "")) for c in column)
            width = min(max(10, longest * 2 + 2), 50)
        ws.column_dimensions[column[0].column_letter].width = width
    if freeze:
        ws.freeze_panes = freeze
    return ws
