"""Granting and revoking roles through the API, as on the unit page, within scope only."""

from __future__ import annotations

import pytest

from civicloop.network.models import Membership

JSON = "application/json"
pytestmark = pytest.mark.django_db


def _as(client, user):
    client.logout()
    client.force_login(user)
    return client


def test_institute_staff_grant_and_revoke_at_a_station(client, personas):
    url = f"/api/network/units/{personas.station.pk}/memberships"
    body = {"username": personas.volunteer.username, "role": "staff", "title": "站长助理"}
    assert _as(client, personas.sibling).post(url, body, content_type=JSON).status_code == 403
    assert _as(client, personas.resident).post(url, body, content_type=JSON).status_code == 403
    staff = _as(client, personas.institute_staff)
    unknown = staff.post(url, {**body, "username": "nobody-here"}, content_type=JSON)
    assert unknown.status_code == 400 and "username" in unknown.json()["errors"]
    granted = staff.post(url, body, content_type=JSON)
    assert granted.status_code == 201, granted.content
    pk = granted.json()["id"]
    assert Membership.objects.filter(pk=pk, user=personas.volunteer, role="staff").exists()
    assert _as(client, personas.sibling).delete(f"/api/network/memberships/{pk}").status_code == 403
    assert _as(client, personas.institute_staff).delete(f"/api/network/memberships/{pk}").status_code == 204
    assert not Membership.objects.filter(pk=pk).exists()
