"""Problems follow 数字化城管: reported → 立案 → 交办 → 整改 → 核查 (pass closes, fail returns); overdue ones are
raised to the superior; the same place within N days links a recurrence; a sibling unit is refused at every
step."""

from __future__ import annotations

import datetime as dt

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.utils import timezone

from civicloop.campaigns import figures, services
from civicloop.campaigns.models import Problem, ProblemPhoto
from civicloop.campaigns.tests.conftest import inspect, jpeg
from civicloop.campaigns.workflow import PROBLEM
from civicloop.core.exceptions import Conflict

pytestmark = pytest.mark.django_db


def _totals(camp, unit):
    return figures.totals(camp, [unit.path], None, None)[unit.path]


def test_inspection_to_closure_with_one_rework(personas, camp):
    p = inspect(personas, camp)
    assert (p.status, p.unit, p.due_at is not None) == ("assigned", personas.station, True)
    assert [e.step for e in PROBLEM.events(p)] == ["report", "register", "assign"]
    # a rectification needs an after-photo
    with pytest.raises(ValidationError):
        PROBLEM.run("rectify", p, actor=personas.station_staff, data={"note": "已清理"})
    PROBLEM.run("rectify", p, actor=personas.station_staff, data={"note": "已清理"}, files={"photo": jpeg("a.jpg")})
    assert p.photos.filter(kind=ProblemPhoto.Kind.AFTER).count() == 1
    # the station cannot sign off its own rectification
    with pytest.raises(PermissionDenied):
        PROBLEM.run("check_pass", p, actor=personas.station_staff)
    PROBLEM.run("check_fail", p, actor=personas.institute_staff, data={"note": "仍有垃圾"})
    p.refresh_from_db()
    assert (p.status, p.rework_count) == ("assigned", 1)
    PROBLEM.run("rectify", p, actor=personas.station_staff, data={"note": "彻底清理"}, files={"photo": jpeg("b.jpg")})
    PROBLEM.run("check_pass", p, actor=personas.institute_staff)
    p.refresh_from_db()
    assert (p.status, p.closed_on_time) == ("closed", True)
    t = _totals(camp, personas.station)
    assert (t["registered"], t["checks"], t["reworks"], t["closed"], t["closed_on_time"]) == (1, 2, 1, 1, 1)
    # rolled up: the institute and the root see the same
    assert _totals(camp, personas.institute)["reworks"] == 1 and _totals(camp, personas.root)["closed"] == 1
    assert _totals(camp, personas.station_b)["registered"] == 0


def test_exif_position_and_time_are_read(personas, camp):
    p = inspect(personas, camp, lat=None, lng=None, photo=jpeg(gps=(40.6312, 109.8123), taken="2020:06:01 09:30:00"))
    photo = p.photos.get()
    assert photo.taken_at.date() == dt.date(2020, 6, 1)
    assert abs(photo.lat - 40.6312) < 1e-3 and abs(photo.lng - 109.8123) < 1e-3
    p.refresh_from_db()
    assert abs(p.lat - 40.6312) < 1e-3  # no browser position: the camera's is used


def test_sibling_is_refused_at_every_step(personas, camp):
    p = inspect(personas, camp)
    sib = personas.sibling
    with pytest.raises(PermissionDenied):
        PROBLEM.run("rectify", p, actor=sib, data={"note": "x"}, files={"photo": jpeg()})
    with pytest.raises(PermissionDenied):
        PROBLEM.run("extend", p, actor=sib, data={"hours": 5, "note": "x"})
    with pytest.raises(PermissionDenied):
        services.problem_photo_add(actor=sib, problem=p, photo=jpeg(), kind="after")
    PROBLEM.run("rectify", p, actor=personas.station_staff, data={"note": "ok"}, files={"photo": jpeg()})
    for step, data in (("check_pass", {}), ("check_fail", {"note": "x"})):
        with pytest.raises(PermissionDenied):
            PROBLEM.run(step, p, actor=sib, data=data)
    # the sibling cannot inspect station A either
    with pytest.raises(ValidationError):
        inspect(personas, camp, actor=sib)
    # a resident's report waiting at the institute is not the sibling's... but it is in the institute's scope
    r = services.problem_report_resident(actor=personas.resident, campaign=camp, category="litter",
                                         description="垃圾", photo=jpeg(), place="3栋")
    assert r.unit_path == personas.institute.path
    with pytest.raises(PermissionDenied):
        PROBLEM.run("register", r, actor=sib, data={"unit": personas.station.pk, "category": "litter"})
    with pytest.raises(PermissionDenied):
        PROBLEM.run("reject", r, actor=personas.station_staff, data={"note": "x"})
    assert Problem.objects.get(pk=p.pk).status == "rectified"


