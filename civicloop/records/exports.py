"""Hours to Excel: translated headers, a totals row, sensible column widths (written by core.sheets)."""

from __future__ import annotations

import io
from decimal import Decimal
from typing import Any

from django.utils.translation import pgettext_lazy
from openpyxl import Workbook

from civicloop.core.sheets import sheet_write

HEADERS = {
    "volunteer": [pgettext_lazy("spreadsheet", "Volunteer number"), pgettext_lazy("spreadsheet", "Name"), pgettext_lazy("spreadsheet", "Home unit"), pgettext_lazy("spreadsheet", "Service hours"), pgettext_lazy("spreadsheet", "Records")],
    "team": [pgettext_lazy("spreadsheet", "Volunteer team"), pgettext_lazy("spreadsheet", "Home unit"), pgettext_lazy("spreadsheet", "Service hours"), pgettext_lazy("spreadsheet", "Records")],
    "unit": [pgettext_lazy("spreadsheet", "Unit"), pgettext_lazy("spreadsheet", "Service hours"), pgettext_lazy("spreadsheet", "Records")],
}
TITLES = {"volunteer": pgettext_lazy("spreadsheet", "By volunteer"), "team": pgettext_lazy("spreadsheet", "By team"), "unit": pgettext_lazy("spreadsheet", "By unit")}


def hours_workbook(rows: list[dict[str, Any]], by: str) -> bytes:
    wb = Workbook()
    total_hours = Decimal("0")
    total_n = 0
    lines = []
    for r in rows:
        exact = Decimal(str(r["hours"] or 0)).quantize(Decimal("0.01"))
        hours = float(exact)
        total_hours += exact
        total_n += r["n"]
        if by == "volunteer":
            lines.append([r["key"], r["name"], r["unit"], hours, r["n"]])
        elif by == "team":
            lines.append([r["name"], r["unit"], hours, r["n"]])
        else:
            lines.append([r["name"], hours, r["n"]])
    pad = len(HEADERS[by]) - 3
    sheet_write(
        wb.active,
        title=TITLES[by],
        headers=HEADERS[by],
        rows=lines,
        total=[""] * pad + [float(total_hours), total_n],
    )
    buf = io.BytesIO()
    wb.save(buf)
    return buf.getvalue()
