"""Setting up and editing the committee, its leading group and member units, a project's target and a meeting's
attendees (pages and API twins), and the wrong person refused for every plans operation: the office of a
sibling district, a fellow member unit, a member unit for the office's work; the row is not written."""

from __future__ import annotations

import datetime as dt

import pytest
from django.utils import timezone

from civicloop.audit.models import AuditEvent
from civicloop.plans import services
from civicloop.plans.models import (
    AgendaItem,
    Committee,
    FollowUp,
    Meeting,
    Member,
    Plan,
    Resolution,
    YearReport,
)

pytestmark = pytest.mark.django_db
JSON = "application/json"


@pytest.fixture
def year(personas, world):
    plan = services.plan_create(committee=world.committee, year=2020, kind="work_points", title="2020年工作要点", actor=personas.office)
    item = services.plan_item_save(plan=plan, actor=personas.office, goal="推进全域化", lead=world.health)
    project = services.project_create(member=world.health, year=2020, title="建成实践站", target_value=6, target_item="实践站", due_on=dt.date(2020, 12, 31), actor=personas.office)
    meeting = services.meeting_create(committee=world.committee, kind="plenary", title="全体会议", held_at=timezone.now(), actor=personas.office, attendees=[world.health])
    followup = services.followup_add(meeting=meeting, owner=world.health, title="报送总结", due_on=dt.date(2020, 3, 1), actor=personas.office)
    report = services.year_report_save(member=world.health, year=2020, text="述职", actor=personas.liaison)
    return {"plan": plan, "item": item, "project": project, "meeting": meeting, "followup": followup, "report": report}


# --- the committee and its leading group ----------------------------------------------------------------


def test_office_sets_up_a_committee_on_a_page(client, personas):
    client.force_login(personas.office)
    assert "/plans/new/" in client.get("/plans/").content.decode()
    page = client.get("/plans/new/")
    assert page.status_code == 200
    bad = client.post("/plans/new/", {"unit": personas.root.pk, "name": "  "})
    assert bad.status_code == 200 and not Committee.objects.exists()
    done = client.post("/plans/new/", {"unit": personas.root.pk, "name": "昆都仑区文明委", "group_name": "领导小组", "head_name": "高志远", "head_title": "区委书记", "office_name": "区文明办"}, follow=True)
    c = Committee.objects.get()
    assert c.unit == personas.root and c.head_name == "高志远"
    assert done.redirect_chain[-1][0] == f"/plans/c/{c.pk}/"


def test_a_department_cannot_set_up_a_committee(client, personas, world):
    client.force_login(world.sci_user)
    assert client.get("/plans/new/").status_code == 403
    assert client.post("/plans/new/", {"unit": personas.root.pk, "name": "x"}).status_code == 403
    r = client.post("/api/plans/committees", {"unit_id": personas.root.pk, "name": "x"}, content_type=JSON)
    assert r.status_code == 403
    assert Committee.objects.count() == 2  # the fixture's two


def test_office_edits_the_leading_group_page_and_api_audited_masked(client, personas, world):
    c = world.committee
    client.force_login(personas.office)
    assert client.get(f"/plans/c/{c.pk}/").content.decode().count(f"/plans/c/{c.pk}/edit/") == 1
    page = client.post(f"/plans/c/{c.pk}/edit/", {"name": c.name, "group_name": "新时代文明实践中心建设领导小组", "head_name": "李建国", "head_title": "区委副书记", "office_name": "区文明办"})
    assert page.status_code == 302
    c.refresh_from_db()
    assert (c.group_name, c.head_name, c.head_title) == ("新时代文明实践中心建设领导小组", "李建国", "区委副书记")
    row = AuditEvent.objects.filter(action="plans.committee_update").get()
    assert "head_name: 高*远→李*国" in row.detail and "高志远" not in row.detail and "李建国" not in row.detail
    bad = client.put(f"/api/plans/committees/{c.pk}", {"name": "", "head_name": "王五"}, content_type=JSON)
    assert bad.status_code == 400
    c.refresh_from_db()
    assert c.head_name == "李建国"
    ok = client.put(f"/api/plans/committees/{c.pk}", {"name": c.name, "group_name": c.group_name, "head_name": "王五", "head_title": "区长", "office_name": "区文明办"}, content_type=JSON)
    assert ok.status_code == 200 and ok.json()["head_name"] == "王五"
    assert AuditEvent.objects.filter(action="plans.committee_update").count() == 2


