"""The team's details are edited on a page (the twin of PATCH /api/people/teams/{id}) by its leader or the
owning unit's staff; a member volunteer, the sibling station and an outsider are refused and nothing changes."""

from __future__ import annotations

import pytest

from civicloop.audit.models import AuditEvent

pytestmark = pytest.mark.django_db


def _form(team, **over):
    body = {
        "name": team.name, "team_type": team.team_type, "categories": list(team.categories), "capacity": team.capacity,
        "contact_name": team.contact_name, "contact_phone": team.contact_phone, "description": team.description,
    }
    return {**body, **over}


@pytest.mark.parametrize("who", ["leader", "station_staff"])
def test_leader_and_owning_staff_edit_the_team_on_a_page(client, personas, who):
    team = personas.team
    client.force_login(getattr(personas, who))
    assert f"/people/teams/{team.pk}/edit/" in client.get(f"/people/teams/{team.pk}/").content.decode()
    assert client.get(f"/people/teams/{team.pk}/edit/").status_code == 200
    r = client.post(f"/people/teams/{team.pk}/edit/", _form(team, name="万和阳光健康服务队", capacity=5))
    assert r.status_code == 302
    team.refresh_from_db()
    assert (team.name, team.capacity) == ("万和阳光健康服务队", 5)
    assert AuditEvent.objects.filter(action="people.team.update", outcome="ok").count() == 1


def test_bad_input_is_a_message_and_nothing_changes(client, personas):
    team = personas.team
    client.force_login(personas.leader)
    r = client.post(f"/people/teams/{team.pk}/edit/", _form(team, name="   ", capacity=0))
    body = r.content.decode()
    assert r.status_code == 200 and ("msg-error" in body or 'class="error"' in body)
    r = client.post(f"/people/teams/{team.pk}/edit/", _form(team, contact_phone="12345"))
    assert r.status_code == 200
    before = team.name
    team.refresh_from_db()
    assert team.name == before and team.contact_phone != "12345"


@pytest.mark.parametrize("who", ["volunteer", "sibling", "outsider"])
def test_others_cannot_edit_the_team(client, personas, who):
    team = personas.team
    client.force_login(getattr(personas, who))
    detail = client.get(f"/people/teams/{team.pk}/")
    assert f"/people/teams/{team.pk}/edit/" not in detail.content.decode()
    assert client.get(f"/people/teams/{team.pk}/edit/").status_code in (403, 404)
    assert client.post(f"/people/teams/{team.pk}/edit/", _form(team, name="改名")).status_code in (403, 404)
    api = client.patch(f"/api/people/teams/{team.pk}", {"name": "改名"}, content_type="application/json")
    assert api.status_code in (403, 404)
    team.refresh_from_db()
    assert team.name != "改名"
