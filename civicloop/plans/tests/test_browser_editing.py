"""In a real browser (1280 px): the office edits the leading group, changes a member unit's role and corrects a
meeting's attendees; the pages show the new values. Screenshots plans-edit-*."""

from __future__ import annotations

import pytest
from django.utils import timezone

from civicloop.plans import services
from civicloop.plans.models import Member


@pytest.mark.browser
@pytest.mark.django_db(transaction=True)
def test_office_edits_the_committee_members_and_a_meeting(personas, world, desk):
    c = world.committee
    meeting = services.meeting_create(committee=c, kind="plenary", title="全体会议", held_at=timezone.now(), actor=personas.office, attendees=[world.health])
    desk.login("office")
    desk.go(f"/plans/c/{c.pk}/")
    desk.page.click("#committee-edit")
    desk.page.wait_for_load_state()
    desk.page.fill("input[name=head_name]", "李建国")
    desk.page.fill("input[name=head_title]", "区委副书记")
    desk.shot("plans-edit-committee-form")
    desk.page.click("form.form button[type=submit]")
    desk.page.wait_for_load_state()
    assert "文明委信息已保存" in desk.page.content()
    assert "李建国（区委副书记）" in desk.page.inner_text("dl.kv")

    desk.page.click(f"#members a[href='/plans/member/{world.edu.pk}/edit/']")
    desk.page.wait_for_load_state()
    desk.page.select_option("select[name=role]", "lead_group")
    desk.page.fill("input[name=contact_name]", "张晓明")
    desk.page.click("form.form button[type=submit]")
    desk.page.wait_for_load_state()
    assert "成员单位已保存" in desk.page.content()
    row = desk.page.locator("#members tr", has_text="区教育局").inner_text()
    assert "领导小组成员单位" in row and Member.objects.get(pk=world.edu.pk).role == "lead_group"
    assert "张晓明" in row
    desk.shot("plans-edit-members")

    desk.go(f"/plans/meeting/{meeting.pk}/")
    desk.page.click(f"a[href='/plans/meeting/{meeting.pk}/edit/']")
    desk.page.wait_for_load_state()
    desk.page.check(f"input[name=attendees][value='{world.edu.pk}']")
    desk.page.fill("input[name=place]", "区政务服务中心三楼会议室")
    desk.page.click("form.form button[type=submit]")
    desk.page.wait_for_load_state()
    assert "会议已保存" in desk.page.content()
    attending = desk.page.inner_text("dl.kv")
    assert "区教育局" in attending and "区卫生健康委员会" in attending and "区政务服务中心三楼会议室" in attending
    desk.shot("plans-edit-meeting")
