"""Teams on the workflow engine: founding, approval by the owning unit, joining, handover, leaving, removal,
suspension and dissolution (orders handed back) — through services, pages and the API, the sibling refused."""

from __future__ import annotations

import json
from typing import Any

import pytest
from django.core.exceptions import PermissionDenied, ValidationError

from civicloop.audit.models import AuditEvent
from civicloop.core.exceptions import Conflict
from civicloop.notify.models import Notification
from civicloop.orders.models import Order
from civicloop.orders.tests.factories import fresh, walk
from civicloop.people import services
from civicloop.people.models import Team, TeamEvent, TeamMember
from civicloop.people.workflow import TEAM, TEAM_REQUEST

pytestmark = pytest.mark.django_db


def _second_volunteer(p: Any, username: str = "vol2", phone: str = "13900000012") -> Any:
    user = services.user_create(username=username, password=None, full_name="钱志愿", phone=phone)
    return services.volunteer_register(user=user, home_unit=p.station, categories=["health"], consent=True)


def _found(p: Any, actor: Any = None) -> Team:
    return services.team_found(
        actor=actor or p.volunteer,
        name="万和阳光乡土人才队",
        team_type="local_talent",
        home_unit=p.station,
        served_units=[p.station, p.point],
        categories=["health"],
        capacity=2,
        contact_name="刘志愿",
        contact_phone="13900000002",
    )


def test_a_volunteer_founds_a_team_and_leads_it_until_the_station_approves(personas):
    p = personas
    team = _found(p)
    assert (team.status, team.is_active, team.leader_id) == ("proposed", False, p.volunteer.pk)
    assert TeamMember.objects.filter(team=team, volunteer=p.volunteer_profile).exists()
    assert TeamEvent.objects.filter(subject=team, step="found").exists()
    assert Notification.objects.filter(kind="team_founded", recipient=p.station_staff).exists()
    assert AuditEvent.objects.filter(action="people.team.found", actor=p.volunteer).exists()
    with pytest.raises(PermissionDenied):
        TEAM.run("approve", team, actor=p.sibling)
    with pytest.raises(PermissionDenied):
        TEAM.run("approve", team, actor=p.volunteer)  # the founder cannot approve their own team
    TEAM.run("approve", team, actor=p.station_staff)
    team.refresh_from_db()
    assert (team.status, team.is_active) == ("active", True)
    assert AuditEvent.objects.filter(action="people.team.approve", actor=p.station_staff).exists()
    assert Notification.objects.filter(kind="team_approved", recipient=p.volunteer).exists()


def test_founding_input_is_checked(personas):
    p = personas
    with pytest.raises(ValidationError):
        services.team_found(
            actor=p.volunteer, name="", team_type="local_talent", home_unit=p.station, categories=["health"]
        )
    with pytest.raises(ValidationError):
        services.team_found(
            actor=p.volunteer, name="队", team_type="pirates", home_unit=p.station, categories=["health"]
        )
    with pytest.raises(ValidationError):  # serves only its own subtree
        services.team_found(
            actor=p.volunteer, name="队", team_type="local_talent", home_unit=p.station,
            served_units=[p.station_b], categories=["health"],
        )
    with pytest.raises(PermissionDenied):  # staff found teams only in scope
        services.team_found(
            actor=p.sibling, name="队", team_type="local_talent", home_unit=p.station,
            categories=["health"], leader_number=p.volunteer_profile.number,
        )
    assert not Team.objects.filter(name="队").exists()


def test_reject_needs_a_reason(personas):
    team = _found(personas)
    with pytest.raises(ValidationError):
        TEAM.run("reject", team, actor=personas.station_staff, data={})
    TEAM.run("reject", team, actor=personas.station_staff, data={"note": "与现有队伍重复"})
    assert Team.objects.get(pk=team.pk).status == "rejected"


