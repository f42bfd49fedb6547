"""The platform service record (平台服务记录) as a PDF: reportlab with an embedded subset of a CJK TrueType font
(`core.pdffonts`, so it renders the same in every reader, Latin spaced by its own widths) and a QR code drawn from
segno's module matrix."""

from __future__ import annotations

import io

import segno
from django.utils import timezone
from reportlab.lib.pagesizes import A4
from reportlab.lib.units import mm
from reportlab.pdfgen import canvas

from civicloop.core.masking import mask_id_number
from civicloop.core.pdffonts import cjk_font
from civicloop.records.models import ServiceRecordDocument


def _qr(c: canvas.Canvas, data: str, x: float, y: float, size: float) -> None:
    qr = segno.make(data, error="m")
    matrix = list(qr.matrix_iter(scale=1, border=2))
    cell = size / len(matrix)
    c.setFillColorRGB(0, 0, 0)
    for row_index, row in enumerate(matrix):
        for col_index, dark in enumerate(row):
            if dark:
                c.rect(x + col_index * cell, y + size - (row_index + 1) * cell, cell, cell, stroke=0, fill=1)


def render(doc: ServiceRecordDocument, verify_url: str) -> bytes:
    font = cjk_font()
    vol = doc.volunteer
    buf = io.BytesIO()
    # The initial font too, or reportlab lists an unembedded Helvetica that nothing uses.
    c = canvas.Canvas(buf, pagesize=A4, initialFontName=font, initialFontSize=12)
    c.setTitle(f"平台服务记录 {doc.number}")
    width, height = A4
    c.setFont(font, 20)
    c.drawCentredString(width / 2, height - 30 * mm, "志愿服务平台服务记录")
    c.setFont(font, 10)
    c.drawCentredString(
        width / 2, height - 37 * mm, "（文明实践志愿服务平台记录，非全国志愿服务信息系统证明）"
    )
    rows = [
        ("记录编号", doc.number),
        ("姓名", vol.user.display_name),
        ("身份证号", mask_id_number(vol.id_number) or "—"),
        ("志愿者编号", vol.number),
        ("累计服务时长", f"{doc.hours} 小时"),
        ("出具单位", doc.issuing_unit.name),
        ("出具日期", timezone.localtime(doc.issued_at).strftime("%Y年%m月%d日")),
    ]
    y = height - 52 * mm
    c.setFont(font, 12)
    for label, value in rows:
        c.drawString(25 * mm, y, f"{label}：")
        c.drawString(60 * mm, y, str(value))
        y -= 8 * mm
    _qr(c, verify_url, width - 65 * mm, height - 100 * mm, 40 * mm)
    c.setFont(font, 8)
    c.drawCentredString(width - 45 * mm, height - 104 * mm, "扫码核验")
    y -= 4 * mm
    c.setFont(font, 13)
    c.drawString(25 * mm, y, "服务明细")
    y -= 7 * mm
    c.setFont(font, 10)
    c.drawString(25 * mm, y, "日期")
    c.drawString(55 * mm, y, "服务项目 / 活动")
    c.drawRightString(width - 25 * mm, y, "时长（小时）")
    c.line(25 * mm, y - 2 * mm, width - 25 * mm, y - 2 * mm)
    y -= 7 * mm
    for line in doc.lines:
        if y < 30 * mm:
            c.drawString(25 * mm, y, "……")
            break
        c.drawString(25 * mm, y, line["date"])
        c.drawString(55 * mm, y, line["what"][:40])
        c.drawRightString(width - 25 * mm, y, line["hours"])
        y -= 6 * mm
    c.setFont(font, 9)
    c.drawString(25 * mm, 18 * mm, f"核验地址：{verify_url}")
    c.drawString(25 * mm, 13 * mm, f"内容校验码：{doc.content_hash[:16]}")
    c.showPage()
    c.save()
    return buf.getvalue()