@pytest.mark.parametrize("who", ["liaison", "other_office", "sci_user"])
def test_wrong_people_cannot_edit_the_committee(client, personas, world, who):
    user = getattr(world, who, None) or getattr(personas, who)
    c = world.committee
    client.force_login(user)
    assert client.get(f"/plans/c/{c.pk}/edit/").status_code == 403
    assert client.post(f"/plans/c/{c.pk}/edit/", {"name": "改名"}).status_code == 403
    r = client.put(f"/api/plans/committees/{c.pk}", {"name": "改名", "head_name": "王五"}, content_type=JSON)
    assert r.status_code == 403
    c.refresh_from_db()
    assert c.name == "昆都仑区精神文明建设委员会" and c.head_name == "高志远"
    assert not AuditEvent.objects.filter(action="plans.committee_update", outcome="ok").exists()


def test_the_committee_and_its_members_are_not_shown_to_a_sibling_district(client, world):
    client.force_login(world.other_office)
    assert client.get(f"/api/plans/committees/{world.committee.pk}").status_code == 403
    assert client.get(f"/api/plans/committees/{world.committee.pk}/members").status_code == 403
    assert client.get(f"/api/plans/committees/{world.other_committee.pk}/members").json() == []


# --- member units and roles -----------------------------------------------------------------------------


def test_office_changes_a_member_role_and_removes_a_member(client, personas, world, year):
    client.force_login(personas.office)
    body = client.get(f"/plans/c/{world.committee.pk}/").content.decode()
    assert f"/plans/member/{world.edu.pk}/edit/" in body
    assert client.post(f"/plans/member/{world.edu.pk}/edit/", {"role": "office", "contact_name": "张晓明"}).status_code == 302
    world.edu.refresh_from_db()
    assert (world.edu.role, world.edu.contact_name) == ("office", "张晓明")
    detail = AuditEvent.objects.get(action="plans.member_update").detail
    assert "role: member→office" in detail and "张*明" in detail and "张晓明" not in detail
    bad = client.put(f"/api/plans/members/{world.edu.pk}", {"role": "chair"}, content_type=JSON)
    assert bad.status_code == 400
    ok = client.put(f"/api/plans/members/{world.edu.pk}", {"role": "lead_group", "contact_name": ""}, content_type=JSON)
    assert ok.status_code == 200 and ok.json()["role"] == "lead_group"
    # the health commission has a project, a report and a task: it keeps its seat, with a message
    refused = client.post(f"/plans/member/{world.health.pk}/remove/", follow=True)
    assert "不能移除" in refused.content.decode() or "cannot be removed" in refused.content.decode()
    assert client.delete(f"/api/plans/members/{world.health.pk}").status_code == 409
    assert Member.objects.filter(pk=world.health.pk).exists()
    assert client.delete(f"/api/plans/members/{world.edu.pk}").status_code == 204
    assert not Member.objects.filter(pk=world.edu.pk).exists()
    assert AuditEvent.objects.filter(action="plans.member_remove", outcome="ok").count() == 1


