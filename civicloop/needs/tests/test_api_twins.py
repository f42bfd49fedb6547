"""A needs round through the API alone: open → needs and a visit → questionnaire with questions → answers
(online and paper) → results and analysis → close, with the next round drafted; other scopes refused."""

from __future__ import annotations

import datetime as dt

import pytest
from django.utils import timezone

from civicloop.needs.models import Need, NeedsRound, Survey

BASE = "/api/needs"
JSON = "application/json"
pytestmark = pytest.mark.django_db


def _as(client, user):
    client.logout()
    client.force_login(user)
    return client


def _round_body(personas, **over):
    today = timezone.localdate()
    return {
        "unit": personas.station.pk,
        "title": "2026年冬季需求征集",
        "starts_on": (today - dt.timedelta(days=10)).isoformat(),
        "ends_on": (today + dt.timedelta(days=20)).isoformat(),
        "target_groups": ["empty_nest_elderly"],
        **over,
    }


def test_a_needs_round_through_the_api(client, personas):
    staff = _as(client, personas.station_staff)
    opened = staff.post(f"{BASE}/rounds", _round_body(personas), content_type=JSON)
    assert opened.status_code == 201, opened.content
    rid = opened.json()["id"]
    need = staff.post(
        f"{BASE}/rounds/{rid}/needs",
        {"unit": personas.station.pk, "category": "health", "description": "老人希望每月测一次血压"},
        content_type=JSON,
    )
    assert need.status_code == 201
    visit = staff.post(
        f"{BASE}/rounds/{rid}/visits",
        {
            "resident": personas.resident_profile.pk,
            "visited_on": timezone.localdate().isoformat(),
            "focus_group": "empty_nest_elderly",
            "description": "独居，需要有人陪同就医",
        },
        content_type=JSON,
    )
    assert visit.status_code == 201, visit.content
    edited = staff.patch(f"{BASE}/needs/{need.json()['id']}", {"status": "unmet", "unmet_reason": "缺医生"}, content_type=JSON)
    assert edited.status_code == 200 and edited.json()["status"] == "unmet"
    assert staff.post(f"{BASE}/rounds/{rid}/import-orders").json() == {"imported": 0}

    survey = staff.post(f"{BASE}/surveys", {"unit": personas.station.pk, "title": "社区服务满意度", "round": rid}, content_type=JSON)
    assert survey.status_code == 201, survey.content
    sid = survey.json()["id"]
    q1 = staff.post(f"{BASE}/surveys/{sid}/questions", {"kind": "single", "text": "您最需要哪类服务？", "options": "健康\n文化"}, content_type=JSON)
    assert q1.status_code == 201, q1.content
    q2 = staff.post(f"{BASE}/surveys/{sid}/questions", {"kind": "text", "text": "还有什么建议？", "required": False}, content_type=JSON)
    assert staff.delete(f"{BASE}/surveys/{sid}/questions/{q2.json()['id']}").status_code == 204
    assert staff.post(f"{BASE}/surveys/{sid}/publish").json()["status"] == "open"
    assert staff.post(f"{BASE}/surveys/{sid}/paper-distributed", {"paper_distributed": 20}, content_type=JSON).json()["distributed"] >= 20
    paper = staff.post(f"{BASE}/surveys/{sid}/paper", {"answers": {str(q1.json()["id"]): "健康"}}, content_type=JSON)
    assert paper.status_code == 201
    token = Survey.objects.get(pk=sid).token
    answered = _as(client, personas.resident).post(
        f"{BASE}/surveys/by-token/{token}/answer", {"answers": {str(q1.json()["id"]): "文化"}}, content_type=JSON
    )
    assert answered.status_code == 201
    staff = _as(client, personas.station_staff)
    results = staff.get(f"{BASE}/surveys/{sid}/results").json()
    assert dict(results[0]["bars"]) == {"健康": 1, "文化": 1}
    assert staff.post(f"{BASE}/surveys/{sid}/close").json()["status"] == "closed"

    analysis = staff.get(f"{BASE}/analysis", {"unit": personas.station.pk}).json()
    assert analysis["total"] == 2
    closed = staff.post(f"{BASE}/rounds/{rid}/close")
    assert closed.status_code == 200
    nxt = NeedsRound.objects.get(pk=closed.json()["id"])
    assert nxt.drafted_from_id == rid and nxt.needs.filter(status="open").exists()


