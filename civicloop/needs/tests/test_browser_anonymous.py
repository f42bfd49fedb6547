"""A resident without an account scans a station's poster on a phone (390 px) and answers; the questionnaire's
collected count goes up for the staff; the same phone cannot answer twice (issue #13)."""

from __future__ import annotations

import pytest

from civicloop.needs.models import Response


@pytest.mark.browser
@pytest.mark.django_db(transaction=True)
def test_a_resident_without_an_account_answers_a_posters_questionnaire(personas, survey, desk, phone):
    desk.login("station")
    desk.go(f"/needs/surveys/{survey.pk}/")
    assert desk.page.inner_text("#count-collected") == "0"
    desk.go(f"/needs/surveys/{survey.pk}/poster/")
    link = desk.page.inner_text(".poster .url").strip()
    assert f"/needs/s/{survey.token}/" in link

    page = phone.page
    page.goto(link)
    page.wait_for_load_state()
    assert "您正在免登录填写" in page.content() and "/accounts/login/" not in page.url
    page.check("input[type=radio][value=健康义诊]")
    page.check("input[type=radio][value='4']")
    phone.shot("anonymous-survey-form")
    page.click("#answer-form button[type=submit]")
    page.wait_for_load_state()
    assert "谢谢！您的问卷已提交" in page.inner_text("#survey-thanks")
    phone.shot("anonymous-survey-done")

    desk.go(f"/needs/surveys/{survey.pk}/")
    assert desk.page.inner_text("#count-collected") == "1"
    assert desk.page.inner_text("#count-distributed") == "1"

    page.go_back()  # back to the form, and send it again
    page.wait_for_load_state()
    if page.locator("#answer-form").count():
        page.check("input[type=radio][value=健康义诊]")
        page.check("input[type=radio][value='4']")
        page.click("#answer-form button[type=submit]")
        page.wait_for_load_state()
    assert "这台设备已经填写过这份问卷" in page.inner_text("#survey-thanks")
    phone.shot("anonymous-survey-again")
    page.goto(link)
    assert "这台设备已经填写过这份问卷" in page.inner_text("#survey-thanks")
    assert Response.objects.filter(survey=survey).count() == 1