def test_apply_approve_invite_leave_remove(personas):
    p = personas
    team = _found(p)
    TEAM.run("approve", team, actor=p.station_staff)
    second = _second_volunteer(p)
    row = services.team_apply(actor=second.user, team=team, message="我会量血压")
    with pytest.raises(Conflict):
        services.team_apply(actor=second.user, team=team)
    with pytest.raises(PermissionDenied):
        TEAM_REQUEST.run("approve", row, actor=p.sibling)
    with pytest.raises(PermissionDenied):
        TEAM_REQUEST.run("approve", row, actor=second.user)  # an applicant does not admit themselves
    TEAM_REQUEST.run("approve", row, actor=p.volunteer)  # the leader
    assert TeamMember.objects.filter(team=team, volunteer=second).exists()
    # the member leaves, is invited back, accepts, and is removed with a reason
    TEAM.run("leave", fresh_team(team), actor=second.user, data={})
    assert not TeamMember.objects.filter(team=team, volunteer=second).exists()
    invite = services.team_invite(actor=p.volunteer, team=fresh_team(team), volunteer_number=second.number)
    with pytest.raises(PermissionDenied):
        TEAM_REQUEST.run("approve", invite, actor=p.volunteer)  # the invited volunteer decides
    TEAM_REQUEST.run("approve", invite, actor=second.user)
    with pytest.raises(ValidationError):
        TEAM.run("remove_member", fresh_team(team), actor=p.volunteer, data={"volunteer_number": second.number})
    with pytest.raises(PermissionDenied):
        TEAM.run(
            "remove_member", fresh_team(team), actor=p.sibling,
            data={"volunteer_number": second.number, "note": "越权"},
        )
    TEAM.run(
        "remove_member", fresh_team(team), actor=p.volunteer,
        data={"volunteer_number": second.number, "note": "长期不参加活动"},
    )
    assert not TeamMember.objects.filter(team=team, volunteer=second).exists()
    removed = TeamEvent.objects.get(subject=team, step="remove_member")
    assert "长期不参加活动" in removed.note
    assert Notification.objects.filter(kind="team_removed", recipient=second.user).exists()


def fresh_team(team: Team) -> Team:
    return Team.objects.get(pk=team.pk)


def test_handover_to_a_member_only(personas):
    p = personas
    team = p.team  # led by `leader`, member `volunteer`
    with pytest.raises(ValidationError):
        TEAM.run("handover", team, actor=p.leader, data={"volunteer_number": "KD-V9999999"})
    with pytest.raises(PermissionDenied):
        TEAM.run("handover", team, actor=p.sibling, data={"volunteer_number": p.volunteer_profile.number})
    TEAM.run("handover", team, actor=p.leader, data={"volunteer_number": p.volunteer_profile.number})
    assert Team.objects.get(pk=team.pk).leader_id == p.volunteer.pk
    with pytest.raises(PermissionDenied):  # the old leader no longer runs the team
        TEAM.run("dissolve", fresh_team(team), actor=p.leader, data={"note": "x"})


def test_dissolving_hands_the_teams_orders_back_and_tells_the_requesters(personas):
    p = personas
    accepted = walk(p, "accepted")
    dispatched = walk(p, "dispatched", title="讲座")
    serving = walk(p, "in_service", title="上门理发")
    with pytest.raises(PermissionDenied):
        TEAM.run("dissolve", p.team, actor=p.sibling, data={"note": "越权"})
    TEAM.run("dissolve", p.team, actor=p.station_staff, data={"note": "队伍撤并"})
    team = fresh_team(p.team)
    assert (team.status, team.is_active) == ("dissolved", False)
    assert (fresh(accepted).status, fresh(accepted).team_id) == ("open", None)
    assert (fresh(dispatched).status, fresh(dispatched).team_id) == ("submitted", None)
    assert fresh(serving).status == "in_service"  # volunteers on site: the unit settles it
    assert Notification.objects.filter(kind="order_team_stopped", recipient=p.resident).count() == 2
    assert accepted.events.filter(action="release", actor=p.station_staff).exists()
    with pytest.raises(Conflict):
        TEAM.run("resume", team, actor=p.station_staff)


def test_suspend_and_resume(personas):
    p = personas
    accepted = walk(p, "accepted")
    TEAM.run("suspend", p.team, actor=p.institute_staff, data={"note": "整改"})
    assert fresh(accepted).status == "open"
    assert not Order.objects.filter(team=p.team, status="accepted").exists()
    TEAM.run("resume", fresh_team(p.team), actor=p.station_staff)
    assert fresh_team(p.team).is_active


# --- API ---------------------------------------------------------------------------------------------------------


def _post(client, url, data=None):
    return client.post(url, json.dumps(data or {}), content_type="application/json")


