from __future__ import annotations

import datetime as dt

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse

from civicloop.core.exceptions import Conflict
from civicloop.needs import selectors, services
from civicloop.needs.models import Question, Response, Survey
from civicloop.needs.tests.conftest import answers_for

pytestmark = pytest.mark.django_db


def test_staff_builds_a_questionnaire_on_the_page(client, personas, rnd):
    client.force_login(personas.station_staff)
    response = client.post(
        reverse("needs:survey_create"),
        {"unit": personas.station.pk, "round": rnd.pk, "title": "居民需求问卷"},
        follow=True,
    )
    survey = Survey.objects.get(title="居民需求问卷")
    assert "问卷已创建" in response.content.decode()
    url = reverse("needs:survey_detail", args=[survey.pk])
    response = client.post(
        url,
        {
            "action": "question",
            "qn-kind": "single",
            "qn-text": "最需要的服务",
            "qn-options": "只有一个",
            "qn-required": "on",
        },
    )
    assert "选择题至少需要两个选项" in response.content.decode()
    client.post(
        url,
        {
            "action": "question",
            "qn-kind": "single",
            "qn-text": "最需要的服务",
            "qn-options": "健康\n文化",
            "qn-required": "on",
        },
    )
    client.post(url, {"action": "question", "qn-kind": "text", "qn-text": "其他建议"})
    assert [(q.kind, q.required) for q in survey.questions.all()] == [("single", True), ("text", False)]
    response = client.post(url, {"action": "publish"}, follow=True)
    assert "问卷已发布" in response.content.decode()
    survey.refresh_from_db()
    assert survey.status == "open"
    response = client.post(url, {"action": "question", "qn-kind": "text", "qn-text": "再加一题"}, follow=True)
    assert "问卷发布后不能再修改题目" in response.content.decode()
    assert survey.questions.count() == 2


def test_publishing_an_empty_questionnaire_is_refused(personas):
    s = services.survey_create(unit=personas.station, title="空问卷", actor=personas.station_staff)
    with pytest.raises(ValidationError):
        services.survey_publish(survey=s, actor=personas.station_staff)


def test_resident_answers_once(client, personas, survey):
    client.force_login(personas.resident)
    url = reverse("needs:survey_answer", args=[survey.token])
    page = client.get(url).content.decode()
    assert "您最需要哪类服务？" in page
    q = list(survey.questions.all())
    data = {
        f"q{q[0].pk}": "健康义诊",
        f"q{q[1].pk}": ["周末上午", "周末下午"],
        f"q{q[2].pk}": "4",
        f"q{q[3].pk}": "希望多组织健康讲座",
    }
    response = client.post(url, data)
    assert "谢谢！您的问卷已提交" in response.content.decode()
    again = client.post(url, data)
    assert "您已经填写过这份问卷" in again.content.decode()
    assert Response.objects.filter(survey=survey).count() == 1
    with pytest.raises(Conflict):
        services.response_submit(survey=survey, respondent=personas.resident, answers=answers_for(survey))


def test_required_question_left_empty_is_refused_and_nothing_written(client, personas, survey):
    client.force_login(personas.resident)
    q = list(survey.questions.all())
    response = client.post(
        reverse("needs:survey_answer", args=[survey.token]),
        {f"q{q[1].pk}": "周末上午", f"q{q[3].pk}": "多办活动"},
    )
    body = response.content.decode()
    assert response.status_code == 400
    assert "“您最需要哪类服务？”为必答题，请作答。" in body
    assert "“您对社区服务的满意度”为必答题，请作答。" in body
    # What was typed is kept so the resident does not start over.
    assert "多办活动" in body
    assert not Response.objects.exists()


def test_bad_values_are_refused(personas, survey):
    q = list(survey.questions.all())
    with pytest.raises(ValidationError) as exc:
        services.response_submit(
            survey=survey, respondent=personas.resident, answers={q[0].pk: ["不存在的选项"], q[2].pk: ["9"]}
        )
    text = " ".join(exc.value.messages)
    assert "请从给出的选项中选择" in text and "请打1到5分" in text
    assert not Response.objects.exists()


def test_draft_or_closed_questionnaire_cannot_be_answered(client, personas, survey):
    services.survey_close(survey=survey, actor=personas.station_staff)
    client.force_login(personas.resident)
    response = client.get(reverse("needs:survey_answer", args=[survey.token]))
    assert response.status_code == 409 and "该问卷目前不接受作答" in response.content.decode()


