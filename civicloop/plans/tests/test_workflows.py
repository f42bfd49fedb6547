"""The committee's year through its services and declared workflows: the plan from draft to published with
comments and versions, projects with quarterly reports and a platform figure, 述职 and follow-ups."""

from __future__ import annotations

import datetime as dt

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import timezone

from civicloop.core.exceptions import Conflict
from civicloop.notify.models import Notification
from civicloop.plans import selectors, services
from civicloop.plans.models import Evidence, PlanComment, PlanVersion, Project
from civicloop.plans.workflow import FOLLOW_UP, PLAN, PROJECT, YEAR_REPORT

pytestmark = pytest.mark.django_db

PNG = (
    b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR\x00\x00\x00\x01\x00\x00\x00\x01\x08\x06\x00\x00\x00\x1f\x15\xc4\x89"
    b"\x00\x00\x00\rIDATx\x9cc\xf8\x0f\x00\x00\x01\x01\x00\x05\x18\xd8N\x00\x00\x00\x00IEND\xaeB`\x82"
)


def _meeting(world, personas, kind="plenary"):
    return services.meeting_create(
        committee=world.committee, kind=kind, title="2020年第一次全体会议", held_at=timezone.now(),
        actor=personas.office, attendees=[world.health, world.edu],
    )


def test_plan_drafted_circulated_commented_adopted_published_with_versions(personas, world):
    plan = services.plan_create(committee=world.committee, year=2020, kind="work_points", title="2020年精神文明建设工作要点", actor=personas.office)
    with pytest.raises(ValidationError):  # nothing to circulate yet
        PLAN.run("circulate", plan, actor=personas.office)
    item = services.plan_item_save(
        plan=plan, actor=personas.office, goal="推进实践所站全域化", key_tasks="新建实践站", measures="联席会推进",
        requirements="年底前完成", lead=world.health, partners=[world.edu],
    )
    PLAN.run("circulate", plan, actor=personas.office)
    assert Notification.objects.filter(kind="plan_circulated", recipient=personas.liaison).exists()
    # a member comments on an item; the office, a non-member and a sibling district cannot
    PLAN.run("comment", plan, actor=personas.liaison, data={"item": item.pk, "note": "建议增加健康义诊"})
    for outsider in (world.sci_user, world.other_office, personas.resident):
        with pytest.raises(PermissionDenied):
            PLAN.run("comment", plan, actor=outsider, data={"item": item.pk, "note": "x"})
    comment = PlanComment.objects.get()
    assert (comment.member, comment.text) == (world.health, "建议增加健康义诊")
    # edits during circulation keep a version each
    services.plan_item_save(plan=plan, item=item, actor=personas.office, goal="推进实践所站全域化（修改）", lead=world.health)
    meeting = _meeting(world, personas)
    foreign = services.meeting_create(committee=world.other_committee, kind="plenary", title="青山区会议", held_at=timezone.now(), actor=world.other_office)
    with pytest.raises(ValidationError):
        PLAN.run("adopt", plan, actor=personas.office, data={"meeting": foreign.pk})
    PLAN.run("adopt", plan, actor=personas.office, data={"meeting": meeting.pk})
    plan.refresh_from_db()
    assert (plan.status, plan.meeting, plan.edition) == ("adopted", meeting, 3)
    versions = list(PlanVersion.objects.filter(plan=plan).values_list("number", "reason"))
    assert versions == [(1, "edited"), (2, "edited"), (3, "adopted")]
    assert PlanVersion.objects.get(number=3).items[0]["goal"] == "推进实践所站全域化（修改）"
    with pytest.raises(Conflict):
        services.plan_item_save(plan=plan, actor=personas.office, goal="迟到的条目")
    PLAN.run("publish", plan, actor=personas.office)
    plan.refresh_from_db()
    assert plan.status == "published" and plan.published_at is not None


