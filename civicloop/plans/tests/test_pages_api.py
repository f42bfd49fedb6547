"""Pages and their API twins: the right persona allowed, the wrong ones (a department that is not a member, a
sibling district, a resident, an outsider) refused; bad input answered with a message, never a 500."""

from __future__ import annotations

import datetime as dt

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import timezone

from civicloop.plans import services
from civicloop.plans.models import Plan, PlanComment, ProgressReport, Project
from civicloop.plans.workflow import PLAN

from .test_workflows import PNG

pytestmark = pytest.mark.django_db
JSON = "application/json"


@pytest.fixture
def year_data(personas, world):
    plan = services.plan_create(committee=world.committee, year=2020, kind="work_points", title="2020年工作要点", actor=personas.office)
    item = services.plan_item_save(plan=plan, actor=personas.office, goal="推进全域化", lead=world.health)
    project = services.project_create(member=world.health, year=2020, title="建成实践站", target_value=6, target_item="实践站", due_on=dt.date(2020, 12, 31), actor=personas.office)
    meeting = services.meeting_create(committee=world.committee, kind="plenary", title="全体会议", held_at=timezone.now(), actor=personas.office, attendees=[world.health])
    followup = services.followup_add(meeting=meeting, owner=world.health, title="报送总结", due_on=dt.date(2020, 3, 1), actor=personas.office)
    report = services.year_report_save(member=world.health, year=2020, text="述职", actor=personas.liaison)
    return {"plan": plan, "item": item, "project": project, "meeting": meeting, "followup": followup, "report": report}


def _pages(d, world):
    return [
        f"/plans/c/{world.committee.pk}/", f"/plans/plan/{d['plan'].pk}/", f"/plans/project/{d['project'].pk}/",
        f"/plans/meeting/{d['meeting'].pk}/", f"/plans/report/{d['report'].pk}/",
        f"/plans/c/{world.committee.pk}/completion/?year=2020",
    ]


def test_office_and_member_see_the_pages(client, personas, world, year_data):
    for user in (personas.office, personas.liaison):
        client.force_login(user)
        for url in _pages(year_data, world):
            assert client.get(url).status_code == 200, (user, url)
    body = client.get("/plans/").content.decode()  # the member's own page lists its follow-up task
    assert "报送总结" in body and "建成实践站" in body


@pytest.mark.parametrize("who", ["sci_user", "other_office", "resident", "outsider"])
def test_outsiders_are_refused_pages_and_api(client, personas, world, year_data, who):
    user = getattr(world, who, None) or getattr(personas, who)
    client.force_login(user)
    for url in _pages(year_data, world):
        assert client.get(url).status_code == 403, url
    home = client.get("/plans/")
    if who == "other_office":  # their own committee only
        assert home.status_code == 200 and "昆都仑区精神文明建设委员会" not in home.content.decode()
    else:
        assert home.status_code == 403
    for url in (f"/api/plans/plans/{year_data['plan'].pk}", f"/api/plans/projects/{year_data['project'].pk}", f"/api/plans/meetings/{year_data['meeting'].pk}"):
        assert client.get(url).status_code == 403, url
    assert client.get("/api/plans/projects").json()["count"] == 0
    assert client.get("/api/plans/committees").json()["count"] == (1 if who == "other_office" else 0)
    response = client.post(f"/api/plans/projects/{year_data['project'].pk}/reports", {"quarter": 1, "text": "x", "figure": 1})
    assert response.status_code == 403
    assert not ProgressReport.objects.exists()


def test_another_member_sees_the_plan_but_not_a_fellow_members_project(client, personas, world, year_data):
    client.force_login(world.edu_user)
    assert client.get(f"/plans/plan/{year_data['plan'].pk}/").status_code == 200
    assert client.get(f"/plans/project/{year_data['project'].pk}/").status_code == 403
    assert client.get(f"/plans/report/{year_data['report'].pk}/").status_code == 403
    assert client.post(f"/plans/meeting/{year_data['meeting'].pk}/add/resolution/", {"text": "x"}).status_code == 403
    assert client.get(f"/api/plans/committees/{world.committee.pk}/completion?year=2020").json() == []


