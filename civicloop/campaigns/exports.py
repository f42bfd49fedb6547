"""The monthly 通报 as PDF (reportlab, with the embedded CJK font of civicloop.core.pdffonts) and
Excel (openpyxl), and the annual assessment export. The libraries are imported inside the functions: only these
downloads need them."""

from __future__ import annotations

import datetime as dt
import io
from typing import Any

from django.utils.translation import gettext as _

from civicloop.campaigns import selectors
from civicloop.campaigns.models import Bulletin, Campaign
from civicloop.network.models import Unit

NAMED = 3  # how many units the 通报 names at the top and at the bottom


def pct(value: float | None) -> str:
    return "—" if value is None else f"{value * 100:.1f}%"


def columns() -> list[tuple[str, str]]:
    return [
        ("rank", _("Rank")),
        ("name", _("Unit")),
        ("score", _("Assessment score")),
        ("registered", _("Problems registered")),
        ("rate_on_time", _("Rectified on time")),
        ("rate_rework", _("Rework rate")),
        ("rate_extension", _("Extended")),
        ("recurrences", _("Recurrences")),
        ("rate_tasks", _("Tasks completed")),
        ("visits", _("Supervision visits")),
        ("overdue", _("Overdue now")),
    ]


def _cell(row: dict[str, Any], key: str, i: int) -> Any:
    if key == "rank":
        return i
    if key.startswith("rate_"):
        return pct(row.get(key))
    return row.get(key, "")


def top_bottom(rows: list[dict[str, Any]]) -> tuple[list[dict[str, Any]], list[dict[str, Any]]]:
    n = min(NAMED, len(rows) // 2) if len(rows) > 1 else len(rows)
    return rows[:n], (rows[-n:][::-1] if len(rows) > 1 else [])


def bulletin_title(bulletin: Bulletin) -> str:
    return _("%(campaign)s: bulletin for %(month)s") % {
        "campaign": bulletin.campaign.name, "month": bulletin.month.strftime("%Y-%m")
    }


def bulletin_pdf(bulletin: Bulletin) -> bytes:
    from reportlab.lib import colors
    from reportlab.lib.pagesizes import A4, landscape
    from reportlab.lib.styles import ParagraphStyle
    from reportlab.lib.units import mm
    from reportlab.platypus import Paragraph, SimpleDocTemplate, Spacer, Table, TableStyle

    from civicloop.core.pdffonts import cjk_font

    font = cjk_font()
    title_style = ParagraphStyle("t", fontName=font, fontSize=16, leading=22)
    body = ParagraphStyle("b", fontName=font, fontSize=10, leading=15)
    buf = io.BytesIO()
    doc = SimpleDocTemplate(buf, pagesize=landscape(A4), leftMargin=12 * mm, rightMargin=12 * mm,
                            title=bulletin_title(bulletin))
    rows = bulletin.rows
    top, bottom = top_bottom(rows)
    story: list[Any] = [Paragraph(bulletin_title(bulletin), title_style), Spacer(1, 4 * mm)]
    story.append(Paragraph(_("Issued by %(unit)s.") % {"unit": bulletin.unit.name}, body))
    if top:
        story.append(Paragraph(_("Commended (top): %(names)s") % {"names": "、".join(r["name"] for r in top)}, body))
    if bottom:
        story.append(Paragraph(_("Criticised (bottom): %(names)s") % {"names": "、".join(r["name"] for r in bottom)}, body))
    story.append(Spacer(1, 4 * mm))
    cols = columns()
    data = [[label for _key, label in cols]] + [
        [str(_cell(r, key, i)) for key, _label in cols] for i, r in enumerate(rows, 1)
    ]
    table = Table(data, repeatRows=1)
    table.setStyle(TableStyle([
        ("FONTNAME", (0, 0), (-1, -1), font),
        ("FONTSIZE", (0, 0), (-1, -1), 8),
        ("GRID", (0, 0), (-1, -1), 0.4, colors.grey),
        ("BACKGROUND", (0, 0), (-1, 0), colors.Color(0.93, 0.93, 0.93)),
    ]))
    story.append(table)
    doc.build(story)
    return buf.getvalue()


def _sheet(ws: Any, title: str, rows: list[dict[str, Any]]) -> None:
    from openpyxl.styles import Font

    ws.append([title])
    ws["A1"].font = Font(bold=True, size=14)
    cols = columns()
    ws.append([label for _k, label in cols])
    for cell in ws[2]:
        cell.font = Font(bold=True)
    for i, r in enumerate(rows, 1):
        ws.append([_cell(r, key, i) for key, _label in cols])
    ws.column_dimensions["B"].width = 34


def bulletin_xlsx(bulletin: Bulletin) -> bytes:
    from openpyxl import Workbook

    wb = Workbook()
    ws = wb.active
    ws.title = bulletin.month.strftime("%Y-%m")
    _sheet(ws, bulletin_title(bulletin), bulletin.rows)
    top, bottom = top_bottom(bulletin.rows)
    ws.append([])
    ws.append([_("Commended (top): %(names)s") % {"names": "、".join(r["name"] for r in top)}])
    ws.append([_("Criticised (bottom): %(names)s") % {"names": "、".join(r["name"] for r in bottom)}])
    buf = io.BytesIO()
    wb.save(buf)
    return buf.getvalue()


def annual_rows(campaign: Campaign, unit: Unit, year: int) -> list[dict[str, Any]]:
    rows = selectors.ranking(campaign, unit, dt.date(year, 1, 1), dt.date(year, 12, 31))
    return [
        {"name": r["unit"].name, "score": r["score"], **r["counts"], **{f"rate_{k}": v for k, v in r["rates"].items()},
         "overdue": r["overdue"]}
        for r in rows
    ]


def annual_xlsx(campaign: Campaign, unit: Unit, year: int) -> bytes:
    """The campaign's score per unit for the year: the figure the annual target-responsibility assessment
    (年度目标责任制考核) takes over."""
    from openpyxl import Workbook

    wb = Workbook()
    ws = wb.active
    ws.title = str(year)
    _sheet(ws, _("%(campaign)s: annual assessment %(year)s") % {"campaign": campaign.name, "year": year},
           annual_rows(campaign, unit, year))
    buf = io.BytesIO()
    wb.save(buf)
    return buf.getvalue()
