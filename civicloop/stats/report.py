"""The Excel workbook of a unit's figures for a period: by child unit and by month, Chinese headers, totals."""

from __future__ import annotations

import datetime as dt
from io import BytesIO

from django.utils.translation import pgettext_lazy
from openpyxl import Workbook

from civicloop.core.sheets import sheet_write
from civicloop.network.models import Unit
from civicloop.stats import selectors
from civicloop.stats.summary import month_label, summary_sentence

COLUMNS = (
    ("activities", pgettext_lazy("spreadsheet", "Practice activities")),
    ("served", pgettext_lazy("spreadsheet", "People served")),
    ("hours", pgettext_lazy("spreadsheet", "Volunteer service hours")),
    ("orders", pgettext_lazy("spreadsheet", "Orders placed")),
    ("orders_closed", pgettext_lazy("spreadsheet", "Orders closed")),
)


def _value(metric: str, value: int) -> float:
    return value / 100 if metric == "hours" else value


def _sheet(ws, title: object, header: list[object], rows: list[list[object]]) -> None:
    # The totals as numbers, not =SUM() formulas: openpyxl cannot store a formula's cached value, and phone
    # previews (and anything else that does not recalculate) showed an empty 合计 row.
    total = [round(sum(row[col] for row in rows), 2) for col in range(1, len(header))]
    sheet_write(
        ws, title=title, headers=header, rows=rows, total=total, report=True,
        widths=[34] + [18] * (len(header) - 1), freeze="B2",
    )


def workbook(unit: Unit, start: dt.date, end: dt.date) -> bytes:
    metrics = tuple(m for m, _label in COLUMNS)
    wb = Workbook()
    child_rows = [
        [row["unit"].name + (str(pgettext_lazy("spreadsheet", "(own level)")) if row.get("own") else "")] + [_value(m, row[m]) for m in metrics]
        for row in selectors.by_child(unit, start, end, metrics)
    ]
    _sheet(wb.active, pgettext_lazy("spreadsheet", "By subordinate unit"), [pgettext_lazy("spreadsheet", "Unit"), *[label for _m, label in COLUMNS]], child_rows)

    monthly = selectors.by_month(unit, start, end, metrics)
    month_rows = [
        [month_label(m, year=True)] + [_value(metric, monthly.get(metric, {}).get(m, 0)) for metric in metrics]
        for m in selectors.months(start, end)
    ]
    _sheet(wb.create_sheet(), pgettext_lazy("spreadsheet", "By month"), [pgettext_lazy("spreadsheet", "Month"), *[label for _m, label in COLUMNS]], month_rows)

    info = wb.create_sheet(str(pgettext_lazy("spreadsheet", "Notes")))
    info.append([str(pgettext_lazy("spreadsheet", "Unit")), unit.name])
    period = pgettext_lazy("spreadsheet", "%(start)s to %(end)s") % {"start": f"{start:%Y-%m-%d}", "end": f"{end:%Y-%m-%d}"}
    info.append([str(pgettext_lazy("spreadsheet", "Period")), period])
    info.append([str(pgettext_lazy("spreadsheet", "Summary")), summary_sentence(selectors.figures(unit, start, end))])
    info.column_dimensions["A"].width = 12
    info.column_dimensions["B"].width = 100
    buffer = BytesIO()
    wb.save(buffer)
    return buffer.getvalue()
