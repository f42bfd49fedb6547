"""考核: the day counters the steps keep equal a recount from the raw rows (random actions, seeded), scoped by the
unit tree; the ranking, weights, monthly 通报 (PDF, Excel) and the annual export."""

from __future__ import annotations

import datetime as dt
import io
import random

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.utils import timezone

from civicloop.campaigns import exports, figures, selectors, services
from civicloop.campaigns.models import COUNTERS, Liaison, Problem, UnitDay
from civicloop.campaigns.tests.conftest import inspect, jpeg
from civicloop.campaigns.workflow import PROBLEM, TASK
from civicloop.core.exceptions import Conflict

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize("seed", [7, 2026])
def test_counters_equal_recount_after_random_actions(personas, camp, seed):
    rng = random.Random(seed)
    units = [personas.station, personas.station_b, personas.point]
    staff = {personas.station.pk: personas.station_staff, personas.station_b.pk: personas.sibling,
             personas.point.pk: personas.station_staff}
    liaison = Liaison.objects.create(campaign=camp, leader=personas.office, unit=personas.root,
                                     unit_path=personas.root.path)
    problems: list[Problem] = []
    for _ in range(60):
        roll = rng.random()
        if roll < 0.3 or not problems:
            unit = rng.choice(units)
            problems.append(inspect(personas, camp, unit=unit, category=rng.choice(["litter", "parking", "wires"]),
                                    lat=40.63 + rng.choice([0, 0.0001, 0.01]), lng=109.81))
            continue
        if roll < 0.38:
            r = services.problem_report_resident(actor=personas.resident, campaign=camp, category="litter",
                                                 description="x", photo=jpeg(), place=rng.choice(["3栋", "5栋"]))
            if rng.random() < 0.7:
                PROBLEM.run("register", r, actor=personas.institute_staff,
                            data={"unit": rng.choice(units).pk, "category": "litter"})
                r.refresh_from_db()
                if rng.random() < 0.8:
                    PROBLEM.run("assign", r, actor=personas.institute_staff)
            else:
                PROBLEM.run("reject", r, actor=personas.institute_staff, data={"note": "重复"})
            problems.append(r)
            continue
        if roll < 0.45:
            services.visit_log(actor=personas.office, liaison=liaison, unit=rng.choice(units),
                               visited_on=timezone.localdate() - dt.timedelta(days=rng.randrange(40)),
                               place="社区", findings="检查")
            continue
        p = rng.choice(problems)
        p.refresh_from_db()
        try:
            if p.status == "assigned":
                action = rng.random()
                if action < 0.6:
                    PROBLEM.run("rectify", p, actor=staff[p.unit_id], data={"note": "done"}, files={"photo": jpeg()})
                elif action < 0.8:
                    PROBLEM.run("extend", p, actor=personas.institute_staff, data={"hours": 3, "note": "雨"})
                else:
                    Problem.objects.filter(pk=p.pk).update(due_at=timezone.now() - dt.timedelta(hours=1))
                    services.campaigns_escalate_overdue()
            elif p.status == "rectified":
                if rng.random() < 0.6:
                    PROBLEM.run("check_pass", p, actor=personas.institute_staff)
                else:
                    PROBLEM.run("check_fail", p, actor=personas.institute_staff, data={"note": "不合格"})
        except Conflict:
            pass
    TASK.run("submit", camp.task, actor=personas.station_staff)
    TASK.run("accept", camp.task, actor=personas.office)
    paths = [u.path for u in [personas.root, personas.institute, personas.station, personas.station_b,
                              personas.point, personas.department]]
    today = timezone.localdate()
    for start, end in [(None, None), (today, today), (today - dt.timedelta(days=20), today - dt.timedelta(days=1)),
                       (today - dt.timedelta(days=90), today + dt.timedelta(days=60))]:
        assert figures.totals(camp, paths, start, end) == figures.recount(camp, paths, start, end), (start, end)
    stepped = {(r.path, r.day): [getattr(r, c) for c in COUNTERS] for r in UnitDay.objects.filter(campaign=camp)}
    figures.rebuild(camp)
    rebuilt = {(r.path, r.day): [getattr(r, c) for c in COUNTERS] for r in UnitDay.objects.filter(campaign=camp)}
    assert {k: v for k, v in stepped.items() if any(v)} == rebuilt
    assert figures.totals(camp, [personas.root.path], None, None)[personas.root.path]["registered"] > 10


def _rows(camp, personas):
    return {r["unit"].pk: r for r in selectors.ranking(camp, personas.institute, None, None)}


def test_ranking_rates_and_weights(personas, camp):
    good = inspect(personas, camp)
    PROBLEM.run("rectify", good, actor=personas.station_staff, data={"note": "ok"}, files={"photo": jpeg()})
    PROBLEM.run("check_pass", good, actor=personas.institute_staff)
    bad = inspect(personas, camp, unit=personas.station_b)
    PROBLEM.run("rectify", bad, actor=personas.sibling, data={"note": "ok"}, files={"photo": jpeg()})
    PROBLEM.run("check_fail", bad, actor=personas.institute_staff, data={"note": "no"})
    rows = _rows(camp, personas)
    a, b = rows[personas.station.pk], rows[personas.station_b.pk]
    assert (a["rates"]["on_time"], a["rates"]["rework"]) == (1.0, 0.0)
    assert b["rates"]["rework"] == 1.0 and b["rates"]["on_time"] is None
    assert a["score"] > b["score"] and a["rank"] == 1
    with pytest.raises(ValidationError):
        services.weights_set(actor=personas.office, campaign=camp, weights={"on_time": 50})
    with pytest.raises(PermissionDenied):
        services.weights_set(actor=personas.institute_staff, campaign=camp,
                             weights=dict(on_time=100, rework=0, extension=0, recurrence=0, tasks=0, visits=0))
    services.weights_set(actor=personas.office, campaign=camp,
                         weights=dict(on_time=0, rework=0, extension=0, recurrence=0, tasks=0, visits=100))
    camp.refresh_from_db()
    rows = _rows(camp, personas)
    assert rows[personas.station.pk]["score"] == rows[personas.station_b.pk]["score"] == 0


def test_bulletin_pdf_excel_and_annual_export(personas, camp):
    from openpyxl import load_workbook

    p = inspect(personas, camp)
    PROBLEM.run("rectify", p, actor=personas.station_staff, data={"note": "ok"}, files={"photo": jpeg()})
    PROBLEM.run("check_pass", p, actor=personas.institute_staff)
    month = timezone.localdate().replace(day=1)
    with pytest.raises(PermissionDenied):
        services.bulletin_issue(actor=personas.station_staff, campaign=camp, unit=personas.station, month=month)
    bulletin = services.bulletin_issue(actor=personas.office, campaign=camp, unit=personas.institute, month=month)
    with pytest.raises(Conflict):
        services.bulletin_issue(actor=personas.office, campaign=camp, unit=personas.institute, month=month)
    assert bulletin.rows[0]["name"] == personas.station.name
    pdf = exports.bulletin_pdf(bulletin)
    assert pdf.startswith(b"%PDF")
    wb = load_workbook(io.BytesIO(exports.bulletin_xlsx(bulletin)))
    values = [c for row in wb.active.iter_rows(values_only=True) for c in row if c]
    assert personas.station.name in values
    assert any(str(v).startswith("Commended") or "表扬" in str(v) for v in values)
    annual = load_workbook(io.BytesIO(exports.annual_xlsx(camp, personas.root, timezone.localdate().year)))
    names = [row[1] for row in annual.active.iter_rows(min_row=3, values_only=True)]
    assert personas.institute.name in names