def test_plan_through_pages(client, personas, world, year_data):
    plan, item, meeting = year_data["plan"], year_data["item"], year_data["meeting"]
    client.force_login(personas.office)
    client.post(f"/plans/plan/{plan.pk}/circulate/")
    client.force_login(personas.liaison)
    client.post(f"/plans/plan/{plan.pk}/comment/", {"item": item.pk, "note": "建议补充"})
    assert PlanComment.objects.get().text == "建议补充"
    # the member cannot adopt: 403 and nothing moves
    assert client.post(f"/plans/plan/{plan.pk}/adopt/", {"meeting": meeting.pk}).status_code == 403
    client.force_login(personas.office)
    response = client.post(f"/plans/plan/{plan.pk}/adopt/", {"meeting": "999999"}, follow=True)
    assert "msg-error" in response.content.decode()
    client.post(f"/plans/plan/{plan.pk}/adopt/", {"meeting": meeting.pk})
    assert Plan.objects.get(pk=plan.pk).status == "adopted"
    response = client.post(f"/plans/plan/{plan.pk}/items/", {"goal": "迟到"}, follow=True)
    assert "已审议通过的方案不能再修改" in response.content.decode()


def test_plan_through_api(client, personas, world):
    client.force_login(personas.office)
    created = client.post("/api/plans/plans", {"committee_id": world.committee.pk, "year": 2021, "title": "2021年工作要点"}, content_type=JSON)
    assert created.status_code == 201
    pk = created.json()["id"]
    assert client.post(f"/api/plans/plans/{pk}/circulate", {}, content_type=JSON).status_code == 400  # no items
    bad = client.post(f"/api/plans/plans/{pk}/items", {"goal": "x", "lead_id": 999999}, content_type=JSON)
    assert bad.status_code == 400
    item = client.post(f"/api/plans/plans/{pk}/items", {"goal": "目标", "lead_id": world.health.pk, "partner_ids": [world.edu.pk]}, content_type=JSON)
    assert item.status_code == 201 and item.json()["partner_ids"] == [world.edu.pk]
    assert client.post(f"/api/plans/plans/{pk}/circulate", {}, content_type=JSON).json()["status"] == "circulated"
    assert client.post(f"/api/plans/plans/{pk}/circulate", {}, content_type=JSON).status_code == 409
    client.force_login(personas.liaison)
    ok = client.post(f"/api/plans/plans/{pk}/comment", {"item": item.json()["id"], "note": "同意"}, content_type=JSON)
    assert ok.status_code == 200
    assert client.get(f"/api/plans/plans/{pk}").json()["items"][0]["comments"][0]["text"] == "同意"
    assert client.post(f"/api/plans/plans/{pk}/publish", {}, content_type=JSON).status_code == 403


def test_quarterly_report_through_page_and_api_with_evidence(client, personas, world, year_data):
    project = year_data["project"]
    client.force_login(personas.liaison)
    photo = SimpleUploadedFile("现场.png", PNG, content_type="image/png")
    response = client.post(f"/plans/project/{project.pk}/progress/", {"quarter": "1", "figure": "2", "text": "建成2个", "on_track": "1", "files": [photo]}, follow=True)
    assert "季度进展已报送" in response.content.decode()
    report = ProgressReport.objects.get()
    evidence = report.evidence.get()
    assert client.get(f"/plans/evidence/{evidence.pk}/").status_code == 200
    client.force_login(world.edu_user)
    assert client.get(f"/plans/evidence/{evidence.pk}/").status_code == 403
    client.force_login(personas.liaison)
    again = client.post(f"/api/plans/projects/{project.pk}/reports", {"quarter": 1, "text": "x", "figure": 3})
    assert again.status_code == 400 and "本季度已报送" in again.json()["detail"]
    ok = client.post(f"/api/plans/projects/{project.pk}/reports", {"quarter": 2, "text": "延误", "figure": 3, "on_track": "false"})
    assert ok.status_code == 201
    assert Project.objects.get(pk=project.pk).status == "late"
    assert client.post(f"/api/plans/projects/{project.pk}/complete", {"done_on": "2020-12-01"}, content_type=JSON).json()["status"] == "done"


