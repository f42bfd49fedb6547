"""The year-end completion report (通报完成情况) as PDF (reportlab, the embedded CJK font of
civicloop.core.pdffonts as in civicloop.records.pdf) and as Excel (openpyxl). Both libraries are
imported inside the functions: only these downloads pay for loading them."""

from __future__ import annotations

import io

from django.utils.translation import gettext as _

from civicloop.plans.selectors import DROPPED, LATE, ON_TIME, OPEN_, OVERDUE, Completion


def timeliness_label(kind: str) -> str:
    return {
        ON_TIME: _("Done on time"),
        LATE: _("Done late"),
        OVERDUE: _("Overdue, not done"),
        OPEN_: _("In progress"),
        DROPPED: _("Dropped"),
    }[kind]


def _title(report: Completion) -> str:
    return _("%(committee)s: completion of the %(year)s practical projects") % {
        "committee": report.committee.name, "year": report.year,
    }


def _summary_header() -> list[str]:
    return [_("Member unit"), _("Projects"), _("Done on time"), _("Late or overdue"), _("In progress"), _("Dropped")]


def _detail_header() -> list[str]:
    return [_("Member unit"), _("Practical project"), _("Target"), _("Achieved"), _("Due date"), _("Done on"), _("Completion")]


def _detail_rows(report: Completion) -> list[list[str]]:
    rows = []
    for unit in report.units:
        for p, kind in unit.projects:
            rows.append([
                unit.member.unit.name, p.title, p.target_text, str(p.achieved), p.due_on.isoformat(),
                p.done_on.isoformat() if p.done_on else "—", timeliness_label(kind),
            ])
    return rows


def completion_pdf(report: Completion) -> bytes:
    from reportlab.lib import colors
    from reportlab.lib.pagesizes import A4, landscape
    from reportlab.lib.styles import ParagraphStyle
    from reportlab.lib.units import mm
    from reportlab.platypus import Paragraph, SimpleDocTemplate, Spacer, Table, TableStyle

    from civicloop.core.pdffonts import cjk_font

    FONT = cjk_font()
    title_style = ParagraphStyle("t", fontName=FONT, fontSize=16, leading=22, alignment=1)
    text_style = ParagraphStyle("p", fontName=FONT, fontSize=9, leading=12, wordWrap="CJK")
    head_style = ParagraphStyle("h", fontName=FONT, fontSize=12, leading=18, spaceBefore=8)
    buf = io.BytesIO()
    doc = SimpleDocTemplate(buf, pagesize=landscape(A4), leftMargin=15 * mm, rightMargin=15 * mm, topMargin=15 * mm, bottomMargin=15 * mm, title=_title(report))

    def table(header: list[str], rows: list[list[str]], widths: list[float]) -> Table:
        data = [[Paragraph(c, text_style) for c in header]] + [[Paragraph(c, text_style) for c in r] for r in rows]
        t = Table(data, colWidths=[w * mm for w in widths], repeatRows=1)
        t.setStyle(TableStyle([
            ("GRID", (0, 0), (-1, -1), 0.4, colors.grey),
            ("BACKGROUND", (0, 0), (-1, 0), colors.HexColor("#e8eef7")),
            ("VALIGN", (0, 0), (-1, -1), "TOP"),
        ]))
        return t

    totals = report.totals
    summary = [[u.member.unit.name, str(u.total), str(u.on_time), str(u.late), str(u.open), str(u.dropped)] for u in report.units]
    summary.append([_("Total"), *(str(totals[k]) for k in ("total", "on_time", "late", "open", "dropped"))])
    story = [
        Paragraph(_title(report), title_style),
        Spacer(1, 4 * mm),
        Paragraph(_("As of %(day)s") % {"day": report.today.isoformat()}, text_style),
        Paragraph(_("Per member unit"), head_style),
        table(_summary_header(), summary, [80, 30, 30, 35, 30, 30]),
        Paragraph(_("Projects"), head_style),
        table(_detail_header(), _detail_rows(report), [50, 75, 35, 22, 25, 25, 30]),
    ]
    doc.build(story)
    return buf.getvalue()


def completion_xlsx(report: Completion) -> bytes:
    from openpyxl import Workbook
    from openpyxl.styles import Font

    wb = Workbook()
    ws = wb.active
    ws.title = _("Per member unit")[:31]
    ws.append([_title(report)])
    ws["A1"].font = Font(bold=True, size=14)
    ws.append(_summary_header())
    for u in report.units:
        ws.append([u.member.unit.name, u.total, u.on_time, u.late, u.open, u.dropped])
    totals = report.totals
    ws.append([_("Total"), *(totals[k] for k in ("total", "on_time", "late", "open", "dropped"))])
    for cell in (*ws[2], *ws[ws.max_row]):
        cell.font = Font(bold=True)
    ws.column_dimensions["A"].width = 30
    detail = wb.create_sheet(_("Projects")[:31])
    detail.append(_detail_header())
    for cell in detail[1]:
        cell.font = Font(bold=True)
    for row in _detail_rows(report):
        detail.append(row)
    for col, width in zip("ABCDEFG", (30, 40, 16, 10, 12, 12, 14), strict=True):
        detail.column_dimensions[col].width = width
    buf = io.BytesIO()
    wb.save(buf)
    return buf.getvalue()
