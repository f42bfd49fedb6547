"""Questionnaires answered without an account from the poster's link (issue #13): once per device and per mobile,
rate-limited per IP, counted as distributed and collected, and only where the owner allows it."""

from __future__ import annotations

import pytest
from django.test import Client

from civicloop.audit.models import AuditEvent
from civicloop.needs import selectors, services
from civicloop.needs.models import Response, Survey
from civicloop.needs.tests.conftest import answers_for
from civicloop.stats.models import Counter

pytestmark = pytest.mark.django_db
BASE = "/api/needs"
JSON = "application/json"
DEVICE = "device-0123456789abcdef"


def _post(survey: Survey, **extra: str) -> dict[str, list[str] | str]:
    q = list(survey.questions.all())
    return {f"q{q[0].pk}": "健康义诊", f"q{q[2].pk}": "4", **extra}


def _collected(survey: Survey) -> int:
    return selectors.survey_counts(survey)["collected"]


def test_a_visitor_without_an_account_answers_once_per_device(survey):
    client = Client()
    url = f"/needs/s/{survey.token}/"
    page = client.get(url)
    assert page.status_code == 200 and "您正在免登录填写" in page.content.decode()
    done = client.post(url, _post(survey))
    assert done.status_code == 200 and "您的问卷已提交" in done.content.decode()
    response = Response.objects.get(survey=survey)
    assert response.respondent is None and response.channel == "online" and len(response.device_hash) == 64
    counts = selectors.survey_counts(survey)
    assert counts["collected"] == 1 and counts["distributed"] == 1
    from django.db.models import Sum

    figures = (
        Counter.objects.filter(metric="survey_responses", unit_path=survey.unit_path, dim="online")
        .aggregate(n=Sum("value"))["n"]
    )
    assert figures == 1  # the office's figures count it too
    again = client.get(url)
    assert "这台设备已经填写过这份问卷" in again.content.decode()
    second = client.post(url, _post(survey))
    assert "这台设备已经填写过这份问卷" in second.content.decode() and _collected(survey) == 1
    assert AuditEvent.objects.filter(action="survey_answer", actor=None, outcome="ok").count() == 1


def test_missing_answers_write_nothing(survey):
    client = Client()
    bad = client.post(f"/needs/s/{survey.token}/", {})
    assert bad.status_code == 400 and "为必答题" in bad.content.decode()
    assert not Response.objects.exists()


def test_one_answer_per_mobile_when_the_survey_asks_for_one(survey, personas):
    services.survey_options_set(survey=survey, allow_anonymous=True, ask_phone=True, actor=personas.station_staff)
    url = f"/needs/s/{survey.token}/"
    first = Client()
    assert 'name="phone"' in first.get(url).content.decode()
    no_phone = first.post(url, _post(survey))
    assert no_phone.status_code == 400 and "11位手机号码" in no_phone.content.decode()
    assert first.post(url, _post(survey, phone="137 0000 0001")).status_code == 200
    other_device = Client().post(url, _post(survey, phone="13700000001"))
    assert other_device.status_code == 409 and "这个手机号码已经填写过" in other_device.content.decode()
    assert Response.objects.filter(survey=survey).count() == 1
    assert "13700000001" not in Response.objects.get().phone_hash


def test_the_owner_can_require_signing_in(survey, personas):
    services.survey_options_set(survey=survey, allow_anonymous=False, ask_phone=False, actor=personas.station_staff)
    page = Client().get(f"/needs/s/{survey.token}/")
    assert page.status_code == 302 and page["Location"].startswith("/accounts/login/")
    api = Client().post(
        f"{BASE}/surveys/by-token/{survey.token}/answer-anonymous",
        {"answers": {}, "device": DEVICE},
        content_type=JSON,
    )
    assert api.status_code == 403
    public = Client().get(f"{BASE}/surveys/by-token/{survey.token}/public")
    assert public.status_code == 403
    assert not Response.objects.exists()


