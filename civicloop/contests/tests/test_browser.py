"""In a real browser: at 390 px an essay (the guideline warning at 2,100 字, the refusal above the limit with the
count), a photo entry with its caption checks, a nomination and a 点赞; at 1280 px a judge scores blind and the
organiser announces and publishes the results."""

from __future__ import annotations

import pytest

from civicloop.contests import services
from civicloop.contests.models import Entry, Score, Vote
from civicloop.contests.tests.conftest import AUTHOR, CAPTION, jpeg, make_call, nomination_data
from civicloop.contests.workflow import CALL, ENTRY
from civicloop.people.services import user_create
from conftest import PASSWORD

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def _essay(length: int) -> str:
    return ("文明社区建设经验，" * (length // 9 + 1))[:length]


def _fill_author(page) -> None:
    for name, value in AUTHOR.items():
        page.fill(f"[name={name}]", value)


def test_phone_essay_warning_and_refusal(personas, phone):
    call = make_call(personas, "essay")
    phone.login("resident")
    phone.go(f"/contests/c/{call.pk}/")
    phone.shot("contests-call-rules-phone")
    phone.page.click("text=在线投稿")
    phone.page.fill("[name=title]", "小区里的文明新风")
    phone.page.select_option("[name=category]", "文明社区")
    phone.page.fill("[name=body]", _essay(2100))
    _fill_author(phone.page)
    phone.shot("contests-essay-form-phone")
    phone.page.click("button[name=submit]")
    phone.page.wait_for_load_state()
    text = phone.page.inner_text("body")
    assert "正文共 2100 字；以 1800 字以内为宜" in text
    entry = Entry.objects.get(author=personas.resident)
    assert entry.status == "submitted" and f"收稿编号：{entry.number}" in text
    phone.shot("contests-essay-submitted-phone")
    # above the hard limit: refused, with the count, and kept as a draft
    phone.go(f"/contests/c/{call.pk}/enter/")
    phone.page.fill("[name=title]", "太长的稿子")
    phone.page.fill("[name=body]", _essay(3200))
    _fill_author(phone.page)
    phone.page.click("button[name=submit]")
    phone.page.wait_for_load_state()
    text = phone.page.inner_text("body")
    assert "正文共 3200 字，超过了 3000 字的上限" in text
    assert Entry.objects.get(title="太长的稿子").status == "draft"
    phone.shot("contests-essay-refused-phone")


def test_phone_photo_entry_caption_checks(personas, phone):
    call = make_call(personas, "photo")
    phone.login("resident")
    phone.go(f"/contests/c/{call.pk}/enter/")
    phone.page.fill("[name=title]", "春耕春管")
    photo = jpeg()
    phone.page.set_input_files("[name=photo]", {"name": "chungeng.jpg", "mimeType": "image/jpeg",
                                                "buffer": photo.read()})
    phone.page.fill("[name=caption]", "田间地头一派忙碌的春耕春管景象")
    phone.page.click("button[name=submit]")
    phone.page.wait_for_load_state()
    text = phone.page.inner_text("body")
    assert "图片说明缺少" in text and "作者署名" in text and "时间" in text
    entry = Entry.objects.get(author=personas.resident)
    assert entry.status == "draft" and entry.camera == "Canon EOS 80D"
    phone.shot("contests-photo-caption-missing-phone")
    phone.go(f"/contests/e/{entry.pk}/edit/")
    phone.page.fill("[name=caption]", CAPTION)
    phone.page.fill("[name=author_name]", "刘浩军")
    phone.page.fill("[name=author_phone]", "13905961234")
    phone.page.click("button[name=submit]")
    phone.page.wait_for_load_state()
    entry.refresh_from_db()
    assert entry.status == "submitted", phone.page.inner_text("body")
    assert phone.page.locator("figure img").count() == 1
    phone.shot("contests-photo-submitted-phone")


def test_phone_nomination_and_vote(personas, phone):
    call = make_call(personas, "nomination", votes_per_day=2, award_plan={"merit": 2})
    phone.login("resident")
    phone.go(f"/contests/c/{call.pk}/")
    phone.page.click("text=推荐身边好人好事")
    data = nomination_data()
    phone.page.select_option("[name=unit]", str(personas.station.pk))
    for name in ("title", "nominee_name", "nominee_phone", "body"):
        phone.page.fill(f"[name={name}]", data[name])
    phone.page.check("[name=nominee_consent]")
    phone.shot("contests-nomination-form-phone")
    phone.page.click("button[name=submit]")
    phone.page.wait_for_load_state()
    entry = Entry.objects.get(author=personas.resident)
    assert entry.status == "submitted" and entry.nominee_consent
    # the station reviews, the voting opens
    ENTRY.run("admit", entry, actor=personas.station_staff)
    for step in ("close", "start_review", "open_voting"):
        CALL.run(step, call, actor=personas.station_staff)
    phone.go(f"/contests/c/{call.pk}/")
    text = phone.page.inner_text("body")
    assert "王*兰" in text and "王桂兰" not in text and "13904721234" not in text
    phone.page.click(f"#e{entry.pk} button")
    phone.page.wait_for_load_state()
    assert "您的点赞已计入" in phone.page.inner_text("body")
    assert "1 个赞" in phone.page.inner_text(f"#e{entry.pk}")
    phone.page.click(f"#e{entry.pk} button")
    phone.page.wait_for_load_state()
    assert "您今天已为他（她）点过赞了" in phone.page.inner_text("body")
    assert Vote.objects.filter(entry=entry).count() == 1
    phone.shot("contests-vote-phone")


def test_desk_judge_scores_blind_and_organiser_publishes(personas, desk):
    call = make_call(personas, "essay")
    entries = []
    for user in (personas.resident, personas.volunteer):
        e = services.entry_save(call=call, actor=user, data={
            "title": f"{user.full_name}的稿件", "category": "文明社区", "body": _essay(900), **AUTHOR,
            "organisation": "昆河镇第一小学"})
        ENTRY.run("submit", e, actor=user)
        ENTRY.run("admit", e, actor=personas.station_staff)
        entries.append(e)
    CALL.run("close", call, actor=personas.station_staff)
    CALL.run("start_review", call, actor=personas.station_staff)
    services.round_advance(call=call, actor=personas.station_staff, stage="first")
    judge_user = user_create(username="judge", password=PASSWORD, full_name="评委甲")
    judge = services.judge_assign(call=call, stage="first", user=judge_user, actor=personas.station_staff)
    desk.page.on("dialog", lambda dialog: dialog.accept())
    desk.login("judge")
    desk.go("/contests/judge/")
    desk.page.click(f"text={call.title}")
    desk.page.check("[name=confirm]")
    desk.page.click("text=签署声明")
    desk.page.wait_for_load_state()
    desk.shot("contests-judge-list-desk")
    for value, e in zip((88, 76), entries, strict=True):
        desk.page.click(f"text={e.title}")
        desk.page.wait_for_load_state()
        body = desk.page.inner_text("body")
        assert "林小文" not in body and "13905961234" not in body and "昆河镇第一小学" not in body
        assert e.blind_code in body
        if value == 88:
            desk.shot("contests-judge-blind-score-desk")
        for crit in ("content", "craft", "novelty"):
            desk.page.fill(f"[name={crit}]", str(value))
        desk.page.click("text=提交评分")
        desk.page.wait_for_load_state()
    assert Score.objects.filter(judge=judge).count() == 2
    # the organiser ranks, puts the results on notice (no objection period in this test) and publishes
    desk.page.context.clear_cookies()
    desk.login("station")
    desk.go(f"/contests/c/{call.pk}/manage/")
    desk.shot("contests-manage-desk")
    desk.page.click("button:has-text('评定结果并公示')")
    desk.page.wait_for_load_state()
    desk.page.click("button:has-text('发布结果')")
    desk.page.wait_for_load_state()
    call.refresh_from_db()
    assert call.status == "published"
    desk.go(f"/contests/c/{call.pk}/results/")
    text = desk.page.inner_text("body")
    assert "一等奖" in text and "张三的稿件" in text
    desk.shot("contests-results-desk")


def test_screens_of_the_demo_pages(personas, make_browser):
    """Every page once, on the demo story: phone for the public, desk for staff."""
    import datetime as dt
    import random

    from civicloop.contests import demo
    from civicloop.contests.models import Call, MailItem

    demo.seed(rng=random.Random(2019), today=dt.date.today(), scale=0)
    MailItem.objects.create(subject="你好", problem="未找到任何征集活动的标注字样。", raw=b"x",
                            message_id="<x@example.com>")
    essay, photo, good = (Call.objects.get(kind=k) for k in ("essay", "photo", "nomination"))
    phone = make_browser(390, 844)
    phone.go("/contests/")
    phone.shot("contests-list-phone")
    phone.go(f"/contests/c/{photo.pk}/poster/")
    assert phone.page.locator(".qr svg").count() == 1
    phone.shot("contests-poster-phone")
    phone.go(f"/contests/c/{photo.pk}/results/")
    assert "刘浩军" not in phone.page.inner_text("body") and "一等奖" in phone.page.inner_text("body")
    phone.shot("contests-photo-results-phone")
    printed = photo.entries.get(title="春耕春管")
    phone.go(f"/contests/verify/{printed.certificate_code}/")
    assert "此证书真实有效" in phone.page.inner_text("body")
    phone.shot("contests-verify-phone")
    phone.go(f"/contests/c/{good.pk}/")
    phone.shot("contests-good-deeds-voting-phone")
    desk = make_browser(1280, 800)
    desk.login("office")
    for name, path in (
        ("manage-list", "/contests/manage/"),
        ("call-new", "/contests/manage/new/"),
        ("essay-manage", f"/contests/c/{essay.pk}/manage/"),
        ("mail-queue", "/contests/mail/"),
        ("good-deeds-votes", f"/contests/c/{good.pk}/votes/?threshold=15"),
    ):
        response = desk.go(path)
        assert response.status == 200, path
        desk.shot(f"contests-{name}-desk")
    assert "10.99.0.7" in desk.page.inner_text("body")
    # the station discounts the burst with a reason, from the burst's own link
    desk.page.click("td a:has-text('剔除')")
    assert desk.page.input_value("[name=ip]") == "10.99.0.7"
    desk.page.fill("[name=reason]", "同一地址一分钟内 20 个新账号集中点赞")
    desk.page.click("form.form button[type=submit]")
    desk.page.wait_for_load_state()
    assert "已剔除 20 个点赞" in desk.page.inner_text("body")
    desk.shot("contests-good-deeds-discounted-desk")