def test_api_found_approve_join_and_members(client, personas):
    p = personas
    client.force_login(p.volunteer)
    created = _post(client, "/api/people/teams", {
        "name": "科技能人服务队", "team_type": "tech_expert", "home_unit_id": p.station.pk,
        "categories": ["science"], "capacity": 2,
    })
    assert created.status_code == 201, created.content
    team_id = created.json()["id"]
    assert created.json()["status"] == "proposed"
    bad = _post(client, "/api/people/teams", {"name": "", "team_type": "x", "home_unit_id": p.station.pk})
    assert bad.status_code == 400
    client.force_login(p.sibling)
    assert _post(client, f"/api/people/teams/{team_id}/approve").status_code in (403, 404)
    client.force_login(p.station_staff)
    ok = _post(client, f"/api/people/teams/{team_id}/approve")
    assert ok.status_code == 200 and ok.json()["status"] == "active"
    assert _post(client, f"/api/people/teams/{team_id}/approve").status_code == 409
    second = _second_volunteer(p)
    client.force_login(second.user)
    applied = _post(client, f"/api/people/teams/{team_id}/apply", {"message": "想加入"})
    assert applied.status_code == 201
    assert _post(client, f"/api/people/teams/{team_id}/apply").status_code == 409
    assert client.get(f"/api/people/teams/{team_id}/members").status_code == 403
    client.force_login(p.volunteer)
    decided = _post(client, f"/api/people/team-requests/{applied.json()['id']}/approve")
    assert decided.status_code == 200 and decided.json()["status"] == "approved"
    members = client.get(f"/api/people/teams/{team_id}/members")
    assert members.status_code == 200
    assert {m["volunteer_id"] for m in members.json()} == {p.volunteer_profile.pk, second.pk}
    client.force_login(p.sibling)
    assert client.get(f"/api/people/teams/{team_id}/members").status_code == 403
    assert client.patch(
        f"/api/people/teams/{team_id}", json.dumps({"capacity": 5}), content_type="application/json"
    ).status_code == 403


def test_api_handover_and_dissolve(client, personas):
    p = personas
    client.force_login(p.leader)
    bad = _post(client, f"/api/people/teams/{p.team.pk}/handover", {"volunteer_number": "nobody"})
    assert bad.status_code == 400 and "volunteer_number" in bad.json()["errors"]
    ok = _post(client, f"/api/people/teams/{p.team.pk}/handover", {"volunteer_number": p.volunteer_profile.number})
    assert ok.status_code == 200
    assert client.get(f"/api/people/teams/{p.team.pk}").status_code == 403  # no longer leader nor member
    client.force_login(p.volunteer)
    assert client.get(f"/api/people/teams/{p.team.pk}").json()["leader"] == "刘志愿"
    client.force_login(p.sibling)
    assert _post(client, f"/api/people/teams/{p.team.pk}/dissolve", {"note": "x"}).status_code == 403
    client.force_login(p.volunteer)
    assert _post(client, f"/api/people/teams/{p.team.pk}/dissolve", {}).status_code == 400
    done = _post(client, f"/api/people/teams/{p.team.pk}/dissolve", {"note": "任务完成"})
    assert done.status_code == 200 and done.json()["status"] == "dissolved"


# --- pages -------------------------------------------------------------------------------------------------------


def test_pages_found_approve_and_refuse_the_sibling(client, personas):
    p = personas
    client.force_login(p.volunteer)
    assert client.get("/people/teams/new/").status_code == 200
    response = client.post("/people/teams/new/", {
        "name": "五老宣讲队", "team_type": "five_elders", "home_unit": p.station.pk,
        "categories": ["lecture"], "capacity": 3,
    })
    team = Team.objects.get(name="五老宣讲队")
    assert response.status_code == 302 and response["Location"] == f"/people/teams/{team.pk}/"
    page = client.get(f"/people/teams/{team.pk}/").content.decode()
    assert "五老宣讲队" in page and "待审批" in page
    client.force_login(p.sibling)
    assert client.get(f"/people/teams/{team.pk}/").status_code == 403
    assert client.post(f"/people/teams/{team.pk}/approve/").status_code == 403
    assert AuditEvent.objects.filter(action="people.team.approve", actor=p.sibling, outcome="denied").exists()
    client.force_login(p.station_staff)
    page = client.get(f"/people/teams/{team.pk}/").content.decode()
    assert "批准" in page
    client.post(f"/people/teams/{team.pk}/approve/")
    assert fresh_team(team).status == "active"
    assert client.get("/people/teams/?status=active").status_code == 200