def test_new_questionnaires_allow_answers_without_an_account_unless_unticked(client, personas):
    client.force_login(personas.station_staff)
    made = client.post(
        f"{BASE}/surveys", {"unit": personas.station.pk, "title": "默认问卷"}, content_type=JSON
    )
    assert made.status_code == 201
    assert Survey.objects.get(pk=made.json()["id"]).allow_anonymous
    closed = client.post(
        f"{BASE}/surveys",
        {"unit": personas.station.pk, "title": "仅限登录", "allow_anonymous": False},
        content_type=JSON,
    )
    assert not Survey.objects.get(pk=closed.json()["id"]).allow_anonymous


def test_anonymous_answers_are_rate_limited_per_ip(survey, settings):
    settings.RATE_LIMITS = {**settings.RATE_LIMITS, "survey_answer": (2, 1000, 3600)}
    for _ in range(2):
        Client().post(f"/needs/s/{survey.token}/", _post(survey))
    third = Client().post(f"/needs/s/{survey.token}/", _post(survey))
    assert third.status_code == 429
    assert Response.objects.count() == 2


def test_a_closed_questionnaire_takes_no_anonymous_answers(survey, personas):
    services.survey_close(survey=survey, actor=personas.station_staff)
    page = Client().post(f"/needs/s/{survey.token}/", _post(survey))
    assert page.status_code == 409 and "不接受作答" in page.content.decode()
    api = Client().post(
        f"{BASE}/surveys/by-token/{survey.token}/answer-anonymous",
        {"answers": {}, "device": DEVICE},
        content_type=JSON,
    )
    assert api.status_code == 409
    assert not Response.objects.exists()


def test_api_answer_without_an_account(survey, settings):
    client = Client()
    shown = client.get(f"{BASE}/surveys/by-token/{survey.token}/public")
    assert shown.status_code == 200 and len(shown.json()["questions"]) == 4 and shown.json()["ask_phone"] is False
    answers = {str(k): v for k, v in answers_for(survey).items()}
    url = f"{BASE}/surveys/by-token/{survey.token}/answer-anonymous"
    done = client.post(url, {"answers": answers, "device": DEVICE}, content_type=JSON)
    assert done.status_code == 201, done.content
    again = client.post(url, {"answers": answers, "device": DEVICE}, content_type=JSON)
    assert again.status_code == 409 and "这台设备已经填写过" in again.json()["detail"]
    short = client.post(url, {"answers": answers, "device": "short"}, content_type=JSON)
    assert short.status_code == 400
    missing = Client().get(f"{BASE}/surveys/by-token/00000000-0000-0000-0000-000000000000/public")
    assert missing.status_code == 404
    assert Survey.objects.get(pk=survey.pk) and _collected(survey) == 1


def test_only_the_owner_sets_who_may_answer(client, personas, survey):
    sibling = Client()
    sibling.force_login(personas.sibling)
    body = {"allow_anonymous": False, "ask_phone": True}
    refused = sibling.post(f"{BASE}/surveys/{survey.pk}/options", body, content_type=JSON)
    assert refused.status_code == 403
    resident = Client()
    resident.force_login(personas.resident)
    assert resident.post(f"{BASE}/surveys/{survey.pk}/options", body, content_type=JSON).status_code == 403
    assert Survey.objects.get(pk=survey.pk).allow_anonymous
    client.force_login(personas.station_staff)
    done = client.post(f"{BASE}/surveys/{survey.pk}/options", body, content_type=JSON)
    assert done.status_code == 200 and done.json()["allow_anonymous"] is False and done.json()["ask_phone"]
    page = client.post(f"/needs/surveys/{survey.pk}/", {"action": "options", "allow_anonymous": "on"})
    assert page.status_code == 302
    survey.refresh_from_db()
    assert survey.allow_anonymous and not survey.ask_phone