def test_resident_report_is_accepted_then_assigned(personas, camp):
    r = services.problem_report_resident(actor=personas.resident, campaign=camp, category="parking",
                                         description="占道停车", photo=jpeg(), place="3栋门口")
    # a unit outside the inspector's area is refused with a message
    with pytest.raises(ValidationError):
        PROBLEM.run("register", r, actor=personas.institute_staff,
                    data={"unit": personas.department.pk, "category": "parking"})
    PROBLEM.run("register", r, actor=personas.institute_staff, data={"unit": personas.station.pk, "category": "parking"})
    PROBLEM.run("assign", r, actor=personas.institute_staff)
    r.refresh_from_db()
    assert (r.status, r.unit_path) == ("assigned", personas.station.path)
    assert r.due_at - timezone.now() < dt.timedelta(hours=25)
    with pytest.raises(Conflict):
        PROBLEM.run("assign", r, actor=personas.institute_staff)


def test_recurrence_within_distance_and_window(personas, camp):
    first = inspect(personas, camp)
    near = inspect(personas, camp, lat=40.6302, lng=109.8101)  # ~25 m away
    far = inspect(personas, camp, lat=40.64, lng=109.83)
    other_kind = inspect(personas, camp, category="parking")
    assert near.recurrence_of == first
    assert far.recurrence_of is None and other_kind.recurrence_of is None
    assert _totals(camp, personas.station)["recurrences"] == 1


def test_overdue_problem_is_escalated_once_per_deadline(personas, camp):
    p = inspect(personas, camp)
    Problem.objects.filter(pk=p.pk).update(due_at=timezone.now() - dt.timedelta(hours=1))
    assert services.campaigns_escalate_overdue() == 1
    assert services.campaigns_escalate_overdue() == 0
    # the ranking's grouped overdue count equals one count per unit
    siblings = [personas.station.path, personas.station_b.path]
    assert figures.overdue_counts(camp, siblings) == {siblings[0]: 1, siblings[1]: 0}
    assert figures.overdue_counts(camp, [personas.station.path]) == {siblings[0]: 1}
    p.refresh_from_db()
    assert (p.escalation_level, p.escalated_to) == (1, personas.institute)
    assert p.status == "assigned"
    # an extension moves the deadline; overdue again → raised one level further
    PROBLEM.run("extend", p, actor=personas.institute_staff, data={"hours": 1, "note": "雨天"})
    p.refresh_from_db()
    Problem.objects.filter(pk=p.pk).update(due_at=timezone.now() - dt.timedelta(minutes=1))
    assert services.campaigns_escalate_overdue() == 1
    p.refresh_from_db()
    assert (p.escalation_level, p.escalated_to) == (2, personas.root)
    t = _totals(camp, personas.station)
    assert (t["escalations"], t["extensions"]) == (2, 1)


def test_overdue_task_is_escalated(personas, camp):
    from civicloop.campaigns.models import Task

    Task.objects.filter(pk=camp.task.pk).update(due_at=timezone.now() - dt.timedelta(days=1))
    assert services.campaigns_escalate_overdue() == 1
    assert Task.objects.get(pk=camp.task.pk).escalation_level == 1
