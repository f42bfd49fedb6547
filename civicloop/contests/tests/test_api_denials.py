"""The wrong person is refused by every contest operation that had no denial test yet: a sibling station on the
steps and settings of a call run by station A, someone who is not the author on an entry's withdrawal, another
account on a judge's declaration and recusals. Each refusal leaves the call or entry as it was."""

from __future__ import annotations

import datetime as dt

import pytest
from django.test import Client
from django.utils import timezone

from civicloop.contests import services
from civicloop.contests.models import Call, Entry, Judge
from civicloop.contests.tests.conftest import essay_data, make_call
from civicloop.contests.tests.test_flow import _judges, _score
from civicloop.contests.workflow import CALL, ENTRY

pytestmark = pytest.mark.django_db
JSON = "application/json"


def login(user) -> Client:
    c = Client(HTTP_ACCEPT_LANGUAGE="zh-hans")
    c.force_login(user)
    return c


def _submitted(call, user) -> Entry:
    entry = services.entry_save(call=call, actor=user, data=essay_data())
    ENTRY.run("submit", entry, actor=user)
    entry.refresh_from_db()
    return entry


def test_a_sibling_station_cannot_run_another_stations_call(personas, essay_call):
    sib = login(personas.sibling)
    cid = essay_call.pk
    assert sib.post(f"/api/contests/calls/{cid}/close", {}, content_type=JSON).status_code in (403, 404)
    assert sib.post(f"/api/contests/calls/{cid}/start_review", {}, content_type=JSON).status_code in (403, 404)
    assert sib.post(f"/api/contests/calls/{cid}/open_voting", {}, content_type=JSON).status_code in (403, 404)
    assert sib.post(f"/api/contests/calls/{cid}/announce", {}, content_type=JSON).status_code in (403, 404)
    assert sib.post(f"/api/contests/calls/{cid}/publish_results", {}, content_type=JSON).status_code in (403, 404)
    assert sib.post(f"/api/contests/calls/{cid}/advance", {"stage": "first", "top": 3},
                    content_type=JSON).status_code in (403, 404)
    assert sib.post(f"/api/contests/calls/{cid}/judges", {"stage": "first", "username": "sibling"},
                    content_type=JSON).status_code in (403, 404)
    assert sib.post(f"/api/contests/calls/{cid}/unit-awards", {"organisation": "河西村", "reason": "组织得力"},
                    content_type=JSON).status_code in (403, 404)
    now = timezone.now()
    assert sib.post(f"/api/contests/calls/{cid}/discounts", {"ip": "10.0.0.1", "start": now - dt.timedelta(hours=1),
                    "end": now, "reason": "刷票"}, content_type=JSON).status_code in (403, 404)
    call = Call.objects.get(pk=cid)
    assert call.status == "open" and not call.judges.exists()


def test_entry_steps_refuse_the_sibling_and_withdrawal_anyone_but_the_author(personas, essay_call):
    entry = _submitted(essay_call, personas.resident)
    sib, volunteer = login(personas.sibling), login(personas.volunteer)
    eid = entry.pk
    assert sib.post(f"/api/contests/entries/{eid}/refuse", {"note": "不符合"}, content_type=JSON).status_code in (403, 404)
    assert volunteer.post(f"/api/contests/entries/{eid}/withdraw", {}, content_type=JSON).status_code in (403, 404)
    assert login(personas.station_staff).post(f"/api/contests/entries/{eid}/withdraw", {},
                                              content_type=JSON).status_code in (403, 404)  # staff never withdraw for the author
    ENTRY.run("admit", entry, actor=personas.station_staff)
    CALL.run("close", essay_call, actor=personas.station_staff)
    CALL.run("start_review", Call.objects.get(pk=essay_call.pk), actor=personas.station_staff)
    assert sib.post(f"/api/contests/entries/{eid}/first_round", {}, content_type=JSON).status_code in (403, 404)
    ENTRY.run("first_round", Entry.objects.get(pk=eid), actor=personas.station_staff)
    assert sib.post(f"/api/contests/entries/{eid}/second_round", {}, content_type=JSON).status_code in (403, 404)
    assert sib.post(f"/api/contests/entries/{eid}/disqualify", {"note": "抄袭"}, content_type=JSON).status_code in (403, 404)
    assert sib.post(f"/api/contests/entries/{eid}/objections", {"text": "疑似抄袭"},
                    content_type=JSON).status_code in (403, 404)  # not on public notice: not even visible
    assert Entry.objects.get(pk=eid).status == "first_round"
    # "my entries" are the caller's own: another account sees none of the resident's
    assert [e["id"] for e in volunteer.get("/api/contests/mine").json()["items"]] == []
    assert eid in [e["id"] for e in login(personas.resident).get("/api/contests/mine").json()["items"]]


def test_a_judges_declaration_and_recusals_are_the_judges_own(personas):
    call = make_call(personas, "essay")
    entry = _submitted(call, personas.resident)
    judge = services.judge_assign(call=call, stage=Judge.Stage.FIRST, user=personas.institute_staff,
                                  actor=personas.station_staff)
    other = login(personas.sibling)
    assert other.post(f"/api/contests/judges/{judge.pk}/declaration", {"confirm": True, "conflicts": ""},
                      content_type=JSON).status_code == 404
    assert other.post(f"/api/contests/judges/{judge.pk}/recusals", {"entry_id": entry.pk, "reason": "亲属"},
                      content_type=JSON).status_code == 404
    judge.refresh_from_db()
    assert judge.declared_at is None and not judge.recusals.exists()


def test_only_the_organiser_answers_an_objection(personas, essay_call):
    entry = _submitted(essay_call, personas.resident)
    ENTRY.run("admit", entry, actor=personas.station_staff)
    CALL.run("close", essay_call, actor=personas.station_staff)
    call = Call.objects.get(pk=essay_call.pk)
    CALL.run("start_review", call, actor=personas.station_staff)
    judges = _judges(call, personas, n=3)
    services.round_advance(call=call, actor=personas.station_staff, stage="first")
    for user in judges:
        _score(Entry.objects.get(pk=entry.pk), user, 90)
    CALL.run("announce", Call.objects.get(pk=essay_call.pk), actor=personas.station_staff)
    entry = Entry.objects.get(pk=entry.pk)
    assert entry.status == "publicity"
    r = login(personas.outsider).post(f"/api/contests/entries/{entry.pk}/objections", {"text": "曾在别处发表"},
                                      content_type=JSON)
    assert r.status_code == 201
    oid = r.json()["id"]
    for wrong in (personas.sibling, personas.resident):
        assert login(wrong).post(f"/api/contests/objections/{oid}/answer", {"answer": "驳回", "upheld": False},
                                 content_type=JSON).status_code == 403
    assert Entry.objects.get(pk=entry.pk).objections.get().answered_at is None
    ok = login(personas.station_staff).post(f"/api/contests/objections/{oid}/answer",
                                            {"answer": "核实不属实", "upheld": False}, content_type=JSON)
    assert ok.status_code == 200 and ok.json()["upheld"] is False