def test_meeting_followup_and_year_report_through_api(client, personas, world, year_data):
    client.force_login(personas.office)
    meeting = client.post("/api/plans/meetings", {
        "committee_id": world.committee.pk, "kind": "joint", "title": "联席会", "held_at": "2020-05-01T09:00:00+08:00",
        "mode": "video", "branch_venues": "昆河镇分会场", "attendee_ids": [world.health.pk, world.edu.pk],
    }, content_type=JSON)
    assert meeting.status_code == 201 and meeting.json()["venues"] == ["昆河镇分会场"]
    mid = meeting.json()["id"]
    no_venue = client.post("/api/plans/meetings", {"committee_id": world.committee.pk, "kind": "joint", "title": "x", "held_at": "2020-05-01T09:00:00+08:00", "mode": "video"}, content_type=JSON)
    assert no_venue.status_code == 400
    assert client.post(f"/api/plans/meetings/{mid}/agenda", {"title": "审议工作要点", "plan_id": year_data["plan"].pk}, content_type=JSON).status_code == 201
    assert client.post(f"/api/plans/meetings/{mid}/resolutions", {"text": "通过"}, content_type=JSON).status_code == 201
    fu = client.post(f"/api/plans/meetings/{mid}/followups", {"owner_id": world.edu.pk, "title": "报送方案", "due_on": "2020-06-01"}, content_type=JSON)
    assert fu.status_code == 201
    client.force_login(world.edu_user)
    assert [f["title"] for f in client.get("/api/plans/followups?status=open").json()["items"]] == ["报送方案"]
    assert client.post(f"/api/plans/followups/{fu.json()['id']}/finish", {}, content_type=JSON).json()["status"] == "done"
    client.force_login(personas.liaison)
    assert client.post(f"/api/plans/year-reports/{year_data['report'].pk}/submit", {}, content_type=JSON).json()["status"] == "submitted"
    client.force_login(personas.office)
    scored = client.post(f"/api/plans/year-reports/{year_data['report'].pk}/score", {"score": 95}, content_type=JSON)
    assert scored.json()["status"] == "scored"


def test_completion_downloads(client, personas, world, year_data):
    PLAN  # noqa: B018  (the declarations are loaded with the app)
    client.force_login(personas.office)
    pdf = client.get(f"/plans/c/{world.committee.pk}/completion/?year=2020&format=pdf")
    assert pdf.status_code == 200 and pdf.content.startswith(b"%PDF")
    xlsx = client.get(f"/plans/c/{world.committee.pk}/completion/?year=2020&format=xlsx")
    assert xlsx.status_code == 200 and xlsx.content[:2] == b"PK"
    rows = client.get(f"/api/plans/committees/{world.committee.pk}/completion?year=2020").json()
    assert (rows[0]["unit_name"] == "区卫生健康委员会" and rows[0]["projects"][0]["completion"] == "overdue") or rows[0]["projects"][0]["completion"] == "open"


def test_platform_figure_on_the_project_page_moves_with_the_data(client, personas, world):
    from civicloop.activities import services as activities

    year = timezone.localdate().year
    project = services.project_create(member=world.health, year=year, title="全年开展活动", target_value=60, target_unit="场", target_item="活动", metric="activities", due_on=dt.date(year, 12, 31), actor=personas.office)
    client.force_login(personas.liaison)

    def shown() -> int:
        page = client.get(f"/plans/project/{project.pk}/").content.decode()
        api = client.get(f"/api/plans/projects/{project.pk}").json()["platform_figure"]
        start = page.index('id="platform-figure">') + len('id="platform-figure">')
        assert int(page[start:].split("（")[0]) == api
        return api

    before = shown()
    now = timezone.now()
    activity = activities.activity_create(unit=personas.station, actor=personas.station_staff, category="culture", title="书法课", place="活动室", starts_at=now - dt.timedelta(hours=1), ends_at=now + dt.timedelta(hours=1), roles=[("志愿者", 2)])
    activities.activity_publish(activity=activity, actor=personas.station_staff)
    activities.activity_close(activity=activity, actor=personas.station_staff, people_served=12, summary="顺利")
    assert shown() == before + 1


