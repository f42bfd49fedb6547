"""The loop in a browser: a round, a questionnaire, three residents on phones, paper copies, analysis, next round."""

from __future__ import annotations

import pytest

from civicloop.needs.models import Need, NeedsRound, Response, Survey
from conftest import PASSWORD


@pytest.mark.browser
@pytest.mark.django_db(transaction=True)
def test_round_questionnaire_analysis_and_next_round(personas, desk, make_browser):
    from civicloop.people import services as people

    people.resident_register(
        username="resident2",
        password=PASSWORD,
        name="李四",
        phone="13812345678",
        unit=personas.station,
        consent=True,
    )
    people.resident_register(
        username="resident3",
        password=PASSWORD,
        name="王五",
        phone="13812345679",
        unit=personas.point,
        consent=True,
    )
    page = desk.page

    # Staff open a round.
    desk.login("station")
    desk.go("/needs/rounds/new/")
    page.select_option("select[name=unit]", str(personas.station.pk))
    page.fill("input[name=title]", "万和阳光社区2026年需求征集")
    page.fill("input[name=starts_on]", "2026-01-01")
    page.fill("input[name=ends_on]", "2026-12-31")
    page.check("input[name=target_groups][value=empty_nest_elderly]")
    page.click("form.form button[type=submit]")
    page.wait_for_load_state()
    assert "需求征集已开始" in page.content()
    rnd = NeedsRound.objects.get(title="万和阳光社区2026年需求征集")

    # A need recorded by staff, to be left unmet.
    page.select_option("#need-form select[name=unit]", str(personas.station.pk))
    page.select_option("#need-form select[name=category]", "education")
    page.fill("#need-form textarea[name=description]", "老年人学习智能手机使用")
    page.click("#need-form button[type=submit]")
    page.wait_for_load_state()
    assert "需求已登记" in page.content()

    # Staff build a questionnaire for the round.
    page.click("text=新建问卷")
    page.wait_for_load_state()
    assert page.input_value("select[name=unit]") == str(personas.station.pk)
    page.fill("input[name=title]", "居民需求调查问卷")
    page.click("form.form button[type=submit]")
    page.wait_for_load_state()
    for kind, text, options in (
        ("single", "您最需要哪类服务？", "健康义诊\n文化活动\n理论宣讲"),
        ("rating", "您对社区服务的满意度", ""),
        ("text", "您还有什么需求？", ""),
    ):
        page.select_option("select[name=qn-kind]", kind)
        page.fill("input[name=qn-text]", text)
        page.fill("textarea[name=qn-options]", options)
        page.click("#question-form button[type=submit]")
        page.wait_for_load_state()
    assert page.locator("#questions > li").count() == 3
    page.click("#publish-form button[type=submit]")
    page.wait_for_load_state()
    assert "问卷已发布" in page.content()
    link = page.input_value("#answer-link")
    desk.shot("needs-survey-detail-desk")
    survey = Survey.objects.get(title="居民需求调查问卷")

    # Three residents answer on phone-sized screens; the first tries to skip a required question.
    texts = {
        "resident": "希望多开展健康讲座",
        "resident2": "希望有健康讲座和义诊",
        "resident3": "孩子放学后没人看护",
    }
    for i, (username, text) in enumerate(texts.items()):
        phone = make_browser(390, 844)
        phone.login(username)
        phone.page.goto(link)
        if i == 0:
            phone.page.fill("textarea", text)
            phone.page.click("#answer-form button[type=submit]")
            phone.page.wait_for_load_state()
            assert "“您最需要哪类服务？”为必答题，请作答。" in phone.page.content()
            phone.shot("needs-survey-required-phone")
        phone.page.check(
            "input[type=radio][value=健康义诊]" if i < 2 else "input[type=radio][value=文化活动]"
        )
        phone.page.check(f"input[type=radio][value='{5 - i}']")
        phone.page.fill("textarea", text)
        if i == 0:
            phone.shot("needs-survey-answer-phone")
        phone.page.click("#answer-form button[type=submit]")
        phone.page.wait_for_load_state()
        assert "谢谢！您的问卷已提交" in phone.page.content()
        # Answering twice is refused.
        phone.page.goto(link)
        assert "您已经填写过这份问卷" in phone.page.content()
        width = phone.page.evaluate("document.documentElement.scrollWidth")
        assert width <= 390, f"phone page scrolls sideways ({width}px)"
    assert Response.objects.filter(survey=survey, channel="online").count() == 3

    # Staff enter 20 paper copies handed out.
    page.reload()
    page.fill("#paper-form input[name=paper_distributed]", "20")
    page.click("#paper-form button[type=submit]")
    page.wait_for_load_state()
    assert page.inner_text("#count-distributed") == "23"
    assert page.inner_text("#count-collected") == "3"

    # Results with a chart.
    page.click("text=统计结果")
    page.wait_for_load_state()
    assert page.locator("svg.chart").count() >= 2
    assert "健康义诊: 2" in page.content()
    desk.shot("needs-survey-results-desk")

    # The analysis shows counts, the chart and the keywords.
    desk.go(f"/needs/analysis/?unit={personas.station.pk}&start=2026-01-01&end=2026-12-31")
    assert page.locator("#analysis-totals .stat b").first.inner_text() == "1"
    assert page.locator("svg.chart").count() >= 3
    keywords = page.inner_text("#keywords")
    assert "健康" in keywords and "讲座" in keywords
    desk.shot("needs-analysis-desk")

    # The need is unmet; closing the round drafts the next one from it.
    need = Need.objects.get(round=rnd)
    desk.go(f"/needs/needs/{need.pk}/edit/")
    page.select_option("select[name=status]", "unmet")
    page.fill("input[name=unmet_reason]", "缺少授课志愿者")
    page.click("form.form button[type=submit]")
    page.wait_for_load_state()
    page.once("dialog", lambda d: d.accept())
    page.click("#close-form button[type=submit]")
    page.wait_for_load_state()
    assert "下一轮需求征集已生成" in page.content()
    assert "老年人学习智能手机使用" in page.inner_text("#needs-table")
    desk.shot("needs-next-round-desk")
    nxt = NeedsRound.objects.get(drafted_from=rnd)
    assert nxt.status == "open" and list(nxt.needs.values_list("description", flat=True)) == [
        "老年人学习智能手机使用"
    ]
    rnd.refresh_from_db()
    assert rnd.status == "closed"
