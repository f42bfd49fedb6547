"""Award certificates (获奖证书) as PDF, drawn the way records draws its service record: reportlab with the embedded
CJK font of `core.pdffonts` and a QR code from segno's module matrix pointing to the public
verification page. Kept here rather than importing records' internals (no two apps import each other)."""

from __future__ import annotations

import io

import segno
from django.utils import timezone
from reportlab.lib.pagesizes import A4, landscape
from reportlab.lib.units import mm
from reportlab.pdfgen import canvas

from civicloop.contests.models import Entry
from civicloop.core.pdffonts import cjk_font as _font


def _qr(c: canvas.Canvas, data: str, x: float, y: float, size: float) -> None:
    matrix = list(segno.make(data, error="m").matrix_iter(scale=1, border=2))
    cell = size / len(matrix)
    for row_index, row in enumerate(matrix):
        for col_index, dark in enumerate(row):
            if dark:
                c.rect(x + col_index * cell, y + size - (row_index + 1) * cell, cell, cell, stroke=0, fill=1)


def certificate(entry: Entry, verify_url: str) -> bytes:
    font = _font()
    buf = io.BytesIO()
    size = landscape(A4)
    c = canvas.Canvas(buf, pagesize=size)
    width, height = size
    c.setTitle(f"获奖证书 {entry.certificate_code}")
    c.setStrokeColorRGB(0.75, 0.1, 0.1)
    c.setLineWidth(3)
    c.rect(12 * mm, 12 * mm, width - 24 * mm, height - 24 * mm)
    c.setFont(font, 34)
    c.drawCentredString(width / 2, height - 45 * mm, "荣 誉 证 书")
    c.setFont(font, 16)
    name = entry.author_name or entry.nominee_name or ""
    c.drawString(40 * mm, height - 75 * mm, f"{name}：")
    lines = [
        f"您的作品《{entry.title}》在“{entry.call.title}”中",
        f"荣获 {entry.get_award_display()}。特发此证，以资鼓励。",
    ]
    y = height - 90 * mm
    for line in lines:
        c.drawString(50 * mm, y, line)
        y -= 12 * mm
    c.setFont(font, 14)
    c.drawRightString(width - 40 * mm, 50 * mm, entry.call.organiser.name)
    issued = timezone.localtime(entry.updated_at).strftime("%Y年%m月%d日")
    c.drawRightString(width - 40 * mm, 40 * mm, issued)
    _qr(c, verify_url, 30 * mm, 25 * mm, 32 * mm)
    c.setFont(font, 9)
    c.drawString(30 * mm, 20 * mm, f"证书编号 {entry.certificate_code} · 扫码核验")
    c.showPage()
    c.save()
    return buf.getvalue()
