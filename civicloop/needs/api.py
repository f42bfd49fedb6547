"""Needs API: rounds and their needs, questionnaires and answering them. Scoped and paginated."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.http import HttpRequest
from django.shortcuts import get_object_or_404
from ninja import Router, Schema
from ninja.pagination import paginate
from ninja.responses import Status

from civicloop import access
from civicloop.access import needs as policy
from civicloop.core.forms import parse_id
from civicloop.core.pagination import Pages
from civicloop.needs import selectors, services
from civicloop.needs.models import Need, NeedsRound, Survey

router = Router(tags=["needs"])


class RoundOut(Schema):
    id: int
    title: str
    unit_id: int
    starts_on: dt.date
    ends_on: dt.date
    status: str
    target_groups: list[str]
    drafted_from_id: int | None


class NeedOut(Schema):
    id: int
    round_id: int
    unit_id: int
    source: str
    category: str
    focus_group: str
    description: str
    status: str
    unmet_reason: str
    order_id: int | None
    activity_id: int | None
    recurring: bool
    recurrence_count: int


class QuestionOut(Schema):
    id: int
    kind: str
    text: str
    required: bool
    options: list[str]


class SurveyOut(Schema):
    id: int
    title: str
    unit_id: int
    status: str
    distributed: int
    collected: int


class SurveyDetailOut(SurveyOut):
    intro: str
    questions: list[QuestionOut]


class AnswerIn(Schema):
    # {"<question id>": ["value", ...]}; a single value may be given as a string.
    answers: dict[str, list[str] | str | int]


class ResponseOut(Schema):
    id: int
    survey_id: int


def _survey_out(survey: Survey) -> dict[str, Any]:
    counts = selectors.survey_counts(survey)
    return {
        "id": survey.pk,
        "title": survey.title,
        "unit_id": survey.unit_id,
        "status": survey.status,
        "distributed": counts["distributed"],
        "collected": counts["collected"],
    }


@router.get("/rounds", response=list[RoundOut])
@paginate(Pages, page_size=50)
def list_rounds(request: HttpRequest, status: str = "") -> Any:
    qs = policy.visible_rounds(request.user).order_by("-starts_on", "-id")
    return qs.filter(status=status) if status in NeedsRound.Status.values else qs


@router.get("/rounds/{round_id}/needs", response=list[NeedOut])
@paginate(Pages, page_size=50)
def list_needs(request: HttpRequest, round_id: int) -> Any:
    rnd = get_object_or_404(NeedsRound, pk=round_id)
    access.require(request, policy.can_manage_round(request.user, rnd), action="needs_round_view", obj=rnd)
    return Need.objects.filter(round=rnd).order_by("id")


@router.post("/rounds/{round_id}/close", response=RoundOut)
def close_round(request: HttpRequest, round_id: int) -> Any:
    """Close a round; answers the drafted next round. 409 if it was already closed."""
    rnd = get_object_or_404(NeedsRound, pk=round_id)
    access.require(request, policy.can_manage_round(request.user, rnd), action="needs_round_close", obj=rnd)
    return services.round_close(round=rnd, actor=request.user)


@router.get("/surveys", response=list[SurveyOut])
@paginate(Pages, page_size=50)
def list_surveys(request: HttpRequest) -> Any:
    return selectors.surveys_with_counts(policy.visible_surveys(request.user)).order_by("-created_at", "-id")


@router.get("/surveys/by-token/{token}", response=SurveyDetailOut)
def survey_for_answering(request: HttpRequest, token: str) -> Any:
    survey = get_object_or_404(Survey.objects.prefetch_related("questions"), token=token)
    access.require(
        request, policy.can_answer_survey(request.user, survey), action="survey_answer", obj=survey
    )
    return _survey_out(survey) | {"intro": survey.intro, "questions": list(survey.questions.all())}


@router.post("/surveys/by-token/{token}/answer", response={201: ResponseOut})
def answer_survey(request: HttpRequest, token: str, payload: AnswerIn) -> Any:
    """Answer once. 409 when already answered or not open; 400 when a required answer is missing."""
    survey = get_object_or_404(Survey.objects.prefetch_related("questions"), token=token)
    access.require(
        request, policy.can_answer_survey(request.user, survey), action="survey_answer", obj=survey
    )
    answers: dict[int, list[str]] = {}
    for key, value in payload.answers.items():
        if parse_id(key):
            answers[parse_id(key)] = [str(v) for v in value] if isinstance(value, list) else [str(value)]
    response = services.response_submit(survey=survey, respondent=request.user, answers=answers)
    return Status(201, {"id": response.pk, "survey_id": survey.pk})
