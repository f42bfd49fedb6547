"""Hours to Excel (openpyxl): Chinese headers, a totals row, sensible column widths."""

from __future__ import annotations

import io
from decimal import Decimal
from typing import Any

from openpyxl import Workbook
from openpyxl.styles import Font

HEADERS = {
    "volunteer": ["志愿者编号", "姓名", "所属单位", "服务时长（小时）", "记录条数"],
    "team": ["志愿队", "所属单位", "服务时长（小时）", "记录条数"],
    "unit": ["单位", "服务时长（小时）", "记录条数"],
}
TITLES = {"volunteer": "按志愿者", "team": "按志愿队", "unit": "按单位"}


def hours_workbook(rows: list[dict[str, Any]], by: str) -> bytes:
    wb = Workbook()
    ws = wb.active
    ws.title = TITLES[by]
    ws.append(HEADERS[by])
    for cell in ws[1]:
        cell.font = Font(bold=True)
    total_hours = Decimal("0")
    total_n = 0
    for r in rows:
        exact = Decimal(str(r["hours"] or 0)).quantize(Decimal("0.01"))
        hours = float(exact)
        total_hours += exact
        total_n += r["n"]
        if by == "volunteer":
            ws.append([r["key"], r["name"], r["unit"], hours, r["n"]])
        elif by == "team":
            ws.append([r["name"], r["unit"], hours, r["n"]])
        else:
            ws.append([r["name"], hours, r["n"]])
    pad = len(HEADERS[by]) - 3
    ws.append(["合计"] + [""] * pad + [float(total_hours), total_n])
    for cell in ws[ws.max_row]:
        cell.font = Font(bold=True)
    for column in ws.columns:
        longest = max(len(str(c.value or "")) for c in column)
        ws.column_dimensions[column[0].column_letter].width = min(max(10, longest * 2 + 2), 50)
    buf = io.BytesIO()
    wb.save(buf)
    return buf.getvalue()
