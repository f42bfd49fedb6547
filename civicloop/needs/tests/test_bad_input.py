"""Garbage into the needs API and pages: 400, 404 or a form message, never a 500, nothing written."""

from __future__ import annotations

from typing import Any

import pytest
from django.urls import reverse

from civicloop.needs.models import Question, Response
from civicloop.orders.tests.test_api import client_for

pytestmark = pytest.mark.django_db
HUGE = 10**22


@pytest.mark.parametrize("key", ["²", "١٢", str(HUGE)])
def test_answer_keys_that_are_no_question_id_are_ignored(personas: Any, survey: Any, key: str) -> None:
    """Only ASCII digits name a question; "²" passed isdigit() and then failed int() with a 500."""
    r = client_for("resident").post(
        f"/api/needs/surveys/by-token/{survey.token}/answer",
        {"answers": {key: "健康义诊"}},
        content_type="application/json",
    )
    assert r.status_code == 400, r.content
    assert "为必答题" in r.json()["detail"]
    assert not Response.objects.exists()


def test_round_list_with_a_page_too_large_is_400(personas: Any) -> None:
    r = client_for("station").get(f"/api/needs/rounds?page={HUGE}")
    assert r.status_code == 400 and r.json()["detail"].startswith("以下字段格式不正确")


@pytest.mark.parametrize("question", ["abc", "²", str(HUGE), ""])
def test_removing_a_question_by_an_id_that_is_no_id_is_404(
    client: Any, personas: Any, rnd: Any, question: str
) -> None:
    from civicloop.needs import services

    survey = services.survey_create(
        unit=personas.station, title="草稿问卷", round=rnd, actor=personas.station_staff
    )
    services.question_add(
        survey=survey,
        kind=Question.Kind.TEXT,
        text="您的需求？",
        required=False,
        actor=personas.station_staff,
    )
    client.force_login(personas.station_staff)
    url = reverse("needs:survey_detail", args=[survey.pk])
    assert client.post(url, {"action": "remove", "question": question}).status_code == 404
    assert survey.questions.count() == 1


@pytest.mark.parametrize("round_id", ["²", "1" * 5000, str(HUGE)])
def test_new_survey_from_a_round_that_is_no_id_shows_the_empty_form(
    client: Any, personas: Any, round_id: str
) -> None:
    client.force_login(personas.station_staff)
    assert client.get(reverse("needs:survey_create"), {"round": round_id}).status_code == 200
