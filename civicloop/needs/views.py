"""Needs pages: rounds, needs, home visits, questionnaires (build, distribute, answer, enter paper, results),
and the needs analysis. Thin: access decides, services write, selectors read."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.db.models import Prefetch
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.safestring import mark_safe
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from civicloop import access
from civicloop.core.exceptions import Conflict
from civicloop.core.forms import error_text, page_of, parse_id, posted_id
from civicloop.needs import policies as policy
from civicloop.needs import selectors, services
from civicloop.needs.forms import (
    AnalysisForm,
    AnonymousAnswerForm,
    NeedEditForm,
    NeedForm,
    PaperCountForm,
    QuestionForm,
    RoundForm,
    SurveyForm,
    SurveyOptionsForm,
    VisitForm,
    answers_from_post,
)
from civicloop.needs.models import Need, NeedsRound, Question, Response, Survey

PER_PAGE = 25


def _staff(request: HttpRequest, action: str) -> None:
    access.require(request, access.is_staff(request.user), action=action)


# --- rounds --------------------------------------------------------------------------------------------------


@login_required
def round_list(request: HttpRequest) -> HttpResponse:
    _staff(request, "needs_round_list")
    qs = policy.visible_rounds(request.user)
    status = request.GET.get("status", "")
    if status in NeedsRound.Status.values:
        qs = qs.filter(status=status)
    page = page_of(request, selectors.rounds_with_counts(qs).order_by("-starts_on", "-id"), PER_PAGE)
    return render(
        request,
        "needs/round_list.html",
        {"page": page, "status": status, "statuses": NeedsRound.Status.choices},
    )


@login_required
def round_create(request: HttpRequest) -> HttpResponse:
    _staff(request, "needs_round_open")
    units = policy.analysis_units(request.user)
    form = RoundForm(request.POST or None, units=units)
    if request.method == "POST" and form.is_valid():
        d = form.cleaned_data
        access.require(request, policy.can_open_round(request.user, d["unit"]), action="needs_round_open")
        try:
            rnd = services.round_open(
                unit=d["unit"],
                title=d["title"],
                starts_on=d["starts_on"],
                ends_on=d["ends_on"],
                target_groups=d["target_groups"],
                scope_note=d["scope_note"],
                actor=request.user,
            )
        except ValidationError as exc:
            form.add_error(None, error_text(exc))
        else:
            messages.success(request, _("The needs round is open."))
            return redirect("needs:round_detail", rnd.pk)
    return render(request, "needs/form.html", {"form": form, "title": _("Open a needs round")})


def _round_for(request: HttpRequest, pk: int, action: str) -> NeedsRound:
    rnd = get_object_or_404(NeedsRound.objects.select_related("unit", "drafted_from"), pk=pk)
    access.require(request, policy.can_manage_round(request.user, rnd), action=action, obj=rnd)
    return rnd


@login_required
def round_detail(request: HttpRequest, pk: int) -> HttpResponse:
    rnd = _round_for(request, pk, "needs_round_view")
    needs = rnd.needs.select_related("unit", "order", "activity").order_by("-recurring", "id")
    status = request.GET.get("status", "")
    if status in Need.Status.values:
        needs = needs.filter(status=status)
    form = NeedForm(
        units=policy.analysis_units(request.user).filter(path__startswith=rnd.unit_path),
        initial={"unit": rnd.unit_id},
    )
    return render(
        request,
        "needs/round_detail.html",
        {
            "round": rnd,
            "page": page_of(request, needs, PER_PAGE),
            "summary": selectors.round_summary(rnd),
            "form": form,
            "status": status,
            "statuses": Need.Status.choices,
            "next_rounds": rnd.drafted_rounds.all()[:5],
            "surveys": rnd.surveys.all()[:20],
        },
    )


@login_required
@require_POST
def round_close(request: HttpRequest, pk: int) -> HttpResponse:
    rnd = _round_for(request, pk, "needs_round_close")
    try:
        nxt = services.round_close(round=rnd, actor=request.user)
    except Conflict as exc:
        messages.error(request, exc.message)
        return redirect("needs:round_detail", rnd.pk)
    messages.success(
        request,
        _(
            "The round is closed. The next round has been drafted with %(n)s needs carried over; please review them."
        )
        % {"n": nxt.needs.count()},
    )
    return redirect("needs:round_detail", nxt.pk)


@login_required
@require_POST
def round_import_orders(request: HttpRequest, pk: int) -> HttpResponse:
    rnd = _round_for(request, pk, "needs_import_orders")
    try:
        n = services.round_import_orders(round=rnd, actor=request.user)
    except Conflict as exc:
        messages.error(request, exc.message)
    else:
        messages.success(request, _("%(n)s orders of this period were added as needs.") % {"n": n})
    return redirect("needs:round_detail", rnd.pk)


@login_required
@require_POST
def need_add(request: HttpRequest, pk: int) -> HttpResponse:
    rnd = _round_for(request, pk, "need_record")
    form = NeedForm(
        request.POST, units=policy.analysis_units(request.user).filter(path__startswith=rnd.unit_path)
    )
    if form.is_valid():
        d = form.cleaned_data
        try:
            services.need_record(
                round=rnd,
                unit=d["unit"],
                source=d["source"],
                category=d["category"],
                focus_group=d["focus_group"],
                description=d["description"],
                actor=request.user,
            )
        except ValidationError as exc:
            messages.error(request, error_text(exc))
        except Conflict as exc:
            messages.error(request, exc.message)
        else:
            messages.success(request, _("The need is recorded."))
    else:
        messages.error(
            request,
            "；".join(f"{form.fields[f].label}: {e[0]}" for f, e in form.errors.items() if f in form.fields)
            or _("Please check the form."),
        )
    return redirect("needs:round_detail", rnd.pk)


@login_required
def visit_add(request: HttpRequest, pk: int) -> HttpResponse:
    rnd = _round_for(request, pk, "need_visit")
    residents = (
        policy.visit_residents(request.user, rnd).select_related("unit").order_by("name_initials", "id")[:500]
    )
    residents = (
        policy.visit_residents(request.user, rnd)
        .filter(pk__in=[r.pk for r in residents])
        .select_related("unit")
    )
    form = VisitForm(request.POST or None, residents=residents, initial={"visited_on": timezone.localdate()})
    if request.method == "POST" and form.is_valid():
        d = form.cleaned_data
        try:
            services.need_record_visit(
                round=rnd,
                resident=d["resident"],
                visited_on=d["visited_on"],
                focus_group=d["focus_group"],
                category=d["category"],
                description=d["description"],
                actor=request.user,
            )
        except ValidationError as exc:
            form.add_error(None, error_text(exc))
        except Conflict as exc:
            form.add_error(None, exc.message)
        else:
            messages.success(request, _("The visit is recorded as a need."))
            return redirect("needs:round_detail", rnd.pk)
    return render(
        request,
        "needs/form.html",
        {
            "form": form,
            "title": _("Record a home visit"),
            "lead": _("Door-to-door visits to empty-nest elderly and left-behind children."),
            "back": reverse("needs:round_detail", args=[rnd.pk]),
        },
    )


@login_required
def need_edit(request: HttpRequest, pk: int) -> HttpResponse:
    need = get_object_or_404(Need.objects.select_related("round", "unit", "order", "activity"), pk=pk)
    access.require(request, policy.can_edit_need(request.user, need), action="need_update", obj=need)
    initial = {
        "category": need.category,
        "focus_group": need.focus_group,
        "description": need.description,
        "status": need.status,
        "unmet_reason": need.unmet_reason,
        "order_number": need.order.number if need.order else "",
        "activity_id": need.activity_id,
        "recurring": need.recurring,
    }
    form = NeedEditForm(request.POST or None, initial=initial)
    if request.method == "POST" and form.is_valid():
        d = form.cleaned_data
        try:
            order = _order_by_number(d["order_number"], need.round)
            activity = _activity_by_id(d["activity_id"], need.round)
            services.need_update(
                need=need,
                actor=request.user,
                category=d["category"],
                focus_group=d["focus_group"],
                description=d["description"],
                status=d["status"],
                unmet_reason=d["unmet_reason"],
                order=order,
                activity=activity,
                recurring=d["recurring"],
            )
        except ValidationError as exc:
            form.add_error(None, error_text(exc))
        except Conflict as exc:  # someone else changed its status meanwhile
            form.add_error(None, exc.message)
        else:
            messages.success(request, _("The need is saved."))
            return redirect("needs:round_detail", need.round_id)
    return render(
        request,
        "needs/form.html",
        {
            "form": form,
            "title": _("Edit need"),
            "back": reverse("needs:round_detail", args=[need.round_id]),
            "need": need,
        },
    )


_order_by_number = selectors.order_in_round
_activity_by_id = selectors.activity_in_round


# --- questionnaires ------------------------------------------------------------------------------------------


@login_required
def survey_list(request: HttpRequest) -> HttpResponse:
    _staff(request, "survey_list")
    qs = selectors.surveys_with_counts(policy.visible_surveys(request.user)).order_by("-created_at", "-id")
    return render(request, "needs/survey_list.html", {"page": page_of(request, qs, PER_PAGE)})


@login_required
def survey_create(request: HttpRequest) -> HttpResponse:
    _staff(request, "survey_create")
    units = policy.analysis_units(request.user)
    rounds = policy.visible_rounds(request.user).filter(status=NeedsRound.Status.OPEN)
    initial: dict[str, Any] = {}
    from_round = (
        rounds.filter(pk=parse_id(request.GET["round"])).first()
        if parse_id(request.GET.get("round"))
        else None
    )
    if from_round is not None:
        initial = {"round": from_round.pk, "unit": from_round.unit_id, "title": from_round.title}
    form = SurveyForm(request.POST or None, units=units, rounds=rounds, initial=initial)
    if request.method == "POST" and form.is_valid():
        d = form.cleaned_data
        try:
            survey = services.survey_create(
                unit=d["unit"],
                title=d["title"],
                intro=d["intro"],
                round=d["round"],
                actor=request.user,
                allow_anonymous=d["allow_anonymous"],
                ask_phone=d["ask_phone"],
            )
        except ValidationError as exc:
            form.add_error(None, error_text(exc))
        else:
            messages.success(request, _("The questionnaire is created. Now add its questions."))
            return redirect("needs:survey_detail", survey.pk)
    return render(request, "needs/form.html", {"form": form, "title": _("New questionnaire")})


def _survey_for(request: HttpRequest, pk: int, action: str) -> Survey:
    survey = get_object_or_404(
        Survey.objects.select_related("unit", "round").prefetch_related("questions"), pk=pk
    )
    access.require(request, policy.can_manage_survey(request.user, survey), action=action, obj=survey)
    return survey


def _answer_url(request: HttpRequest, survey: Survey) -> str:
    return request.build_absolute_uri(reverse("needs:survey_answer", args=[survey.token]))


@login_required
def survey_detail(request: HttpRequest, pk: int) -> HttpResponse:
    survey = _survey_for(request, pk, "survey_view")
    question_form = QuestionForm(prefix="qn")
    paper_form = PaperCountForm(initial={"paper_distributed": survey.paper_distributed})
    if request.method == "POST":
        action = request.POST.get("action")
        try:
            if action == "question":
                question_form = QuestionForm(request.POST, prefix="qn")
                if question_form.is_valid():
                    d = question_form.cleaned_data
                    services.question_add(
                        survey=survey,
                        kind=d["kind"],
                        text=d["text"],
                        required=d["required"],
                        options=d["options"],
                        actor=request.user,
                    )
                    messages.success(request, _("The question is added."))
                    return redirect("needs:survey_detail", survey.pk)
            elif action == "remove":
                question = get_object_or_404(Question, pk=posted_id(request.POST, "question"), survey=survey)
                services.question_remove(question=question, actor=request.user)
                return redirect("needs:survey_detail", survey.pk)
            elif action == "publish":
                services.survey_publish(survey=survey, actor=request.user)
                messages.success(request, _("The questionnaire is open for answers."))
                return redirect("needs:survey_detail", survey.pk)
            elif action == "close":
                services.survey_close(survey=survey, actor=request.user)
                messages.success(request, _("The questionnaire is closed."))
                return redirect("needs:survey_detail", survey.pk)
            elif action == "options":
                options = SurveyOptionsForm(request.POST)
                options.is_valid()  # two checkboxes: always valid
                services.survey_options_set(
                    survey=survey,
                    allow_anonymous=options.cleaned_data.get("allow_anonymous", False),
                    ask_phone=options.cleaned_data.get("ask_phone", False),
                    actor=request.user,
                )
                messages.success(request, _("Who may answer is saved."))
                return redirect("needs:survey_detail", survey.pk)
            elif action == "paper":
                paper_form = PaperCountForm(request.POST)
                if paper_form.is_valid():
                    services.survey_set_paper_distributed(
                        survey=survey, count=paper_form.cleaned_data["paper_distributed"], actor=request.user
                    )
                    messages.success(request, _("The number of paper copies handed out is saved."))
                    return redirect("needs:survey_detail", survey.pk)
        except ValidationError as exc:
            if action == "question":
                question_form.add_error(None, error_text(exc))
            elif action == "paper":
                paper_form.add_error(None, error_text(exc))
            else:
                messages.error(request, error_text(exc))
        except Conflict as exc:
            messages.error(request, exc.message)
        survey = _survey_for(request, pk, "survey_view")
    return render(
        request,
        "needs/survey_detail.html",
        {
            "survey": survey,
            "questions": survey.questions.all(),
            "question_form": question_form,
            "paper_form": paper_form,
            "options_form": SurveyOptionsForm(
                initial={"allow_anonymous": survey.allow_anonymous, "ask_phone": survey.ask_phone}
            ),
            "counts": selectors.survey_counts(survey),
            "answer_url": _answer_url(request, survey),
        },
    )


def _qr_svg(data: str, scale: int = 6) -> str:
    import segno  # loaded by the first QR code only

    return segno.make(data, error="m").svg_inline(scale=scale, dark="#1f2328")


@login_required
def survey_poster(request: HttpRequest, pk: int) -> HttpResponse:
    survey = _survey_for(request, pk, "survey_poster")
    url = _answer_url(request, survey)
    return render(
        request,
        "needs/survey_poster.html",
        {"survey": survey, "url": url, "qr": mark_safe(_qr_svg(url, scale=10))},
    )


@login_required
def survey_results(request: HttpRequest, pk: int) -> HttpResponse:
    survey = _survey_for(request, pk, "survey_results")
    results = selectors.survey_results(survey)
    for item in results:
        item["chart"] = mark_safe(selectors.bar_chart_svg(item["bars"])) if item["bars"] else ""
    return render(
        request,
        "needs/survey_results.html",
        {"survey": survey, "results": results, "counts": selectors.survey_counts(survey)},
    )


@login_required
def survey_paper(request: HttpRequest, pk: int) -> HttpResponse:
    survey = _survey_for(request, pk, "survey_paper_entry")
    errors: list[str] = []
    values: dict[int, list[str]] = {}
    if request.method == "POST":
        values = answers_from_post(survey, request.POST)
        try:
            services.response_enter_paper(survey=survey, answers=values, actor=request.user)
        except ValidationError as exc:
            errors = [str(m) for m in exc.messages]
        except Conflict as exc:
            errors = [exc.message]
        else:
            messages.success(request, _("The paper copy is entered. You can enter the next one."))
            return redirect("needs:survey_paper", survey.pk)
    return render(
        request,
        "needs/survey_answer.html",
        {"survey": survey, "questions": _question_rows(survey, values), "errors": errors, "paper": True},
    )


def _question_rows(survey: Survey, values: dict[int, list[str]]) -> list[dict[str, Any]]:
    return [
        {"q": q, "values": values.get(q.pk, []), "scores": ["1", "2", "3", "4", "5"]}
        for q in survey.questions.all()
    ]


DEVICE_COOKIE = "cl_device"
DEVICE_SALT = "needs.survey-device"
DEVICE_MAX_AGE = 365 * 24 * 3600


def _answer_without_account(request: HttpRequest, survey: Survey) -> HttpResponse:
    """The poster's link for someone who has no account (or is not signed in): one answer per device, kept by a
    random id in a signed cookie, and per mobile when the questionnaire asks for one; rate-limited per IP."""
    import secrets

    from civicloop.core.ratelimit import over_limit, too_many_response

    device = request.get_signed_cookie(DEVICE_COOKIE, default="", salt=DEVICE_SALT) or ""
    device = device or secrets.token_urlsafe(24)
    errors: list[str] = []
    values: dict[int, list[str]] = {}
    phone_form = (
        AnonymousAnswerForm(initial={"phone": request.POST.get("phone", "")[:20]}) if survey.ask_phone else None
    )
    response: HttpResponse | None = None
    if survey.status != Survey.Status.OPEN:
        response = render(request, "needs/survey_thanks.html", {"survey": survey, "not_open": True}, status=409)
    elif selectors.answered_on_device(survey, device):
        message = _("This device has already answered this questionnaire. Thank you!")
        response = render(request, "needs/survey_thanks.html", {"survey": survey, "message": message})
    elif request.method == "POST":
        if over_limit(request, "survey_answer"):
            return too_many_response(request)
        values = answers_from_post(survey, request.POST)
        try:
            services.response_submit_anonymous(
                survey=survey,
                device_key=device,
                answers=values,
                phone=request.POST.get("phone", "")[:20],
                request=request,
            )
        except ValidationError as exc:
            errors = [str(m) for m in exc.messages]
        except Conflict as exc:
            response = render(
                request, "needs/survey_thanks.html", {"survey": survey, "message": exc.message}, status=409
            )
        else:
            response = render(request, "needs/survey_thanks.html", {"survey": survey, "done": True})
    if response is None:
        response = render(
            request,
            "needs/survey_answer.html",
            {
                "survey": survey,
                "questions": _question_rows(survey, values),
                "errors": errors,
                "phone_form": phone_form,
                "anonymous": True,
            },
            status=400 if errors else 200,
        )
    response.set_signed_cookie(
        DEVICE_COOKIE,
        device,
        salt=DEVICE_SALT,
        max_age=DEVICE_MAX_AGE,
        httponly=True,
        samesite="Lax",
        secure=request.is_secure(),
    )
    return response


def survey_answer(request: HttpRequest, token: str) -> HttpResponse:
    """The resident's phone page, reached by the link or the QR poster; without an account too, where allowed."""
    survey = get_object_or_404(
        Survey.objects.select_related("unit").prefetch_related(Prefetch("questions")), token=token
    )
    if not request.user.is_authenticated:
        if not policy.can_answer_anonymously(survey):
            from django.contrib.auth.views import redirect_to_login

            return redirect_to_login(request.get_full_path())
        return _answer_without_account(request, survey)
    access.require(
        request, policy.can_answer_survey(request.user, survey), action="survey_answer", obj=survey
    )
    if Response.objects.filter(survey=survey, respondent=request.user).exists():
        return render(request, "needs/survey_thanks.html", {"survey": survey, "already": True})
    if survey.status != Survey.Status.OPEN:
        return render(request, "needs/survey_thanks.html", {"survey": survey, "not_open": True}, status=409)
    errors: list[str] = []
    values: dict[int, list[str]] = {}
    if request.method == "POST":
        values = answers_from_post(survey, request.POST)
        try:
            services.response_submit(survey=survey, respondent=request.user, answers=values)
        except ValidationError as exc:
            errors = [str(m) for m in exc.messages]
        except Conflict as exc:
            errors = [exc.message]
        else:
            return render(request, "needs/survey_thanks.html", {"survey": survey, "done": True})
    return render(
        request,
        "needs/survey_answer.html",
        {"survey": survey, "questions": _question_rows(survey, values), "errors": errors},
        status=400 if errors else 200,
    )


# --- analysis ------------------------------------------------------------------------------------------------


@login_required
def analysis(request: HttpRequest) -> HttpResponse:
    _staff(request, "needs_analysis")
    units = policy.analysis_units(request.user)
    today = timezone.localdate()
    data = request.GET if "unit" in request.GET else None
    first = access.staff_units(request.user)[0]
    form = AnalysisForm(
        data, units=units, initial={"unit": first.pk, "start": today - dt.timedelta(days=365), "end": today}
    )
    result = None
    if data is None:
        unit, start, end = first, today - dt.timedelta(days=365), today
    elif form.is_valid():
        unit, start, end = form.cleaned_data["unit"], form.cleaned_data["start"], form.cleaned_data["end"]
    else:
        unit = None
    if unit is not None:
        access.require(request, policy.can_analyse(request.user, unit), action="needs_analysis", obj=unit)
        result = selectors.needs_analysis(unit, start, end)
        for key in ("by_category", "by_focus_group", "by_unit", "by_month"):
            result[f"{key}_chart"] = mark_safe(selectors.bar_chart_svg(result[key])) if result[key] else ""
        result["unit"], result["start"], result["end"] = unit, start, end
    return render(request, "needs/analysis.html", {"form": form, "result": result})
