"""A person's own details: one account with several roles (a volunteer becomes a resident without a second
account), self-edits, a mobile change confirmed by an SMS code, staff corrections within scope; each change
audited with masked values only."""

from __future__ import annotations

import json
import re

import pytest
from django.core.exceptions import PermissionDenied, ValidationError

from civicloop.audit.models import AuditEvent
from civicloop.people import details
from civicloop.people.models import Resident, User
from civicloop.people.tests.helpers import id_number

pytestmark = pytest.mark.django_db

SENT: list[tuple[str, str]] = []


class RecordingSms:
    name = "sms"

    def send_text(self, phone: str, text: str) -> None:
        SENT.append((phone, text))


@pytest.fixture
def sms(settings):
    settings.SMS_CHANNEL = "civicloop.people.tests.test_details.RecordingSms"
    SENT.clear()
    return SENT


def test_a_volunteer_becomes_a_resident_on_the_same_account(client, personas):
    p = personas
    client.force_login(p.volunteer)
    # the old resident registration form would have refused her own number; signed in, it sends her here
    assert client.get("/people/register/resident/")["Location"] == "/people/my/become-resident/"
    response = client.post("/people/my/become-resident/", {"unit": p.station.pk, "address": "3栋", "consent": "on"})
    assert response.status_code == 302
    resident = Resident.objects.get(user=p.volunteer)
    assert resident.phone == p.volunteer.phone and resident.name == "刘志愿"
    assert User.objects.filter(phone_hash=p.volunteer.phone_hash).count() == 1
    assert client.get("/people/my/resident/").status_code == 200
    assert client.get("/people/my/volunteer/").status_code == 200
    again = client.post("/api/people/me/resident", json.dumps({"unit_id": p.station.pk, "consent": True}),
                        content_type="application/json")
    assert again.status_code == 400


def test_self_edit_is_audited_masked(client, personas):
    p = personas
    client.force_login(p.resident)
    response = client.post("/people/my/details/", {"full_name": "张三丰", "address": "万和阳光社区9栋101"})
    assert response.status_code == 302
    resident = Resident.objects.get(pk=p.resident_profile.pk)
    assert resident.name == "张三丰" and resident.address == "万和阳光社区9栋101"
    rows = AuditEvent.objects.filter(action="resident_update", actor=p.resident)
    assert rows.exists()
    detail = " ".join(rows.values_list("detail", flat=True))
    assert "9栋101" not in detail and "张三丰" not in detail and "张*" in detail
    bad = client.patch("/api/people/me/details", json.dumps({"full_name": "  "}), content_type="application/json")
    assert bad.status_code == 400
    client.force_login(p.outsider)
    assert client.get("/people/my/details/").status_code == 403


def test_phone_change_needs_the_code_sent_by_sms(client, personas, sms, django_capture_on_commit_callbacks):
    p = personas
    client.force_login(p.resident)
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post("/people/my/phone/", {"step": "start", "new_phone": "13712340000"})
    assert response.status_code == 302
    assert sms and sms[0][0] == "13712340000"
    code = re.search(r"\d{6}", sms[0][1]).group(0)
    wrong = "000000" if code != "000000" else "111111"
    bad = client.post("/people/my/phone/", {"step": "confirm", "code": wrong})
    assert bad.status_code == 200 and "验证码错误" in bad.content.decode()
    assert User.objects.get(pk=p.resident.pk).phone == "13812341234"
    client.post("/people/my/phone/", {"step": "confirm", "code": code})
    assert User.objects.get(pk=p.resident.pk).phone == "13712340000"
    assert Resident.objects.get(pk=p.resident_profile.pk).phone == "13712340000"
    audit = AuditEvent.objects.get(action="phone_change_confirm")
    assert "13712340000" not in audit.detail and "137****0000" in audit.detail


def test_phone_taken_by_someone_else_gets_no_code_and_five_wrong_codes_lock(personas, sms,
                                                                            django_capture_on_commit_callbacks):
    p = personas
    with django_capture_on_commit_callbacks(execute=True):
        details.phone_change_start(user=p.resident, new_phone="13900000002")  # the volunteer's
    assert sms == []
    with django_capture_on_commit_callbacks(execute=True):
        details.phone_change_start(user=p.resident, new_phone="13712340000")
    code = re.search(r"\d{6}", sms[0][1]).group(0)
    wrong = "000000" if code != "000000" else "111111"
    for _ in range(5):
        with pytest.raises(ValidationError):
            details.phone_change_confirm(user=p.resident, code=wrong)
    with pytest.raises(ValidationError):  # even the right code, after five wrong ones
        details.phone_change_confirm(user=p.resident, code=code)


def test_staff_correct_within_scope_and_id_number_only_with_unmask(client, personas):
    p = personas
    entered = details.people.resident_enter(entered_by=p.station_staff, name="王大妈", unit=p.station)
    with pytest.raises(PermissionDenied):
        details.resident_correct(actor=p.sibling, resident=entered, address="越权")
    client.force_login(p.station_staff)
    response = client.post(f"/people/residents/{entered.pk}/edit/", {
        "name": "王大妈", "phone": "13600001111", "address": "万和阳光社区2栋", "id_number": id_number(),
    })
    assert response.status_code == 302
    entered.refresh_from_db()
    assert entered.id_number == id_number() and entered.phone == "13600001111"
    detail = AuditEvent.objects.get(action="resident_correct").detail
    assert id_number() not in detail and "13600001111" not in detail
    client.force_login(p.sibling)
    assert client.get(f"/people/residents/{entered.pk}/edit/").status_code == 403
    patch = client.patch(f"/api/people/residents/{entered.pk}", json.dumps({"address": "x"}),
                         content_type="application/json")
    assert patch.status_code == 403
    client.force_login(p.station_staff)
    ok = client.patch(f"/api/people/residents/{entered.pk}", json.dumps({"address": "万和阳光社区5栋"}),
                      content_type="application/json")
    assert ok.status_code == 200 and "5栋" not in ok.json()["address"]
