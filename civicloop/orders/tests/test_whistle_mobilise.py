"""吹哨 that mobilises: a whistled department's liaison accepts, assigns one of its teams or staff, answers by a
deadline and closes with a result; an overdue whistle is raised again; the order's timeline shows it; figures."""

from __future__ import annotations

import datetime as dt
import json

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.utils import timezone

from civicloop.core.exceptions import Conflict
from civicloop.orders import selectors, services
from civicloop.orders.models import OrderEvent, Whistle
from civicloop.orders.tests.factories import fresh, walk
from civicloop.orders.whistle_workflow import WHISTLE, whistles_escalate_overdue
from civicloop.people import services as people

pytestmark = pytest.mark.django_db


def _whistle(p) -> Whistle:
    order = walk(p, "accepted")
    return services.order_whistle(actor=p.station_staff, order=order, departments=[p.department], note="需要医生上门")


def test_liaison_accepts_assigns_and_closes_on_time(personas):
    p = personas
    w = _whistle(p)
    for who in (p.sibling, p.station_staff, p.leader):
        with pytest.raises(PermissionDenied):
            WHISTLE.run("accept", w, actor=who, data={"answer_hours": 24})
    WHISTLE.run("accept", w, actor=p.liaison, data={"answer_hours": 24})
    w.refresh_from_db()
    assert (w.status, w.department_id) == ("accepted", p.department.pk) and w.due_at
    doctors = people.team_create(name="卫健委医疗志愿队", team_type="tech_expert", home_unit=p.department,
                                 served_units=[p.department], categories=["health"], leader=p.liaison)
    with pytest.raises(ValidationError):  # a station team is not the department's own
        WHISTLE.run("assign", w, actor=p.liaison, data={"team_id": p.team.pk})
    WHISTLE.run("assign", w, actor=p.liaison, data={"team_id": doctors.pk})
    w.refresh_from_db()
    assert w.handler_team_id == doctors.pk
    with pytest.raises(ValidationError):
        WHISTLE.run("close", w, actor=p.liaison, data={})
    WHISTLE.run("close", w, actor=p.liaison, data={"note": "周三医生上门诊疗"})
    w.refresh_from_db()
    assert (w.status, w.on_time, w.result) == ("closed", True, "周三医生上门诊疗")
    actions = list(OrderEvent.objects.filter(order=w.order).values_list("action", flat=True))
    assert actions[-3:] == ["whistle_accept", "whistle_assign", "whistle_close"]
    f = selectors.whistle_figures(Whistle.objects.all())
    assert (f["total"], f["closed"], f["on_time"]) == (1, 1, 1)
    assert f["departments"][0]["name"] == "区卫生健康委员会" and f["departments"][0]["on_time"] == 1


def test_overdue_whistle_is_raised_again_once(personas, monkeypatch):
    p = personas
    w = _whistle(p)
    WHISTLE.run("accept", w, actor=p.liaison, data={"answer_hours": 2})
    level = fresh(w.order).escalation_level
    later = timezone.now() + dt.timedelta(hours=3)
    monkeypatch.setattr(timezone, "now", lambda: later)
    assert whistles_escalate_overdue() == 1
    assert whistles_escalate_overdue() == 0
    w.refresh_from_db()
    assert w.overdue_count == 1 and fresh(w.order).escalation_level == level + 1
    assert OrderEvent.objects.filter(order=w.order, action="whistle_overdue").exists()
    WHISTLE.run("close", w, actor=p.liaison, data={"note": "已处理"})
    w.refresh_from_db()
    assert w.on_time is False  # closed, but after it was raised again
    with pytest.raises(Conflict):
        WHISTLE.run("close", w, actor=p.liaison, data={"note": "again"})


def test_api_steps_and_page(client, personas):
    p = personas
    w = _whistle(p)
    client.force_login(p.sibling)
    assert client.post(f"/api/orders/whistles/{w.pk}/accept", json.dumps({"answer_hours": 5}),
                       content_type="application/json").status_code in (403, 404)
    assert client.get(f"/orders/whistles/{w.pk}/").status_code == 403
    client.force_login(p.liaison)
    page = client.get(f"/orders/whistles/{w.pk}/").content.decode()
    assert "接受任务" in page
    ok = client.post(f"/api/orders/whistles/{w.pk}/accept", json.dumps({"answer_hours": 5}),
                     content_type="application/json")
    assert ok.status_code == 200 and ok.json()["status"] == "accepted"
    assert client.post(f"/api/orders/whistles/{w.pk}/accept", json.dumps({}),
                       content_type="application/json").status_code == 409
    client.post(f"/orders/whistles/{w.pk}/close/", {"note": "处理完毕"})
    assert Whistle.objects.get(pk=w.pk).status == "closed"
    assert client.get("/api/orders/whistles/figures").json()["closed"] == 1
    assert client.get("/orders/whistles/figures/").status_code == 200
    client.force_login(p.station_staff)
    assert "部门已办结" in client.get(f"/orders/{w.order.number}/").content.decode()


def test_the_liaison_picks_one_of_the_departments_teams_from_a_select(client, personas):
    """The page offers the department's own active teams (no raw id to type); a station team's id sent by
    hand, on the page or through the API, is refused and nothing is assigned."""
    p = personas
    w = _whistle(p)
    WHISTLE.run("accept", w, actor=p.liaison, data={"answer_hours": 24})
    doctors = people.team_create(name="卫健委医疗志愿队", team_type="tech_expert", home_unit=p.department,
                                 served_units=[p.department], categories=["health"], leader=p.liaison)
    client.force_login(p.liaison)
    body = client.get(f"/orders/whistles/{w.pk}/").content.decode()
    assert '<select name="team_id"' in body and f'<option value="{doctors.pk}">卫健委医疗志愿队</option>' in body
    assert p.team.name not in body
    page = client.post(f"/orders/whistles/{w.pk}/assign/", {"team_id": p.team.pk}, follow=True)
    assert page.status_code == 200
    api = client.post(f"/api/orders/whistles/{w.pk}/assign", json.dumps({"team_id": p.team.pk}), content_type="application/json")
    assert api.status_code == 400
    w.refresh_from_db()
    assert w.handler_team_id is None
    assert client.post(f"/orders/whistles/{w.pk}/assign/", {"team_id": doctors.pk}).status_code == 302
    w.refresh_from_db()
    assert w.handler_team_id == doctors.pk


def test_only_the_accepting_departments_liaison_assigns_through_the_api(client, personas):
    """The station that blew the whistle, the sibling station and the order's team leader are refused; the
    whistle keeps no handler."""
    p = personas
    w = _whistle(p)
    WHISTLE.run("accept", w, actor=p.liaison, data={"answer_hours": 24})
    doctors = people.team_create(name="卫健委医疗志愿队", team_type="tech_expert", home_unit=p.department,
                                 served_units=[p.department], categories=["health"], leader=p.liaison)
    for who in (p.station_staff, p.sibling, p.leader):
        client.force_login(who)
        answer = client.post(
            f"/api/orders/whistles/{w.pk}/assign", json.dumps({"team_id": doctors.pk}),
            content_type="application/json",
        )
        assert answer.status_code in (403, 404), (who.username, answer.status_code)
    w.refresh_from_db()
    assert w.handler_team_id is None