def test_outsiders_and_other_stations_cannot_answer(client, personas, survey):
    for user in (personas.outsider, personas.sibling):
        client.force_login(user)
        assert client.get(reverse("needs:survey_answer", args=[survey.token])).status_code == 403
    client.logout()
    # Without an account the poster's link works unless the owner requires signing in (issue #13).
    assert client.get(reverse("needs:survey_answer", args=[survey.token])).status_code == 200
    services.survey_options_set(survey=survey, allow_anonymous=False, ask_phone=False, actor=personas.station_staff)
    response = client.get(reverse("needs:survey_answer", args=[survey.token]))
    assert response.status_code == 302 and "/accounts/login/" in response.url


def test_paper_copies_and_counts(client, personas, survey):
    services.response_submit(survey=survey, respondent=personas.resident, answers=answers_for(survey))
    client.force_login(personas.station_staff)
    detail = reverse("needs:survey_detail", args=[survey.pk])
    response = client.post(detail, {"action": "paper", "paper_distributed": "-3"})
    assert response.status_code == 200
    assert survey.__class__.objects.get(pk=survey.pk).paper_distributed == 0
    client.post(detail, {"action": "paper", "paper_distributed": "20"})
    q = list(survey.questions.all())
    response = client.post(
        reverse("needs:survey_paper", args=[survey.pk]),
        {f"q{q[0].pk}": "文化活动", f"q{q[2].pk}": "3"},
        follow=True,
    )
    assert "纸质答卷已录入" in response.content.decode()
    response = client.post(reverse("needs:survey_paper", args=[survey.pk]), {f"q{q[0].pk}": "文化活动"})
    assert "为必答题" in response.content.decode()
    survey.refresh_from_db()
    counts = selectors.survey_counts(survey)
    assert counts == {"online": 1, "paper": 1, "paper_distributed": 20, "distributed": 21, "collected": 2}
    page = client.get(detail).content.decode()
    assert 'id="count-distributed">21<' in page and 'id="count-collected">2<' in page
    with pytest.raises(ValidationError):
        services.survey_set_paper_distributed(survey=survey, count=0, actor=personas.station_staff)


def test_results_have_bar_charts_and_keywords(client, personas, survey):
    services.response_submit(
        survey=survey,
        respondent=personas.resident,
        answers=answers_for(survey, text="希望增加健康讲座和健康体检"),
    )
    services.response_enter_paper(
        survey=survey,
        answers=answers_for(survey, single="文化活动", rating="4", text="健康讲座太少"),
        actor=personas.station_staff,
    )
    client.force_login(personas.station_staff)
    body = client.get(reverse("needs:survey_results", args=[survey.pk])).content.decode()
    assert body.count("<svg") >= 3
    assert "健康义诊: 1" in body and "文化活动: 1" in body
    assert "平均分" in body and "4.5" in body
    assert "健康" in body and "讲座" in body


def test_poster_has_a_qr_code_and_print_css(client, personas, survey):
    client.force_login(personas.station_staff)
    body = client.get(reverse("needs:survey_poster", args=[survey.pk])).content.decode()
    assert "<svg" in body and "css/pages/needs-survey-poster.css" in body  # print CSS is a static file (CSP)
    from pathlib import Path

    from django.contrib.staticfiles import finders

    css = Path(finders.find("css/pages/needs-survey-poster.css")).read_text(encoding="utf-8")
    assert "@page" in css and "size: A4" in css
    assert str(survey.token) in body and "请用手机扫码填写问卷" in body


@pytest.mark.parametrize(
    "name", ["needs:survey_detail", "needs:survey_poster", "needs:survey_results", "needs:survey_paper"]
)
@pytest.mark.parametrize("persona", ["sibling", "outsider", "resident", "volunteer"])
def test_survey_staff_pages_refuse_others(client, personas, survey, name, persona):
    client.force_login(getattr(personas, persona))
    assert client.get(reverse(name, args=[survey.pk])).status_code == 403
    assert client.post(reverse(name, args=[survey.pk]), {"action": "close"}).status_code == 403
    survey.refresh_from_db()
    assert survey.status == "open"


@pytest.mark.parametrize("persona", ["station_staff", "institute_staff", "office"])
def test_survey_detail_allowed_up_the_tree(client, personas, survey, persona):
    client.force_login(getattr(personas, persona))
    assert client.get(reverse("needs:survey_detail", args=[survey.pk])).status_code == 200