def test_bad_input_is_400_with_the_field(client, personas):
    staff = _as(client, personas.station_staff)
    r = staff.post(f"{BASE}/rounds", _round_body(personas, title=""), content_type=JSON)
    assert r.status_code == 400 and "title" in r.json()["errors"]
    r = staff.post(f"{BASE}/rounds", _round_body(personas, ends_on="2000-01-01"), content_type=JSON)
    assert r.status_code == 400
    assert not NeedsRound.objects.exists()


def test_sibling_resident_and_outsider_are_refused(client, personas):
    rid = _as(client, personas.station_staff).post(f"{BASE}/rounds", _round_body(personas), content_type=JSON).json()["id"]
    sid = client.post(f"{BASE}/surveys", {"unit": personas.station.pk, "title": "问卷"}, content_type=JSON).json()["id"]
    for user in (personas.sibling, personas.resident, personas.outsider):
        c = _as(client, user)
        assert c.post(f"{BASE}/rounds/{rid}/needs", {"unit": personas.station.pk, "description": "x"}, content_type=JSON).status_code == 403
        assert c.post(f"{BASE}/rounds/{rid}/close").status_code == 403
        assert c.post(f"{BASE}/surveys/{sid}/publish").status_code == 403
        assert c.post(f"{BASE}/surveys/{sid}/questions", {"kind": "text", "text": "x"}, content_type=JSON).status_code == 403
        assert c.get(f"{BASE}/surveys/{sid}/results").status_code == 403
        assert c.post(f"{BASE}/surveys", {"unit": personas.station.pk, "title": "x"}, content_type=JSON).status_code in (400, 403)
    assert _as(client, personas.sibling).get(f"{BASE}/analysis", {"unit": personas.station.pk}).status_code in (400, 403)
    assert Need.objects.count() == 0 and Survey.objects.get(pk=sid).status == "draft"


def test_every_round_and_survey_step_refuses_another_scope(client, personas):
    staff = _as(client, personas.station_staff)
    rid = staff.post(f"{BASE}/rounds", _round_body(personas), content_type=JSON).json()["id"]
    nid = staff.post(f"{BASE}/rounds/{rid}/needs", {"unit": personas.station.pk, "description": "需要"}, content_type=JSON).json()["id"]
    sid = staff.post(f"{BASE}/surveys", {"unit": personas.station.pk, "title": "问卷"}, content_type=JSON).json()["id"]
    qid = staff.post(f"{BASE}/surveys/{sid}/questions", {"kind": "text", "text": "建议"}, content_type=JSON).json()["id"]
    staff.post(f"{BASE}/surveys/{sid}/publish")
    visit = {"resident": personas.resident_profile.pk, "visited_on": "2026-11-30", "focus_group": "hardship", "description": "x"}
    for user in (personas.sibling, personas.resident):
        c = _as(client, user)
        assert c.get(f"{BASE}/rounds/{rid}").status_code == 403
        assert c.post(f"{BASE}/rounds/{rid}/import-orders").status_code == 403
        assert c.post(f"{BASE}/rounds/{rid}/visits", visit, content_type=JSON).status_code == 403
        assert c.patch(f"{BASE}/needs/{nid}", {"status": "met"}, content_type=JSON).status_code == 403
        assert c.get(f"{BASE}/surveys/{sid}").status_code == 403
        assert c.delete(f"{BASE}/surveys/{sid}/questions/{qid}").status_code == 403
        assert c.post(f"{BASE}/surveys/{sid}/close").status_code == 403
        assert c.post(f"{BASE}/surveys/{sid}/paper-distributed", {"paper_distributed": 3}, content_type=JSON).status_code == 403
        assert c.post(f"{BASE}/surveys/{sid}/paper", {"answers": {str(qid): "x"}}, content_type=JSON).status_code == 403
    assert Survey.objects.get(pk=sid).status == "open" and Need.objects.get(pk=nid).status == "open"