@pytest.mark.parametrize("who", ["liaison", "other_office", "edu_user"])
def test_wrong_people_cannot_add_change_or_remove_members(client, personas, world, who):
    from civicloop.network.services import unit_create

    user = getattr(world, who, None) or getattr(personas, who)
    spare = unit_create(parent=personas.root, name="区民政局", kind="department")
    client.force_login(user)
    c = world.committee
    assert client.post(f"/api/plans/committees/{c.pk}/members", {"unit_id": spare.pk}, content_type=JSON).status_code == 403
    assert client.post(f"/plans/c/{c.pk}/members/", {"unit": spare.pk, "role": "member"}).status_code == 403
    assert client.put(f"/api/plans/members/{world.edu.pk}", {"role": "office"}, content_type=JSON).status_code == 403
    assert client.post(f"/plans/member/{world.edu.pk}/edit/", {"role": "office"}).status_code == 403
    assert client.delete(f"/api/plans/members/{world.edu.pk}").status_code == 403
    assert client.post(f"/plans/member/{world.edu.pk}/remove/").status_code == 403
    assert not Member.objects.filter(unit=spare).exists()
    world.edu.refresh_from_db()
    assert world.edu.role == "member"


# --- a project's target and a meeting's attendees -------------------------------------------------------


def test_member_corrects_its_project_target_page_and_api(client, personas, world, year):
    p = year["project"]
    client.force_login(personas.liaison)
    assert f"/plans/project/{p.pk}/edit/" in client.get(f"/plans/project/{p.pk}/").content.decode()
    form = {"title": "建成新时代文明实践站", "target_value": 8, "target_unit": "个", "target_item": "实践站", "due_on": "2020-11-30"}
    assert client.post(f"/plans/project/{p.pk}/edit/", form).status_code == 302
    p.refresh_from_db()
    assert (p.title, p.target_value, p.due_on) == ("建成新时代文明实践站", 8, dt.date(2020, 11, 30))
    assert "target_value: 6→8" in AuditEvent.objects.get(action="plans.project_update").detail
    wrong_year = client.post(f"/plans/project/{p.pk}/edit/", {**form, "due_on": "2021-01-31"}, follow=True)
    assert "年度" in wrong_year.content.decode() or "year" in wrong_year.content.decode()
    p.refresh_from_db()
    assert p.due_on == dt.date(2020, 11, 30)
    zero = client.put(f"/api/plans/projects/{p.pk}", {**form, "target_value": 0}, content_type=JSON)
    assert zero.status_code == 400
    ok = client.put(f"/api/plans/projects/{p.pk}", {**form, "target_value": 10}, content_type=JSON)
    assert ok.status_code == 200 and ok.json()["target_value"] == 10


def test_an_ended_project_keeps_its_target(client, personas, world, year):
    p = year["project"]
    client.force_login(personas.office)
    assert client.post(f"/api/plans/projects/{p.pk}/drop", {"note": "调整"}, content_type=JSON).json()["status"] == "dropped"
    r = client.put(f"/api/plans/projects/{p.pk}", {"title": "x", "target_value": 9, "due_on": "2020-12-31"}, content_type=JSON)
    assert r.status_code == 409
    p.refresh_from_db()
    assert p.target_value == 6


@pytest.mark.parametrize("who", ["edu_user", "other_office", "sci_user"])
def test_wrong_people_cannot_edit_a_project(client, personas, world, year, who):
    user = getattr(world, who, None) or getattr(personas, who)
    p = year["project"]
    client.force_login(user)
    assert client.get(f"/plans/project/{p.pk}/edit/").status_code == 403
    r = client.put(f"/api/plans/projects/{p.pk}", {"title": "x", "target_value": 1, "due_on": "2020-12-31"}, content_type=JSON)
    assert r.status_code == 403
    assert client.post(f"/api/plans/projects/{p.pk}/on_track", {}, content_type=JSON).status_code == 403
    assert client.post(f"/api/plans/projects/{p.pk}/late", {"note": "x"}, content_type=JSON).status_code == 403
    assert client.post(f"/api/plans/projects/{p.pk}/drop", {"note": "x"}, content_type=JSON).status_code == 403
    p.refresh_from_db()
    assert (p.target_value, p.status) == (6, "planned")


