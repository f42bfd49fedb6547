from __future__ import annotations

import pytest

from civicloop.garden import services
from civicloop.garden.models import Comment


@pytest.mark.browser
@pytest.mark.django_db(transaction=True)
def test_message_board_on_a_phone_and_moderation_on_a_desk(personas, phone, desk):
    post = services.post_publish(
        unit=personas.station,
        title="学习强国：新时代文明实践",
        body="本周学习内容，欢迎留言交流学习体会。",
        links="学习强国 | https://www.xuexi.cn/",
        actor=personas.station_staff,
    )
    phone.login("resident")
    phone.go(f"/garden/posts/{post.pk}/")
    phone.page.fill("textarea[name=body]", "学习了，很受教育！")
    phone.page.click("#comment-form button[type=submit]")
    phone.page.wait_for_load_state()
    assert "留言已发表" in phone.page.content()
    phone.page.fill("textarea[name=body]", "网上赌博一夜暴富")
    phone.page.click("#comment-form button[type=submit]")
    phone.page.wait_for_load_state()
    assert "将在工作人员审核后显示" in phone.page.content()
    assert phone.page.evaluate("document.documentElement.scrollWidth") <= 390
    phone.shot("garden-post-phone")

    desk.login("station")
    desk.go("/garden/moderation/")
    assert "网上赌博一夜暴富" in desk.page.content() and "含有敏感词：赌博" in desk.page.content()
    desk.page.fill(".hide-form input[name=reason]", "含违法内容")
    desk.page.click(".hide-form button[type=submit]")
    desk.page.wait_for_load_state()
    assert "留言已隐藏" in desk.page.content()
    held = Comment.objects.get(body="网上赌博一夜暴富")
    assert held.status == "hidden" and held.hidden_reason == "含违法内容"
    # the message's moderation history unfolds in its row of the queue
    desk.go("/garden/moderation/?status=hidden")
    history = desk.page.locator("details.row-history").first
    assert not history.locator(".workflow-timeline").is_visible()
    history.locator("summary").click()
    timeline = history.locator(".workflow-timeline").inner_text()
    assert "隐藏留言" in timeline and "含违法内容" in timeline and "待审核 → 已隐藏" in timeline
    desk.shot("garden-moderation-history-desk")
    desk.go(f"/garden/posts/{post.pk}/")
    desk.shot("garden-post-staff-desk")
    desk.go(f"/garden/units/{personas.station.pk}/")
    assert desk.page.inner_text("#participation").startswith("1")
