"""Brand registry API twins: register and change projects within scope, with the page form's messages."""

from __future__ import annotations

import pytest

from civicloop.brands.models import BrandProject

BASE = "/api/brands"
JSON = "application/json"
pytestmark = pytest.mark.django_db


def _as(client, user):
    client.logout()
    client.force_login(user)
    return client


def test_register_and_change_a_project(client, personas):
    body = {"name": "红色宣讲轻骑兵", "owner_unit": personas.institute.pk, "category": "lecture", "teams": [personas.team.pk]}
    assert _as(client, personas.sibling).post(f"{BASE}/projects", body, content_type=JSON).status_code in (400, 403)
    assert _as(client, personas.volunteer).post(f"{BASE}/projects", body, content_type=JSON).status_code == 403
    staff = _as(client, personas.institute_staff)
    bad = staff.post(f"{BASE}/projects", {**body, "category": "nope"}, content_type=JSON)
    assert bad.status_code == 400 and "category" in bad.json()["errors"]
    made = staff.post(f"{BASE}/projects", body, content_type=JSON)
    assert made.status_code == 201, made.content
    pk = made.json()["id"]
    changed = staff.patch(f"{BASE}/projects/{pk}", {"status": "paused", "description": "冬季暂停"}, content_type=JSON)
    assert changed.status_code == 200, changed.content
    assert changed.json()["status"] == "paused"
    assert _as(client, personas.sibling).patch(f"{BASE}/projects/{pk}", {"name": "x"}, content_type=JSON).status_code == 403
    project = BrandProject.objects.get(pk=pk)
    assert project.name == "红色宣讲轻骑兵" and list(project.teams.all()) == [personas.team]
