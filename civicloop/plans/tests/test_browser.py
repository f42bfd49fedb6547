"""In a real browser (1280 px): the office drafts the 2020 work points, a member unit comments, the meeting
adopts them; a member unit files a quarterly report with evidence; the year-end completion report shows the
on-time and late projects per unit. Screenshots in test-artifacts/ (plans-*)."""

from __future__ import annotations

import datetime as dt

import pytest

from civicloop.plans import services
from civicloop.plans.models import Plan, PlanComment, ProgressReport
from civicloop.plans.workflow import PROJECT

from .test_workflows import PNG


@pytest.mark.browser
@pytest.mark.django_db(transaction=True)
def test_work_points_comment_adoption_report_and_completion(personas, world, make_browser, tmp_path):
    c = world.committee
    on_time = services.project_create(member=world.health, year=2020, title="“健康进万家”义诊", target_value=24, target_unit="场", target_item="义诊", due_on=dt.date(2020, 6, 30), actor=personas.office)
    PROJECT.run("complete", on_time, actor=personas.office, data={"done_on": "2020-06-20"})
    late = services.project_create(member=world.edu, year=2020, title="“家长学校”讲座", target_value=12, target_unit="场", target_item="讲座", due_on=dt.date(2020, 6, 30), actor=personas.office)
    PROJECT.run("complete", late, actor=personas.office, data={"done_on": "2020-09-01"})
    stations = services.project_create(member=world.health, year=2020, title="建成新时代文明实践站", target_value=6, target_item="实践站", due_on=dt.date(2020, 12, 31), actor=personas.office)

    office = make_browser(1280, 800)
    office.login("office")
    office.go(f"/plans/c/{c.pk}/?year=2020")
    office.page.click("#plans summary")
    office.page.fill("#plan-create input[name=title]", "2020年精神文明建设工作要点")
    office.page.select_option("#plan-create select[name=kind]", "work_points")
    office.page.click("#plan-create button[type=submit]")
    office.page.wait_for_load_state()
    assert "草稿已创建" in office.page.content()
    plan = Plan.objects.get(title="2020年精神文明建设工作要点")
    office.page.fill("#add-item textarea[name=goal]", "推进新时代文明实践所、站全域化")
    office.page.fill("#add-item textarea[name=key_tasks]", "新建实践站不少于10个")
    office.page.fill("#add-item textarea[name=measures]", "联席会按季度调度")
    office.page.fill("#add-item textarea[name=requirements]", "9月底前完成选址")
    office.page.select_option("#add-item select[name=lead]", str(world.health.pk))
    office.page.check(f"#add-item input[name=partners][value='{world.edu.pk}']")
    office.page.click("#add-item button[type=submit]")
    office.page.wait_for_load_state()
    assert "推进新时代文明实践所、站全域化" in office.page.inner_text("#items")
    office.page.click("form.step-circulate button")
    office.page.wait_for_load_state()
    assert "征求意见中" in office.page.inner_text("h1")
    office.shot("plans-plan-circulated-desk")

    member = make_browser(1280, 800)
    member.login("liaison")
    member.go(f"/plans/plan/{plan.pk}/")
    member.page.click("details.step-comment summary")
    member.page.select_option("details.step-comment select[name=item]", index=1)
    member.page.fill("details.step-comment textarea[name=note]", "建议将实践点建设一并纳入")
    member.page.click("details.step-comment button[type=submit]")
    member.page.wait_for_load_state()
    assert "建议将实践点建设一并纳入" in member.page.inner_text("#items")
    assert PlanComment.objects.filter(member=world.health).count() == 1
    member.shot("plans-plan-commented-desk")

    # the office schedules the plenary with the work points on its agenda, and the meeting adopts them
    office.go(f"/plans/c/{c.pk}/meetings/new/")
    office.page.select_option("select[name=kind]", "plenary")
    office.page.fill("input[name=title]", "2020年第一次全体会议")
    office.page.fill("input[name=held_at]", "2020-03-26T15:00")
    office.page.select_option("select[name=mode]", "video")
    office.page.fill("textarea[name=branch_venues]", "昆河镇分会场\n沼潭街道分会场")
    office.page.click("form.form button[type=submit]")
    office.page.wait_for_load_state()
    assert "会议已创建" in office.page.content()
    office.page.click("#agenda summary")
    office.page.fill("#agenda input[name=title]", "审议《2020年精神文明建设工作要点》")
    office.page.select_option("#agenda select[name=link]", f"plan:{plan.pk}")
    office.page.click("#agenda button[type=submit]")
    office.page.wait_for_load_state()
    office.shot("plans-meeting-desk")
    office.page.click("section.adopt button")
    office.page.wait_for_load_state()
    assert "审议通过" in office.page.inner_text("h1")
    plan.refresh_from_db()
    assert plan.status == "adopted" and plan.meeting is not None
    office.page.click("form.step-publish button")
    office.page.wait_for_load_state()
    assert "已印发" in office.page.inner_text("h1")
    assert office.page.locator("#versions tbody tr").count() == 2  # the edit and the adoption
    office.shot("plans-plan-published-desk")

    # the member files its quarterly report with a photo
    photo = tmp_path / "站点.png"
    photo.write_bytes(PNG)
    member.go(f"/plans/project/{stations.pk}/")
    member.page.click("#file-report summary")
    member.page.select_option("#file-report select[name=quarter]", "1")
    member.page.fill("#file-report input[name=figure]", "2")
    member.page.fill("#file-report textarea[name=text]", "建成2个实践站，完成挂牌")
    member.page.select_option("#file-report select[name=on_track]", "1")
    member.page.set_input_files("#file-report input[name=files]", str(photo))
    member.page.click("#file-report button[type=submit]")
    member.page.wait_for_load_state()
    assert "季度进展已报送" in member.page.content()
    assert member.page.locator("#reports td.evidence img").count() == 1
    assert ProgressReport.objects.get(project=stations).evidence.count() == 1
    member.shot("plans-project-report-desk")

    # the year-end completion report: on time and late per unit
    office.go(f"/plans/c/{c.pk}/completion/?year=2020")
    rows = {r.split("\t")[0]: r.split("\t") for r in office.page.locator("#summary tbody tr").all_inner_texts()}
    assert rows["区卫生健康委员会"][2] == "1" and rows["区卫生健康委员会"][1] == "2"
    assert rows["区教育局"][3] == "1"
    assert office.page.locator("#detail tr.on_time").count() == 1 and office.page.locator("#detail tr.late").count() == 1
    office.shot("plans-completion-desk")
    office.go(f"/plans/c/{c.pk}/?year=2020")
    assert office.page.locator("#tracker tr.gap").count() == 2  # neither member has submitted its year report
    office.shot("plans-committee-desk")

    phone = make_browser(390, 844)
    phone.login("liaison")
    phone.go("/plans/")
    phone.shot("plans-home-phone")
    phone.go(f"/plans/project/{stations.pk}/")
    phone.shot("plans-project-phone")
    phone.go(f"/plans/plan/{plan.pk}/")
    phone.shot("plans-plan-phone")
    for b in (office, member, phone):
        assert not b.outside_requests