def test_member_files_quarterly_reports_with_evidence_and_the_project_moves(personas, world):
    project = services.project_create(
        member=world.health, year=2020, title="建成新时代文明实践站", target_value=6, target_item="实践站",
        due_on=dt.date(2020, 12, 31), actor=personas.liaison,
    )
    assert project.target_text == "6 个实践站"
    photo = SimpleUploadedFile("站点.png", PNG, content_type="image/png")
    services.progress_report_file(project=project, quarter=1, figure=2, text="建成2个站", on_track=True, actor=personas.liaison, files=[photo])
    project.refresh_from_db()
    assert (project.status, project.achieved) == ("on_track", 2)
    assert Evidence.objects.get().file.storage.location.endswith("private")
    with pytest.raises(ValidationError):  # one report a quarter
        services.progress_report_file(project=project, quarter=1, figure=3, text="x", on_track=True, actor=personas.liaison)
    with pytest.raises(ValidationError):
        bad = SimpleUploadedFile("x.exe", b"MZ", content_type="application/octet-stream")
        services.progress_report_file(project=project, quarter=2, figure=3, text="x", on_track=True, actor=personas.liaison, files=[bad])
    for outsider in (world.edu_user, world.sci_user, world.other_office, personas.resident):
        with pytest.raises(PermissionDenied):
            services.progress_report_file(project=project, quarter=2, figure=3, text="x", on_track=True, actor=outsider)
    services.progress_report_file(project=project, quarter=2, figure=3, text="施工延误", on_track=False, actor=personas.liaison)
    project.refresh_from_db()
    assert project.status == "late" and project.reports.count() == 2
    with pytest.raises(PermissionDenied):  # only the office drops a project
        PROJECT.run("drop", project, actor=personas.liaison, data={"note": "不做了"})
    PROJECT.run("complete", project, actor=personas.liaison, data={"done_on": "2020-11-30"})
    project.refresh_from_db()
    assert (project.status, project.done_on) == ("done", dt.date(2020, 11, 30))
    with pytest.raises(Conflict):
        services.progress_report_file(project=project, quarter=4, figure=6, text="x", on_track=True, actor=personas.liaison)


def test_platform_figure_moves_when_an_activity_is_held(personas, world):
    from civicloop.activities import services as activities

    year = timezone.localdate().year
    project = services.project_create(
        member=world.health, year=year, title="开展文明实践活动", target_value=60, target_unit="场",
        target_item="活动", metric="activities", due_on=dt.date(year, 12, 31), actor=personas.office,
    )
    before = selectors.project_figure(project)
    now = timezone.now()
    activity = activities.activity_create(
        unit=personas.station, actor=personas.station_staff, category="health", title="健康义诊", place="活动室",
        starts_at=now - dt.timedelta(hours=1), ends_at=now + dt.timedelta(hours=1), roles=[("志愿者", 3)],
    )
    activities.activity_publish(activity=activity, actor=personas.station_staff)
    activities.activity_close(activity=activity, actor=personas.station_staff, people_served=20, summary="顺利")
    assert selectors.project_figure(project) == before + 1
    # a report takes the platform's figure when none is typed
    report = services.progress_report_file(project=project, quarter=1, figure=None, text="按计划", on_track=True, actor=personas.liaison)
    assert report.figure == report.platform_figure == before + 1


def test_completion_report_counts_on_time_and_late_per_unit(personas, world):
    def project(member, title, due, done=None):
        p = services.project_create(member=member, year=2020, title=title, target_value=1, due_on=due, actor=personas.office)
        if done:
            PROJECT.run("complete", p, actor=personas.office, data={"done_on": done.isoformat()})
        return p

    project(world.health, "按期", dt.date(2020, 6, 30), dt.date(2020, 6, 1))
    project(world.health, "逾期完成", dt.date(2020, 6, 30), dt.date(2020, 8, 1))
    project(world.edu, "未完成", dt.date(2020, 6, 30))
    report = selectors.completion(world.committee, 2020, world.committee.members.all(), today=dt.date(2021, 1, 5))
    by_unit = {u.member.unit.name: (u.on_time, u.late) for u in report.units}
    assert by_unit == {"区卫生健康委员会": (1, 1), "区教育局": (0, 1)}
    assert report.totals["total"] == 3


