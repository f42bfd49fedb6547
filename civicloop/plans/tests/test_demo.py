"""The demo story (seed_demo): Kundulun's leading group, the 2019 implementation plan, the practical projects
(the 1/2/6/2 construction among them, done), the joint meeting and the 2020 plenary with two 述职 reports."""

from __future__ import annotations

import io

import pytest
from django.core.management import call_command

from civicloop.plans import selectors
from civicloop.plans.models import Committee, Meeting, Plan, Project, YearReport

pytestmark = pytest.mark.django_db


def test_seed_demo_tells_the_committee_story(client):
    call_command("seed_demo", stdout=io.StringIO())
    committee = Committee.objects.get()
    assert (committee.head_title, committee.group_name) == ("区委书记", "昆都仑区新时代文明实践领导小组")
    impl = Plan.objects.get(year=2019)
    assert impl.kind == "implementation" and impl.status == "published" and impl.items.count() == 4
    assert impl.meeting.kind == "joint"
    points = Plan.objects.get(year=2020)
    assert points.status == "published" and points.meeting.kind == "plenary" and points.versions.filter(reason="adopted").exists()
    construction = Project.objects.get(title__startswith="建成新时代文明实践中心1个")
    assert construction.status == "done" and construction.target_text == "11 个实践阵地"
    reports = YearReport.objects.filter(year=2019)
    assert reports.count() == 2 and all(r.meeting and r.meeting.kind == "plenary" for r in reports)
    plenary = Meeting.objects.get(kind="plenary")
    assert plenary.mode == "video" and len(plenary.venues) == 2
    report = selectors.completion(committee, 2019, committee.members.all())
    totals = report.totals
    assert totals["on_time"] >= 4 and totals["late"] == 2 and totals["dropped"] == 1
    client.force_login(committee.unit.memberships.filter(role="staff").first().user)
    assert client.get(f"/plans/c/{committee.pk}/completion/?year=2019").status_code == 200
    assert client.get(f"/plans/plan/{points.pk}/").status_code == 200
