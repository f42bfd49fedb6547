"""The service record embeds its CJK font (issue #13): a subset of a TrueType face, not a built-in CID font that
readers without Adobe's Asian pack substitute, and Latin set with the font's own widths."""

from __future__ import annotations

import shutil
import subprocess
from decimal import Decimal
from io import BytesIO

import pytest
from django.urls import reverse
from django.utils import timezone
from pypdf import PdfReader

from civicloop.records import services
from civicloop.records.models import ServiceRecordDocument

pytestmark = pytest.mark.django_db


def _record_pdf(client, personas) -> bytes:
    services.record_credit(
        volunteer=personas.volunteer_profile, hours=Decimal("3.5"), source="activity", source_id=None,
        unit=personas.station, served_on=timezone.localdate(), category="health",
        description="健康义诊 Health check ABC-123",
    )
    client.force_login(personas.volunteer)
    client.post(reverse("records:document_issue"))
    doc = ServiceRecordDocument.objects.get()
    response = client.get(reverse("records:document_download", args=[doc.number]))
    assert response.status_code == 200
    return response.content


def _fonts(pdf: bytes) -> list[dict]:
    found = []
    for page in PdfReader(BytesIO(pdf)).pages:
        for font in page["/Resources"]["/Font"].values():
            font = font.get_object()
            descriptor = font.get("/FontDescriptor")
            descriptor = descriptor.get_object() if descriptor is not None else {}
            found.append(
                {
                    "name": str(font["/BaseFont"]),
                    "embedded": any(k in descriptor for k in ("/FontFile", "/FontFile2", "/FontFile3")),
                    "widths": [float(w) for w in font.get("/Widths", [])],
                }
            )
    return found


def test_service_record_embeds_a_cjk_subset_font(client, personas):
    pdf = _record_pdf(client, personas)
    fonts = _fonts(pdf)
    cjk = [f for f in fonts if "WenQuanYiMicroHei" in f["name"]]
    assert cjk, fonts
    # A subset carries a six-letter tag ("AAAAAA+Name") and the font program itself.
    assert all(f["embedded"] and f["name"][1:8].endswith("+") for f in cjk)
    assert not [f for f in fonts if not f["embedded"]], fonts
    # Latin is proportional: the widths differ ("i" is narrower than "W"), not one CJK cell for every letter.
    assert any(len(set(f["widths"])) > 3 for f in cjk)


def test_pdffonts_reports_the_font_embedded(client, personas, tmp_path):
    assert shutil.which("pdffonts"), "pdffonts is missing: `make browsers` installs poppler-utils"
    path = tmp_path / "record.pdf"
    path.write_bytes(_record_pdf(client, personas))
    out = subprocess.run(["pdffonts", str(path)], capture_output=True, text=True, check=True).stdout
    rows = [line.split() for line in out.splitlines()[2:] if line.strip()]
    assert rows, out
    for row in rows:
        # name type… encoding emb sub uni object-id gen: emb and sub are the 5th and 4th from the end.
        assert "WenQuanYiMicroHei" in row[0], out
        assert row[-5] == "yes" and row[-4] == "yes", out
