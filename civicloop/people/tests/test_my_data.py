"""Personal data for everyone: volunteers download (JSON, spreadsheet, PDF) and erase their data (hours kept
under a pseudonym); erasing a resident also clears the free text and addresses in their orders."""

from __future__ import annotations

from io import BytesIO

import pytest
from openpyxl import load_workbook

from civicloop.audit.models import AuditEvent
from civicloop.orders.tests.factories import fresh, walk
from civicloop.people import services
from civicloop.people.models import TeamMember, User, Volunteer
from civicloop.records.models import ServiceRecord

pytestmark = pytest.mark.django_db


def test_volunteer_downloads_a_readable_spreadsheet_pdf_and_json(client, personas):
    walk(personas, "closed")
    client.force_login(personas.volunteer)
    xlsx = client.get("/people/my/export/volunteer/xlsx/")
    assert xlsx.status_code == 200 and "no-store" in xlsx["Cache-Control"]
    book = load_workbook(BytesIO(xlsx.content))
    cells = [c.value for row in book.worksheets[0].iter_rows() for c in row]
    assert "志愿者编号" in cells and "KD-V0000001" in cells and "13900000002" in cells
    assert book.worksheets[1].max_row == 2  # one hours row under its header
    pdf = client.get("/people/my/export/volunteer/pdf/")
    assert pdf.content.startswith(b"%PDF") and b"WenQuanYiMicroHei" in pdf.content
    data = client.get("/api/people/me/export?who=volunteer&format=json").json()
    assert data["volunteer_number"] == "KD-V0000001" and data["hours"][0]["hours"] == "2.50"
    assert AuditEvent.objects.filter(action="volunteer_export", actor=personas.volunteer).count() == 3
    client.force_login(personas.outsider)
    assert client.get("/people/my/export/volunteer/xlsx/").status_code == 403


def test_resident_export_as_spreadsheet(client, personas):
    client.force_login(personas.resident)
    response = client.get("/people/my/export/resident/xlsx/")
    cells = [c.value for row in load_workbook(BytesIO(response.content)).worksheets[0].iter_rows() for c in row]
    assert "万和阳光社区3栋2单元501" in cells


def test_volunteer_erases_their_data_and_the_hours_stay(client, personas):
    p = personas
    walk(p, "closed")
    hours = ServiceRecord.objects.filter(volunteer=p.volunteer_profile).count()
    assert hours == 1
    client.force_login(p.volunteer)
    response = client.post("/people/my/volunteer/delete/", {"confirm": "on"})
    assert response.status_code == 302
    user = User.objects.get(pk=p.volunteer.pk)
    volunteer = Volunteer.objects.get(pk=p.volunteer_profile.pk)
    assert user.full_name == "志愿者KD-V0000001" and user.phone == "" and not user.is_active
    assert not volunteer.is_active and volunteer.id_number == ""
    assert not TeamMember.objects.filter(volunteer=volunteer).exists()
    assert ServiceRecord.objects.filter(volunteer=volunteer).count() == hours


def test_a_leader_hands_over_before_erasing(client, personas):
    p = personas
    leader_volunteer = services.volunteer_register(user=p.leader, home_unit=p.station, categories=["health"],
                                                   consent=True)
    client.force_login(p.leader)
    response = client.post("/people/my/volunteer/delete/", {"confirm": "on"})
    assert response.status_code == 200 and "请先把您带领的队伍移交给其他队员" in response.content.decode()
    assert Volunteer.objects.get(pk=leader_volunteer.pk).is_active


def test_erasing_a_resident_clears_free_text_and_addresses_in_their_orders(personas):
    order = walk(personas, "submitted", address="万和阳光社区3栋2单元501")
    services.resident_erase(resident=personas.resident_profile, actor=personas.resident)
    order = fresh(order)
    assert (order.description, order.address, order.lat) == ("", "", None)
