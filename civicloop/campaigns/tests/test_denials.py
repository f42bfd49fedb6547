"""The wrong person is refused by each campaign operation that had no denial test yet: a sibling station on
problems it does not hold, a station on the office's steps, an outsider on the campaign's lists. Each refusal
leaves the row as it was."""

from __future__ import annotations

import pytest
from django.test import Client

from civicloop.campaigns import services
from civicloop.campaigns.models import Campaign, Exposure, Problem, Task
from civicloop.campaigns.tests.conftest import inspect, jpeg
from civicloop.campaigns.workflow import PROBLEM

pytestmark = pytest.mark.django_db
JSON = "application/json"


def login(user) -> Client:
    c = Client(HTTP_ACCEPT_LANGUAGE="zh-hans")
    c.force_login(user)
    return c


def test_problem_steps_refuse_the_sibling_station(personas, camp):
    sib, station = login(personas.sibling), login(personas.station_staff)
    report = services.problem_report_resident(actor=personas.resident, campaign=camp, category="litter",
                                              description="垃圾", photo=jpeg(), place="3栋")
    assert sib.post(f"/api/campaigns/problems/{report.pk}/register", {"unit": personas.station_b.pk,
                    "category": "litter"}, content_type=JSON).status_code == 403
    assert sib.post(f"/api/campaigns/problems/{report.pk}/reject", {"note": "不是问题"},
                    content_type=JSON).status_code == 403
    PROBLEM.run("register", report, actor=personas.institute_staff,
                data={"unit": personas.station.pk, "category": "litter"})
    # registered at station A: the station itself may not hand it to itself, nor may its sibling
    assert station.post(f"/api/campaigns/problems/{report.pk}/assign", {}, content_type=JSON).status_code == 403
    assert sib.post(f"/api/campaigns/problems/{report.pk}/assign", {}, content_type=JSON).status_code == 403
    assert Problem.objects.get(pk=report.pk).status == "registered"
    p = inspect(personas, camp)
    assert station.post(f"/api/campaigns/problems/{p.pk}/extend", {"hours": 24, "note": "雨天"},
                        content_type=JSON).status_code == 403  # a unit never extends its own deadline
    assert sib.post(f"/api/campaigns/problems/{p.pk}/extend", {"hours": 24, "note": "x"},
                    content_type=JSON).status_code == 403
    assert Problem.objects.get(pk=p.pk).extension_count == 0


def test_task_acceptance_is_the_offices_and_submission_the_units(personas, camp):
    tid = camp.task.pk
    outsider, station = login(personas.outsider), login(personas.station_staff)
    assert outsider.post(f"/api/campaigns/tasks/{tid}/submit", {}, content_type=JSON).status_code == 403
    assert login(personas.institute_staff).post(f"/api/campaigns/tasks/{tid}/submit", {},
                                                content_type=JSON).status_code == 200
    assert station.post(f"/api/campaigns/tasks/{tid}/return", {"note": "未达标"}, content_type=JSON).status_code == 403
    assert Task.objects.get(pk=tid).status == "submitted"
    assert login(personas.office).post(f"/api/campaigns/tasks/{tid}/return", {"note": "未达标"},
                                       content_type=JSON).status_code == 200
    assert Task.objects.get(pk=tid).status == "open"


def test_office_lists_and_settings_refuse_others(personas, camp):
    cid = camp.pk
    outsider, station = login(personas.outsider), login(personas.station_staff)
    weights = {"on_time": 100, "rework": 0, "extension": 0, "recurrence": 0, "tasks": 0, "visits": 0}
    assert station.put(f"/api/campaigns/campaigns/{cid}/weights", weights, content_type=JSON).status_code == 403
    assert Campaign.objects.get(pk=cid).weights == {}
    assert station.post(f"/api/campaigns/campaigns/{cid}/bulletins", {"month": "2020-06"},
                        content_type=JSON).status_code == 403
    assert outsider.get(f"/api/campaigns/campaigns/{cid}/bulletins").status_code == 403
    assert outsider.get(f"/api/campaigns/campaigns/{cid}/visits").status_code == 403
    assert camp.bulletins.count() == 0


def test_exposure_rejection_needs_a_second_office_member(personas, camp):
    p = inspect(personas, camp)
    e = services.exposure_propose(actor=personas.office, campaign=camp, kind="duty", title="垃圾长期未清",
                                  text="楼道口垃圾堆积", photo_mode="none", problem_id=p.pk)
    assert login(personas.station_staff).post(f"/api/campaigns/exposures/{e.pk}/reject", {"note": "x"},
                                              content_type=JSON).status_code == 403
    assert login(personas.office).post(f"/api/campaigns/exposures/{e.pk}/reject", {"note": "x"},
                                       content_type=JSON).status_code == 403  # the proposer is not the second person
    assert Exposure.objects.get(pk=e.pk).status == "proposed"