def test_year_report_submitted_presented_scored_and_tracked(personas, world):
    report = services.year_report_save(member=world.health, year=2019, text="2019年述职报告", actor=personas.liaison)
    with pytest.raises(PermissionDenied):
        services.year_report_save(member=world.health, year=2019, text="冒名", actor=world.edu_user)
    with pytest.raises(PermissionDenied):
        YEAR_REPORT.run("submit", report, actor=personas.office)
    YEAR_REPORT.run("submit", report, actor=personas.liaison)
    assert Notification.objects.filter(kind="plans_year_report", recipient=personas.office).exists()
    tracker = dict(selectors.report_tracker(world.committee, 2019))
    assert tracker[world.health].status == "submitted" and tracker[world.edu] is None
    meeting = _meeting(world, personas)
    YEAR_REPORT.run("present", report, actor=personas.office, data={"meeting": meeting.pk})
    with pytest.raises(ValidationError):
        YEAR_REPORT.run("score", report, actor=personas.office, data={"score": "101"})
    YEAR_REPORT.run("score", report, actor=personas.office, data={"score": "92.5"})
    report.refresh_from_db()
    assert (report.status, str(report.score), report.meeting) == ("scored", "92.5", meeting)


def test_followup_is_a_task_of_its_owner(personas, world):
    meeting = _meeting(world, personas, kind="joint")
    followup = services.followup_add(meeting=meeting, owner=world.health, title="报送试点总结", due_on=dt.date(2020, 3, 1), actor=personas.office)
    assert Notification.objects.filter(kind="plans_followup", recipient=personas.liaison).exists()
    assert list(selectors.open_followups(world.committee.members.filter(pk=world.health.pk))) == [followup]
    with pytest.raises(PermissionDenied):
        FOLLOW_UP.run("finish", followup, actor=world.edu_user)
    with pytest.raises(PermissionDenied):
        services.followup_add(meeting=meeting, owner=world.health, title="x", due_on=dt.date(2020, 3, 1), actor=personas.liaison)
    FOLLOW_UP.run("finish", followup, actor=personas.liaison, data={"note": "已报送"})
    followup.refresh_from_db()
    assert followup.status == "done" and not selectors.open_followups(world.committee.members.all()).exists()


def test_members_must_be_under_the_committee_and_refusals_write_nothing(personas, world):
    sibling_root = world.other_committee.unit
    with pytest.raises(ValidationError):
        services.member_add(committee=world.committee, unit=sibling_root, actor=personas.office)
    with pytest.raises(ValidationError):
        services.member_add(committee=world.committee, unit=personas.department, actor=personas.office)
    with pytest.raises(PermissionDenied):
        services.member_add(committee=world.committee, unit=personas.station, actor=world.other_office)
    with pytest.raises(ValidationError):
        services.project_create(member=world.edu, year=2020, title="x", target_value=0, due_on=dt.date(2020, 1, 1), actor=personas.office)
    assert Project.objects.count() == 0


def test_completion_report_as_pdf_and_excel(personas, world):
    import io

    from openpyxl import load_workbook

    from civicloop.plans import exports

    p = services.project_create(member=world.health, year=2020, title="建成实践站", target_value=6, target_item="实践站", due_on=dt.date(2020, 6, 30), actor=personas.office)
    PROJECT.run("complete", p, actor=personas.office, data={"done_on": "2020-06-01"})
    report = selectors.completion(world.committee, 2020, world.committee.members.all(), today=dt.date(2021, 1, 5))
    pdf = exports.completion_pdf(report)
    assert pdf.startswith(b"%PDF") and len(pdf) > 1000
    wb = load_workbook(io.BytesIO(exports.completion_xlsx(report)))
    rows = list(wb.worksheets[0].iter_rows(values_only=True))
    assert rows[2][:3] == ("区卫生健康委员会", 1, 1)
    assert list(wb.worksheets[1].iter_rows(values_only=True))[1][1] == "建成实践站"
