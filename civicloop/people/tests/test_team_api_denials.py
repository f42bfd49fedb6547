"""The wrong person is refused on every team operation of the API, and nothing is written: the sibling station's
staff, a volunteer who is not the applicant, a resident who has no volunteer record."""

from __future__ import annotations

import json
from typing import Any

import pytest

from civicloop.people import services
from civicloop.people.models import Team, TeamMember, TeamRequest, Volunteer
from civicloop.people.workflow import TEAM

pytestmark = pytest.mark.django_db


def _post(client: Any, url: str, data: dict | None = None) -> Any:
    return client.post(url, json.dumps(data or {}), content_type="application/json")


def _second_volunteer(p: Any) -> Volunteer:
    user = services.user_create(username="vol2", password=None, full_name="钱志愿", phone="13900000012")
    return services.volunteer_register(user=user, home_unit=p.station, categories=["health"], consent=True)


def _status(team: Team) -> str:
    return Team.objects.get(pk=team.pk).status


def test_the_sibling_cannot_invite_remove_suspend_or_resume(client, personas):
    p = personas
    second = _second_volunteer(p)
    client.force_login(p.sibling)
    team = p.team.pk
    assert _post(client, f"/api/people/teams/{team}/invite", {"volunteer_number": second.number}).status_code in (403, 404)
    assert not TeamRequest.objects.filter(team=p.team, volunteer=second).exists()
    answer = _post(client, f"/api/people/teams/{team}/remove_member", {"volunteer_number": p.volunteer_profile.number, "note": "越权"})
    assert answer.status_code in (403, 404)
    assert TeamMember.objects.filter(team=p.team, volunteer=p.volunteer_profile).exists()
    assert _post(client, f"/api/people/teams/{team}/suspend", {"note": "越权"}).status_code in (403, 404)
    assert _status(p.team) == "active"
    TEAM.run("suspend", p.team, actor=p.station_staff, data={"note": "整改"})
    assert _post(client, f"/api/people/teams/{team}/resume").status_code in (403, 404)
    assert _status(p.team) == "suspended"


def test_only_the_owning_unit_rejects_a_proposed_team(client, personas):
    p = personas
    team = services.team_found(
        actor=p.volunteer, name="科技能人服务队", team_type="tech_expert", home_unit=p.station,
        served_units=[p.station], categories=["science"], capacity=2,
    )
    client.force_login(p.sibling)
    assert _post(client, f"/api/people/teams/{team.pk}/reject", {"note": "不同意"}).status_code in (403, 404)
    assert _status(team) == "proposed"
    client.force_login(p.station_staff)
    assert _post(client, f"/api/people/teams/{team.pk}/reject", {"note": "与现有队伍重复"}).status_code == 200
    assert _status(team) == "rejected"


def test_a_non_member_cannot_leave_and_a_stranger_cannot_see_requests(client, personas):
    p = personas
    second = _second_volunteer(p)
    row = services.team_apply(actor=second.user, team=p.team, message="我会量血压")
    client.force_login(second.user)  # applied, not yet a member
    assert _post(client, f"/api/people/teams/{p.team.pk}/leave").status_code in (403, 404, 409)
    client.force_login(p.sibling)
    listed = client.get(f"/api/people/teams/{p.team.pk}/requests")
    assert listed.status_code in (403, 404) or listed.json() == []
    client.force_login(p.leader)
    assert [r["id"] for r in client.get(f"/api/people/teams/{p.team.pk}/requests").json()] == [row.pk]


def test_requests_are_declined_by_the_leader_and_withdrawn_by_the_applicant_only(client, personas):
    p = personas
    second = _second_volunteer(p)
    row = services.team_apply(actor=second.user, team=p.team, message="想加入")
    client.force_login(p.sibling)
    assert _post(client, f"/api/people/team-requests/{row.pk}/decline", {"note": "x"}).status_code in (403, 404)
    client.force_login(p.volunteer)  # a member, neither the leader nor the applicant
    assert _post(client, f"/api/people/team-requests/{row.pk}/withdraw").status_code in (403, 404)
    assert _post(client, f"/api/people/team-requests/{row.pk}/decline", {"note": "x"}).status_code in (403, 404)
    assert TeamRequest.objects.get(pk=row.pk).status == "pending"
    client.force_login(second.user)
    assert _post(client, f"/api/people/team-requests/{row.pk}/withdraw").status_code == 200
    assert TeamRequest.objects.get(pk=row.pk).status == "withdrawn"


def test_a_resident_without_a_volunteer_record_cannot_erase_one(client, personas):
    p = personas
    client.force_login(p.resident)
    assert _post(client, "/api/people/me/volunteer/erase").status_code == 403
    client.force_login(p.volunteer)
    assert _post(client, "/api/people/me/volunteer/erase").status_code == 200