def test_the_member_unit_itself_cannot_drop_its_project(client, personas, world, year):
    p = year["project"]
    client.force_login(personas.liaison)
    assert client.post(f"/api/plans/projects/{p.pk}/drop", {"note": "不做了"}, content_type=JSON).status_code == 403
    p.refresh_from_db()
    assert p.status == "planned"


def test_office_edits_a_meeting_and_its_attendees(client, personas, world, year):
    m = year["meeting"]
    client.force_login(personas.office)
    assert f"/plans/meeting/{m.pk}/edit/" in client.get(f"/plans/meeting/{m.pk}/").content.decode()
    form = {"kind": "joint", "title": "联席会议", "held_at": "2020-04-01T09:30", "mode": "onsite", "place": "区政务中心", "attendees": [world.health.pk, world.edu.pk]}
    assert client.post(f"/plans/meeting/{m.pk}/edit/", form).status_code == 302
    m.refresh_from_db()
    assert m.title == "联席会议" and set(m.attendees.values_list("pk", flat=True)) == {world.health.pk, world.edu.pk}
    assert f"attendees: +[{world.edu.pk}]" in AuditEvent.objects.get(action="plans.meeting_update").detail
    video = client.post(f"/plans/meeting/{m.pk}/edit/", {**form, "mode": "video"}, follow=True)
    assert "分会场" in video.content.decode() or "branch venue" in video.content.decode()
    m.refresh_from_db()
    assert m.mode == "onsite"
    body = {"committee_id": world.committee.pk, "kind": "joint", "title": "联席会议", "held_at": "2020-04-01T09:30:00+08:00", "attendee_ids": [world.edu.pk]}
    other = client.put(f"/api/plans/meetings/{m.pk}", {**body, "attendee_ids": [world.edu.pk, 999999]}, content_type=JSON)
    assert other.status_code == 400
    ok = client.put(f"/api/plans/meetings/{m.pk}", body, content_type=JSON)
    assert ok.status_code == 200 and ok.json()["attendee_ids"] == [world.edu.pk]


@pytest.mark.parametrize("who", ["liaison", "other_office", "edu_user"])
def test_wrong_people_cannot_run_a_meeting(client, personas, world, year, who):
    user = getattr(world, who, None) or getattr(personas, who)
    m, c = year["meeting"], world.committee
    client.force_login(user)
    assert client.get(f"/plans/meeting/{m.pk}/edit/").status_code == 403
    body = {"committee_id": c.pk, "kind": "joint", "title": "改", "held_at": "2020-04-01T09:30:00+08:00", "attendee_ids": []}
    assert client.put(f"/api/plans/meetings/{m.pk}", body, content_type=JSON).status_code == 403
    assert client.post("/api/plans/meetings", body, content_type=JSON).status_code == 403
    assert client.post(f"/api/plans/meetings/{m.pk}/agenda", {"title": "议题"}, content_type=JSON).status_code == 403
    assert client.post(f"/api/plans/meetings/{m.pk}/resolutions", {"text": "决议"}, content_type=JSON).status_code == 403
    assert client.post(f"/api/plans/meetings/{m.pk}/followups", {"owner_id": world.edu.pk, "title": "t", "due_on": "2020-06-01"}, content_type=JSON).status_code == 403
    assert client.put(f"/api/plans/meetings/{m.pk}/minutes", {"text": "纪要"}, content_type=JSON).status_code == 403
    m.refresh_from_db()
    assert m.title == "全体会议" and m.minutes == "" and list(m.attendees.all()) == [world.health]
    assert Meeting.objects.filter(committee=c).count() == 1
    assert not AgendaItem.objects.exists() and not Resolution.objects.exists()
    assert FollowUp.objects.count() == 1


# --- the rest of the committee's operations, refused to the wrong person --------------------------------