def test_milestones_evidence_and_followups_through_api(client, personas, world, year_data):
    project = year_data["project"]
    client.force_login(personas.liaison)
    m = client.post(f"/api/plans/projects/{project.pk}/milestones", {"title": "完成选址", "due_on": "2020-05-31"}, content_type=JSON)
    assert m.status_code == 201
    assert client.post(f"/api/plans/milestones/{m.json()['id']}/done").json()["done_on"] is not None
    assert client.post(f"/api/plans/milestones/{m.json()['id']}/done").status_code == 409
    photo = SimpleUploadedFile("现场.png", PNG, content_type="image/png")
    filed = client.post(f"/api/plans/projects/{project.pk}/reports", {"quarter": 1, "text": "建成", "figure": 2, "files": [photo]})
    assert filed.status_code == 201 and filed.json()["evidence"] == ["现场.png"]
    evidence_id = ProgressReport.objects.get().evidence.get().pk
    assert client.get(f"/api/plans/evidence/{evidence_id}").status_code == 200
    assert client.get(f"/api/plans/followups/{year_data['followup'].pk}").json()["title"] == "报送总结"
    client.force_login(world.edu_user)
    assert client.get(f"/api/plans/evidence/{evidence_id}").status_code == 403
    assert client.get(f"/api/plans/followups/{year_data['followup'].pk}").status_code == 403
    assert client.post(f"/api/plans/milestones/{m.json()['id']}/done").status_code == 403


def test_steps_refused_to_a_sibling_district_and_a_resident(client, personas, world, year_data):
    for user in (world.other_office, personas.resident, world.sci_user):
        client.force_login(user)
        assert client.post(f"/api/plans/plans/{year_data['plan'].pk}/circulate", {}, content_type=JSON).status_code == 403
        assert client.post(f"/plans/plan/{year_data['plan'].pk}/circulate/").status_code == 403
        assert client.post(f"/api/plans/year-reports/{year_data['report'].pk}/submit", {}, content_type=JSON).status_code == 403
        assert client.post(f"/api/plans/followups/{year_data['followup'].pk}/finish", {}, content_type=JSON).status_code == 403
        assert client.post("/api/plans/plans", {"committee_id": world.committee.pk, "year": 2021, "title": "x"}, content_type=JSON).status_code == 403
    assert Plan.objects.get(pk=year_data["plan"].pk).status == "draft"


def test_nav_link_only_for_people_with_a_committee(client, personas, world):
    link = 'href="/plans/"'
    client.force_login(personas.liaison)
    assert link in client.get("/").content.decode() or link in client.get("/plans/").content.decode()
    client.force_login(personas.station_staff)  # staff of a station that sits on no committee
    assert link not in client.get("/plans/", follow=True).content.decode()


def test_completion_for_one_unit(client, personas, world, year_data):
    services.project_create(member=world.edu, year=2020, title="教育项目", target_value=1, due_on=dt.date(2020, 6, 1), actor=personas.office)
    client.force_login(personas.office)
    page = client.get(f"/plans/c/{world.committee.pk}/completion/?year=2020&member={world.edu.pk}").content.decode()
    assert "教育项目" in page and "建成实践站" not in page
    rows = client.get(f"/api/plans/committees/{world.committee.pk}/completion?year=2020&member={world.health.pk}").json()
    assert [r["unit_name"] for r in rows] == ["区卫生健康委员会"]


def test_openapi_lists_the_committee_endpoints(client):
    paths = client.get("/api/openapi.json").json()["paths"]
    expected = {
        "/api/plans/plans/{id}/adopt", "/api/plans/plans/{id}/comment", "/api/plans/projects/{id}/complete",
        "/api/plans/projects/{id}/reports", "/api/plans/year-reports/{id}/score", "/api/plans/followups/{id}/finish",
        "/api/plans/committees/{id}/completion", "/api/plans/meetings/{id}/followups",
    }
    assert expected <= set(paths)