def test_survey_list_query_count(client, personas, django_assert_max_num_queries):
    for i in range(15):
        services.survey_create(unit=personas.station, title=f"问卷{i}", actor=personas.station_staff)
    client.force_login(personas.station_staff)
    with django_assert_max_num_queries(14):
        body = client.get(reverse("needs:survey_list")).content.decode()
    assert "问卷14" in body


def test_api_answer_once_and_required(client, personas, survey):
    client.force_login(personas.resident)
    q = list(survey.questions.all())
    url = f"/api/needs/surveys/by-token/{survey.token}/answer"
    missing = client.post(url, {"answers": {str(q[1].pk): ["周末上午"]}}, content_type="application/json")
    assert missing.status_code == 400 and "必答题" in missing.json()["detail"]
    ok = client.post(
        url, {"answers": {str(q[0].pk): "健康义诊", str(q[2].pk): 5}}, content_type="application/json"
    )
    assert ok.status_code == 201
    twice = client.post(
        url, {"answers": {str(q[0].pk): "健康义诊", str(q[2].pk): 5}}, content_type="application/json"
    )
    assert twice.status_code == 409 and "已经填写过" in twice.json()["detail"]
    client.force_login(personas.outsider)
    assert client.get(f"/api/needs/surveys/by-token/{survey.token}").status_code == 403
    assert client.get("/api/needs/surveys").json()["count"] == 0
    client.force_login(personas.station_staff)
    rows = client.get("/api/needs/surveys").json()["items"]
    assert rows[0]["collected"] == 1 and rows[0]["distributed"] == 1


def test_analysis_counts_keywords_and_unmet(client, personas, rnd, survey):
    need = services.need_record(
        round=rnd,
        unit=personas.station,
        description="老年人希望学习智能手机",
        category="education",
        focus_group="empty_nest_elderly",
        actor=personas.station_staff,
    )
    services.need_update(
        need=need,
        actor=personas.station_staff,
        category="education",
        focus_group="empty_nest_elderly",
        description=need.description,
        status="unmet",
        unmet_reason="缺老师",
    )
    services.need_record(
        round=rnd,
        unit=personas.point,
        description="智能手机使用培训",
        category="education",
        actor=personas.station_staff,
    )
    services.response_submit(
        survey=survey, respondent=personas.resident, answers=answers_for(survey, text="智能手机培训")
    )
    client.force_login(personas.institute_staff)
    url = reverse("needs:analysis") + f"?unit={personas.institute.pk}&start=2026-01-01&end=2026-12-31"
    body = client.get(url).content.decode()
    assert "智能手机" in body and "<svg" in body
    data = selectors.needs_analysis(personas.institute, dt.date(2026, 1, 1), dt.date(2026, 12, 31))
    assert data["total"] == 2 and data["by_status"]["unmet"] == 1
    assert data["by_unit"] == [("万和阳光社区新时代文明实践站", 2)]
    assert data["keywords"][0][0] == "智能手机"
    assert [n.description for n in data["unmet"]] == ["老年人希望学习智能手机"]
    bad = client.get(
        reverse("needs:analysis") + f"?unit={personas.institute.pk}&start=2026-12-01&end=2026-01-01"
    )
    assert "结束日期不能早于开始日期" in bad.content.decode()
    client.force_login(personas.sibling)
    refused = client.get(url)
    assert refused.status_code == 200 and "智能手机" not in refused.content.decode()


def test_question_kinds_are_checked(personas):
    s = services.survey_create(unit=personas.station, title="问卷", actor=personas.station_staff)
    with pytest.raises(ValidationError):
        services.question_add(survey=s, kind="essay", text="x", required=True, actor=personas.station_staff)
    q = services.question_add(
        survey=s,
        kind=Question.Kind.RATING,
        text="打分",
        required=True,
        options="a\nb",
        actor=personas.station_staff,
    )
    assert q.options == []


def test_needs_api_is_scoped(client, personas, rnd, survey):
    assert client.get("/api/needs/rounds").status_code == 401
    for persona in ("outsider", "resident", "sibling"):
        client.force_login(getattr(personas, persona))
        assert client.get("/api/needs/rounds").json()["count"] == 0
        assert client.get("/api/needs/surveys").json()["count"] == 0
        assert client.post(f"/api/needs/rounds/{rnd.pk}/close").status_code == 403
    rnd.refresh_from_db()
    assert rnd.status == "open"
    client.force_login(personas.resident)
    detail = client.get(f"/api/needs/surveys/by-token/{survey.token}").json()
    assert [q["kind"] for q in detail["questions"]] == ["single", "multiple", "rating", "text"]
