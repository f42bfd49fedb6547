"""The Excel workbook of a unit's figures for a period: by child unit and by month, Chinese headers, totals."""

from __future__ import annotations

import datetime as dt
from io import BytesIO

from openpyxl import Workbook
from openpyxl.styles import Alignment, Font, PatternFill
from openpyxl.utils import get_column_letter

from civicloop.network.models import Unit
from civicloop.stats import selectors
from civicloop.stats.summary import summary_sentence

COLUMNS = (
    ("activities", "文明实践活动（场）"),
    ("served", "服务群众（人次）"),
    ("hours", "志愿服务时长（小时）"),
    ("orders", "群众点单（份）"),
    ("orders_closed", "已办结点单（份）"),
)
HEADER_FILL = PatternFill("solid", fgColor="C8102E")
HEADER_FONT = Font(bold=True, color="FFFFFF")
BOLD = Font(bold=True)


def _value(metric: str, value: int) -> float:
    return value / 100 if metric == "hours" else value


def _sheet(ws, title: str, header: list[str], rows: list[list[object]]) -> None:
    ws.title = title
    ws.append(header)
    for cell in ws[1]:
        cell.fill, cell.font = HEADER_FILL, HEADER_FONT
        cell.alignment = Alignment(horizontal="center", vertical="center", wrap_text=True)
    for row in rows:
        ws.append(row)
    total = ["合计"] + [
        f"=SUM({get_column_letter(col)}2:{get_column_letter(col)}{len(rows) + 1})"
        for col in range(2, len(header) + 1)
    ]
    ws.append(total)
    for cell in ws[ws.max_row]:
        cell.font = BOLD
    ws.column_dimensions["A"].width = 34
    for col in range(2, len(header) + 1):
        ws.column_dimensions[get_column_letter(col)].width = 18
    ws.freeze_panes = "B2"


def workbook(unit: Unit, start: dt.date, end: dt.date) -> bytes:
    metrics = tuple(m for m, _label in COLUMNS)
    wb = Workbook()
    child_rows = [
        [row["unit"].name + ("（本级）" if row.get("own") else "")] + [_value(m, row[m]) for m in metrics]
        for row in selectors.by_child(unit, start, end, metrics)
    ]
    _sheet(wb.active, "按下级单位", ["单位"] + [label for _m, label in COLUMNS], child_rows)

    monthly = selectors.by_month(unit, start, end, metrics)
    month_rows = [
        [f"{m.year}年{m.month}月"] + [_value(metric, monthly.get(metric, {}).get(m, 0)) for metric in metrics]
        for m in selectors.months(start, end)
    ]
    _sheet(wb.create_sheet(), "按月份", ["月份"] + [label for _m, label in COLUMNS], month_rows)

    info = wb.create_sheet("说明")
    info.append(["单位", unit.name])
    info.append(["统计期间", f"{start:%Y-%m-%d} 至 {end:%Y-%m-%d}"])
    info.append(["摘要", summary_sentence(selectors.figures(unit, start, end))])
    info.column_dimensions["A"].width = 12
    info.column_dimensions["B"].width = 100
    buffer = BytesIO()
    wb.save(buffer)
    return buffer.getvalue()