@pytest.mark.parametrize("who", ["liaison", "other_office"])
def test_wrong_people_cannot_edit_adopt_or_redraft_a_plan(client, personas, world, year, who):
    user = getattr(world, who, None) or getattr(personas, who)
    plan, item = year["plan"], year["item"]
    client.force_login(personas.office)
    assert client.post(f"/api/plans/plans/{plan.pk}/circulate", {}, content_type=JSON).status_code == 200
    client.force_login(user)
    assert client.put(f"/api/plans/items/{item.pk}", {"goal": "改写"}, content_type=JSON).status_code == 403
    assert client.post(f"/api/plans/plans/{plan.pk}/adopt", {"meeting": year["meeting"].pk}, content_type=JSON).status_code == 403
    assert client.post(f"/api/plans/plans/{plan.pk}/redraft", {}, content_type=JSON).status_code == 403
    plan.refresh_from_db()
    item.refresh_from_db()
    assert plan.status == "circulated" and item.goal == "推进全域化"
    assert Plan.objects.get(pk=plan.pk).meeting_id is None


@pytest.mark.parametrize("who", ["liaison", "edu_user", "other_office"])
def test_wrong_people_cannot_judge_a_year_report(client, personas, world, year, who):
    """The unit that wrote it, a fellow member and a sibling district may not present, score or send it back."""
    user = getattr(world, who, None) or getattr(personas, who)
    r = year["report"]
    client.force_login(personas.liaison)
    assert client.post(f"/api/plans/year-reports/{r.pk}/submit", {}, content_type=JSON).status_code == 200
    client.force_login(user)
    assert client.post(f"/api/plans/year-reports/{r.pk}/present", {"meeting": year["meeting"].pk}, content_type=JSON).status_code == 403
    assert client.post(f"/api/plans/year-reports/{r.pk}/score", {"score": 100}, content_type=JSON).status_code == 403
    assert client.post(f"/api/plans/year-reports/{r.pk}/send_back", {"note": "重写"}, content_type=JSON).status_code == 403
    r.refresh_from_db()
    assert (r.status, r.score) == ("submitted", None)


def test_a_fellow_member_can_neither_read_nor_write_another_units_year_report(client, world, year):
    client.force_login(world.edu_user)
    assert client.get(f"/api/plans/year-reports/{year['report'].pk}").status_code == 403
    assert client.post("/api/plans/year-reports", {"member_id": world.health.pk, "year": 2020, "text": "冒名"}, content_type=JSON).status_code == 403
    assert client.get("/api/plans/year-reports").json()["count"] == 0
    assert YearReport.objects.get(pk=year["report"].pk).text == "述职"
    assert not YearReport.objects.filter(member=world.edu).exists()


@pytest.mark.parametrize("who", ["sci_user", "other_office", "resident"])
def test_lists_are_empty_outside_the_committee(client, personas, world, year, who):
    user = getattr(world, who, None) or getattr(personas, who)
    client.force_login(user)
    assert client.get("/api/plans/meetings").json()["count"] == 0
    assert client.get("/api/plans/followups").json()["count"] == 0
    assert client.get("/api/plans/year-reports").json()["count"] == 0


def test_only_the_office_reopens_a_follow_up(client, personas, world, year):
    fu = year["followup"]
    client.force_login(personas.liaison)
    assert client.post(f"/api/plans/followups/{fu.pk}/finish", {}, content_type=JSON).json()["status"] == "done"
    assert client.post(f"/api/plans/followups/{fu.pk}/reopen", {"note": "再看看"}, content_type=JSON).status_code == 403
    client.force_login(world.other_office)
    assert client.post(f"/api/plans/followups/{fu.pk}/reopen", {"note": "再看看"}, content_type=JSON).status_code == 403
    fu.refresh_from_db()
    assert fu.status == "done"
    client.force_login(personas.office)
    assert client.post(f"/api/plans/followups/{fu.pk}/reopen", {"note": "材料不全"}, content_type=JSON).json()["status"] == "open"

