"""The registration and "my data" pages' API twins: the same forms and services, the same refusals."""

from __future__ import annotations

import pytest

from civicloop.audit.models import AuditEvent
from civicloop.people.models import Resident, Volunteer
from civicloop.people.tests.helpers import id_number, resident_form, volunteer_form

BASE = "/api/people"
JSON = "application/json"
pytestmark = pytest.mark.django_db


def _json(form: dict) -> dict:
    return {k: (True if v == "on" else int(v) if k == "unit" else v) for k, v in form.items()}


def test_resident_registers_through_the_api(client, personas):
    r = client.post(f"{BASE}/register/resident", _json(resident_form(personas.station)), content_type=JSON)
    assert r.status_code == 201, r.content
    assert r.json()["phone"] == "137****5678"
    token = client.post(
        "/api/auth/token", {"username": "wangxiuying", "password": "Kd-newpass-77"}, content_type=JSON
    )
    assert token.status_code == 200


def test_registration_answers_the_forms_messages(client, personas):
    no_consent = _json(resident_form(personas.station, consent=None))
    r = client.post(f"{BASE}/register/resident", no_consent, content_type=JSON)
    assert r.status_code == 400 and "consent" in r.json()["errors"]
    r = client.post(
        f"{BASE}/register/resident", _json(resident_form(personas.station, phone="12345")), content_type=JSON
    )
    assert r.status_code == 400 and "phone" in r.json()["errors"]
    at_a_department = _json(resident_form(personas.department))
    assert client.post(f"{BASE}/register/resident", at_a_department, content_type=JSON).status_code == 400
    assert (
        not Resident.objects.filter(name_initials__isnull=False)
        .exclude(pk=personas.resident_profile.pk)
        .exists()
    )


def test_volunteer_registers_and_a_resident_becomes_one(client, personas):
    r = client.post(f"{BASE}/register/volunteer", _json(volunteer_form(personas.station)), content_type=JSON)
    assert r.status_code == 201, r.content
    assert Volunteer.objects.get(number=r.json()["number"]).user.username == "zhaozhiqiang"
    client.force_login(personas.resident)
    body = {
        "unit": personas.station.pk,
        "types": ["five_elders"],
        "categories": ["culture"],
        "consent": True,
        "id_number": id_number("15020319500101123"),
    }
    become = client.post(f"{BASE}/me/volunteer", body, content_type=JSON)
    assert become.status_code == 201, become.content
    assert client.post(f"{BASE}/me/volunteer", body, content_type=JSON).status_code == 409
    client.logout()
    assert client.post(f"{BASE}/me/volunteer", body, content_type=JSON).status_code == 401


def test_my_data_export_and_erase(client, personas):
    client.force_login(personas.outsider)
    assert client.get(f"{BASE}/me/export").status_code == 403
    assert client.post(f"{BASE}/me/erase", {"confirm": True}, content_type=JSON).status_code == 403
    client.force_login(personas.resident)
    data = client.get(f"{BASE}/me/export").json()
    assert "13812341234" in str(data)  # the person's own data, in full
    assert client.post(f"{BASE}/me/erase", {}, content_type=JSON).status_code == 400
    assert client.post(f"{BASE}/me/erase", {"confirm": True}, content_type=JSON).status_code == 204
    assert Resident.objects.get(pk=personas.resident_profile.pk).erased_at is not None


def test_unmask_is_for_staff_in_scope_and_audited(client, personas):
    client.force_login(personas.sibling)
    assert client.post(f"{BASE}/residents/{personas.resident_profile.pk}/unmask").status_code == 403
    client.force_login(personas.volunteer)
    assert client.post(f"{BASE}/residents/{personas.resident_profile.pk}/unmask").status_code == 403
    client.force_login(personas.station_staff)
    r = client.post(f"{BASE}/residents/{personas.resident_profile.pk}/unmask")
    assert r.status_code == 200 and r.json()["id"] == personas.resident_profile.pk
    assert AuditEvent.objects.filter(action="unmask_id", actor=personas.station_staff).exists()
    assert client.post(f"{BASE}/residents/999999/unmask").status_code == 404
