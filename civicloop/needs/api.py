"""Needs API: rounds, needs and home visits, questionnaires with their questions, answers (online and paper),
results, the analysis and the drafted next round — the twins of the needs pages, validated by the pages' forms."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.core.exceptions import PermissionDenied
from django.http import HttpRequest
from django.shortcuts import get_object_or_404
from django.utils import timezone
from django.utils.translation import gettext as _
from ninja import Field, Router, Schema
from ninja.pagination import paginate
from ninja.responses import Status

from civicloop import access
from civicloop.core.forms import form_data, parse_id, valid_or_400
from civicloop.core.pagination import Pages
from civicloop.core.schemas import ErrorOut, Id
from civicloop.needs import policies as policy
from civicloop.needs import selectors, services
from civicloop.needs.forms import (
    AnalysisForm,
    NeedEditForm,
    NeedForm,
    PaperCountForm,
    QuestionForm,
    RoundForm,
    SurveyForm,
    SurveyOptionsForm,
    VisitForm,
)
from civicloop.needs.models import Need, NeedsRound, Question, Survey

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


class StaffSurveyOut(SurveyDetailOut):
    token: str  # the answer link's token, as printed on the QR poster


class SurveyAnswerIn(Schema):
    # {"<question id>": ["value", ...]}; a single value may be given as a string.
    answers: dict[str, list[str] | str | int]


class ResponseOut(Schema):
    id: int
    survey_id: int


def _answers(raw: dict[str, Any]) -> dict[int, list[str]]:
    """{"<question id>": value or [values]} as the services read them; keys that are not ids are ignored."""
    answers: dict[int, list[str]] = {}
    for key, value in raw.items():
        if parse_id(key):
            answers[parse_id(key)] = [str(v) for v in value] if isinstance(value, list) else [str(value)]
    return answers


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
def answer_survey(request: HttpRequest, token: str, payload: SurveyAnswerIn) -> Any:
    """Answer once. 409 when already answered or not open; 400 when a required answer is missing."""
    survey = get_object_or_404(Survey.objects.prefetch_related("questions"), token=token)
    access.require(
        request, policy.can_answer_survey(request.user, survey), action="survey_answer", obj=survey
    )
    response = services.response_submit(
        survey=survey, respondent=request.user, answers=_answers(payload.answers)
    )
    return Status(201, {"id": response.pk, "survey_id": survey.pk})


class AnonymousAnswerIn(SurveyAnswerIn):
    device: str = Field(
        ...,
        min_length=16,
        max_length=64,
        description="a random id the client keeps for this phone or computer (the page keeps one in a cookie); "
        "one answer per device",
    )
    phone: str = Field("", max_length=20, description="required when the questionnaire asks for a mobile")


class PublicSurveyOut(SurveyDetailOut):
    ask_phone: bool


def _open_to_anyone(token: str) -> Survey:
    survey = get_object_or_404(Survey.objects.select_related("unit").prefetch_related("questions"), token=token)
    if not policy.can_answer_anonymously(survey):
        raise PermissionDenied(_("This questionnaire is answered after signing in."))
    return survey


@router.get(
    "/surveys/by-token/{token}/public",
    auth=None,
    response={200: PublicSurveyOut, 403: ErrorOut, 404: ErrorOut},
    summary="免登录查看问卷 · A questionnaire to answer without an account",
)
def survey_without_account(request: HttpRequest, token: str) -> Any:
    """The questions behind a poster's link, for a caller without an account (403 where the owner requires
    signing in)."""
    survey = _open_to_anyone(token)
    return _survey_out(survey) | {
        "intro": survey.intro,
        "questions": list(survey.questions.all()),
        "ask_phone": survey.ask_phone,
    }


@router.post(
    "/surveys/by-token/{token}/answer-anonymous",
    auth=None,
    response={201: ResponseOut, 400: ErrorOut, 403: ErrorOut, 404: ErrorOut, 409: ErrorOut, 429: ErrorOut},
    summary="免登录填写问卷 · Answer a questionnaire without an account",
)
def answer_without_account(request: HttpRequest, token: str, payload: AnonymousAnswerIn) -> Any:
    """Answer once per device (and per mobile when asked for one): 409 for a second answer or a closed
    questionnaire, 403 where the owner requires signing in, 429 past the per-IP limit."""
    from ninja.errors import HttpError

    from civicloop.core.ratelimit import over_limit, too_many_message

    survey = _open_to_anyone(token)
    if over_limit(request, "survey_answer"):
        raise HttpError(429, too_many_message())
    response = services.response_submit_anonymous(
        survey=survey,
        device_key=payload.device,
        answers=_answers(payload.answers),
        phone=payload.phone,
        request=request,
    )
    return Status(201, {"id": response.pk, "survey_id": survey.pk})


# --- the twins of the staff pages ---------------------------------------------------------------------------

ERRORS = {400: ErrorOut, 401: ErrorOut, 403: ErrorOut, 404: ErrorOut, 409: ErrorOut}


def _staff(request: HttpRequest, action: str) -> None:
    access.require(request, access.is_staff(request.user), action=action)


def _round(request: HttpRequest, pk: int, action: str) -> NeedsRound:
    rnd = get_object_or_404(NeedsRound.objects.select_related("unit"), pk=pk)
    access.require(request, policy.can_manage_round(request.user, rnd), action=action, obj=rnd)
    return rnd


def _survey(request: HttpRequest, pk: int, action: str) -> Survey:
    survey = get_object_or_404(Survey.objects.select_related("unit").prefetch_related("questions"), pk=pk)
    access.require(request, policy.can_manage_survey(request.user, survey), action=action, obj=survey)
    return survey


class RoundIn(Schema):
    unit: Id
    title: str
    starts_on: dt.date
    ends_on: dt.date
    target_groups: list[str] = []
    scope_note: str = ""


class RoundDetailOut(RoundOut):
    summary: dict[str, int]


class NeedIn(Schema):
    unit: Id
    source: str = "other"
    category: str = ""
    focus_group: str = ""
    description: str


class VisitIn(Schema):
    resident: Id
    visited_on: dt.date
    focus_group: str
    category: str = ""
    description: str


class NeedPatch(Schema):
    category: str | None = None
    focus_group: str | None = None
    description: str | None = None
    status: str | None = None
    unmet_reason: str | None = None
    order_number: str | None = None
    activity_id: int | None = None
    recurring: bool | None = None


class ImportOut(Schema):
    imported: int


class SurveyIn(Schema):
    unit: Id
    title: str
    intro: str = ""
    round: Id | None = None
    allow_anonymous: bool = True
    ask_phone: bool = False


class SurveyOptionsIn(Schema):
    allow_anonymous: bool
    ask_phone: bool = False


class QuestionIn(Schema):
    kind: str
    text: str
    options: str = ""
    required: bool = True


class PaperCountIn(Schema):
    paper_distributed: int


class PaperAnswerIn(Schema):
    """{"<question id>": ["value", ...]}, as read off a paper copy."""

    answers: dict[str, list[str] | str | int]


class SurveyResultOut(Schema):
    question_id: int
    text: str
    kind: str
    answered: int
    bars: list[tuple[str, int]]


@router.post("/rounds", response={201: RoundOut, **ERRORS}, summary="开启需求征集 · Open a needs round")
def open_round(request: HttpRequest, payload: RoundIn) -> Any:
    _staff(request, "needs_round_open")
    d = valid_or_400(RoundForm(form_data(payload.dict()), units=policy.analysis_units(request.user)))
    access.require(request, policy.can_open_round(request.user, d["unit"]), action="needs_round_open")
    return Status(201, services.round_open(actor=request.user, **d))


@router.get("/rounds/{round_id}", response={200: RoundDetailOut, **ERRORS}, summary="需求征集详情 · A round")
def round_detail(request: HttpRequest, round_id: Id) -> Any:
    rnd = _round(request, round_id, "needs_round_view")
    return {**RoundOut.from_orm(rnd).dict(), "summary": selectors.round_summary(rnd)}


@router.post(
    "/rounds/{round_id}/import-orders",
    response={200: ImportOut, **ERRORS},
    summary="导入点单 · Add the period's orders as needs",
)
def import_orders(request: HttpRequest, round_id: Id) -> Any:
    rnd = _round(request, round_id, "needs_import_orders")
    return {"imported": services.round_import_orders(round=rnd, actor=request.user)}


@router.post("/rounds/{round_id}/needs", response={201: NeedOut, **ERRORS}, summary="登记需求 · Record a need")
def add_need(request: HttpRequest, round_id: Id, payload: NeedIn) -> Any:
    rnd = _round(request, round_id, "need_record")
    units = policy.analysis_units(request.user).filter(path__startswith=rnd.unit_path)
    d = valid_or_400(NeedForm(form_data(payload.dict()), units=units))
    return Status(201, services.need_record(round=rnd, actor=request.user, **d))


@router.post(
    "/rounds/{round_id}/visits", response={201: NeedOut, **ERRORS}, summary="入户走访 · Record a home visit"
)
def add_visit(request: HttpRequest, round_id: Id, payload: VisitIn) -> Any:
    rnd = _round(request, round_id, "need_visit")
    d = valid_or_400(VisitForm(form_data(payload.dict()), residents=policy.visit_residents(request.user, rnd)))
    return Status(201, services.need_record_visit(round=rnd, actor=request.user, **d))


@router.patch("/needs/{need_id}", response={200: NeedOut, **ERRORS}, summary="修改需求 · Edit a need")
def edit_need(request: HttpRequest, need_id: Id, payload: NeedPatch) -> Any:
    need = get_object_or_404(Need.objects.select_related("round", "unit", "order", "activity"), pk=need_id)
    access.require(request, policy.can_edit_need(request.user, need), action="need_update", obj=need)
    current = {
        "category": need.category,
        "focus_group": need.focus_group,
        "description": need.description,
        "status": need.status,
        "unmet_reason": need.unmet_reason,
        "order_number": need.order.number if need.order else "",
        "activity_id": need.activity_id,
        "recurring": need.recurring,
    }
    d = valid_or_400(NeedEditForm(form_data({**current, **payload.dict(exclude_unset=True)})))
    order = selectors.order_in_round(d.pop("order_number"), need.round)
    activity = selectors.activity_in_round(d.pop("activity_id"), need.round)
    return services.need_update(need=need, actor=request.user, order=order, activity=activity, **d)


@router.post("/surveys", response={201: SurveyOut, **ERRORS}, summary="新建问卷 · Create a questionnaire")
def create_survey(request: HttpRequest, payload: SurveyIn) -> Any:
    _staff(request, "survey_create")
    form = SurveyForm(
        form_data(payload.dict()),
        units=policy.analysis_units(request.user),
        rounds=policy.visible_rounds(request.user).filter(status=NeedsRound.Status.OPEN),
    )
    d = valid_or_400(form)
    survey = services.survey_create(actor=request.user, **d)
    return Status(201, _survey_out(survey))


@router.get("/surveys/{survey_id}", response={200: StaffSurveyOut, **ERRORS}, summary="问卷 · A questionnaire")
def survey_detail(request: HttpRequest, survey_id: Id) -> Any:
    survey = _survey(request, survey_id, "survey_view")
    return _survey_out(survey) | {
        "intro": survey.intro,
        "questions": list(survey.questions.all()),
        "token": str(survey.token),
    }


@router.post(
    "/surveys/{survey_id}/questions", response={201: QuestionOut, **ERRORS}, summary="添加题目 · Add a question"
)
def add_question(request: HttpRequest, survey_id: Id, payload: QuestionIn) -> Any:
    survey = _survey(request, survey_id, "survey_view")
    d = valid_or_400(QuestionForm(form_data(payload.dict())))
    return Status(201, services.question_add(survey=survey, actor=request.user, **d))


@router.delete(
    "/surveys/{survey_id}/questions/{question_id}",
    response={204: None, **ERRORS},
    summary="删除题目 · Remove a question",
)
def remove_question(request: HttpRequest, survey_id: Id, question_id: Id) -> Any:
    survey = _survey(request, survey_id, "survey_view")
    question = get_object_or_404(Question, pk=question_id, survey=survey)
    services.question_remove(question=question, actor=request.user)
    return Status(204, None)


@router.post("/surveys/{survey_id}/publish", response={200: SurveyOut, **ERRORS}, summary="发布问卷 · Open it")
def publish_survey(request: HttpRequest, survey_id: Id) -> Any:
    survey = _survey(request, survey_id, "survey_view")
    services.survey_publish(survey=survey, actor=request.user)
    return _survey_out(survey)


@router.post("/surveys/{survey_id}/close", response={200: SurveyOut, **ERRORS}, summary="结束问卷 · Close it")
def close_survey(request: HttpRequest, survey_id: Id) -> Any:
    survey = _survey(request, survey_id, "survey_view")
    services.survey_close(survey=survey, actor=request.user)
    return _survey_out(survey)


@router.post(
    "/surveys/{survey_id}/paper-distributed",
    response={200: SurveyOut, **ERRORS},
    summary="纸质问卷发放数 · Paper copies handed out",
)
def paper_distributed(request: HttpRequest, survey_id: Id, payload: PaperCountIn) -> Any:
    survey = _survey(request, survey_id, "survey_view")
    d = valid_or_400(PaperCountForm(form_data(payload.dict())))
    services.survey_set_paper_distributed(survey=survey, count=d["paper_distributed"], actor=request.user)
    survey.refresh_from_db()
    return _survey_out(survey)


class SurveyOptionsOut(SurveyOut):
    allow_anonymous: bool
    ask_phone: bool


@router.post(
    "/surveys/{survey_id}/options",
    response={200: SurveyOptionsOut, **ERRORS},
    summary="问卷填写方式 · Whether the questionnaire may be answered without an account",
)
def survey_options(request: HttpRequest, survey_id: Id, payload: SurveyOptionsIn) -> Any:
    survey = _survey(request, survey_id, "survey_view")
    d = valid_or_400(SurveyOptionsForm(form_data(payload.dict())))
    services.survey_options_set(
        survey=survey, allow_anonymous=d["allow_anonymous"], ask_phone=d["ask_phone"], actor=request.user
    )
    return _survey_out(survey) | {"allow_anonymous": survey.allow_anonymous, "ask_phone": survey.ask_phone}


@router.post(
    "/surveys/{survey_id}/paper",
    response={201: ResponseOut, **ERRORS},
    summary="录入纸质问卷 · Enter a paper copy",
)
def enter_paper(request: HttpRequest, survey_id: Id, payload: PaperAnswerIn) -> Any:
    survey = _survey(request, survey_id, "survey_paper_entry")
    response = services.response_enter_paper(survey=survey, answers=_answers(payload.answers), actor=request.user)
    return Status(201, {"id": response.pk, "survey_id": survey.pk})


@router.get(
    "/surveys/{survey_id}/results", response={200: list[SurveyResultOut], **ERRORS}, summary="问卷结果 · Results"
)
def survey_results(request: HttpRequest, survey_id: Id) -> Any:
    survey = _survey(request, survey_id, "survey_results")
    return [
        {
            "question_id": item["question"].pk,
            "text": item["question"].text,
            "kind": item["question"].kind,
            "answered": item.get("answered", 0),
            "bars": [(str(label), n) for label, n in item["bars"]],
        }
        for item in selectors.survey_results(survey)
    ]


class AnalysisOut(Schema):
    unit: int
    start: dt.date
    end: dt.date
    total: int
    by_category: list[tuple[str, int]]
    by_focus_group: list[tuple[str, int]]
    by_unit: list[tuple[str, int]]
    by_month: list[tuple[str, int]]
    keywords: list[tuple[str, int]]


@router.get("/analysis", response={200: AnalysisOut, **ERRORS}, summary="需求分析 · Needs analysis")
def analysis(request: HttpRequest, unit: int | None = None, start: dt.date | None = None, end: dt.date | None = None) -> Any:
    _staff(request, "needs_analysis")
    today = timezone.localdate()
    first = access.staff_units(request.user)[0]
    data = {"unit": unit or first.pk, "start": start or today - dt.timedelta(days=365), "end": end or today}
    d = valid_or_400(AnalysisForm(form_data(data), units=policy.analysis_units(request.user)))
    access.require(request, policy.can_analyse(request.user, d["unit"]), action="needs_analysis", obj=d["unit"])
    result = selectors.needs_analysis(d["unit"], d["start"], d["end"])
    rows = lambda key: [(str(label), n) for label, n in result.get(key, [])]  # noqa: E731
    return {
        "unit": d["unit"].pk,
        "start": d["start"],
        "end": d["end"],
        "total": result.get("total", 0),
        "by_category": rows("by_category"),
        "by_focus_group": rows("by_focus_group"),
        "by_unit": rows("by_unit"),
        "by_month": rows("by_month"),
        "keywords": rows("keywords"),
    }
