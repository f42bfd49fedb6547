"""Writes for needs rounds, needs, visits and questionnaires. Keyword-only, one transaction each, audited."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext as _

from civicloop.audit.services import audit_record
from civicloop.core.choices import FocusGroup, Platform
from civicloop.core.counters import contribution_of, counters_add_row, counters_follow
from civicloop.core.exceptions import Conflict
from civicloop.core.msg import unit_language
from civicloop.core.workflow import Actor
from civicloop.needs.models import Answer, Need, NeedEvent, NeedsRound, Question, Response, Survey
from civicloop.needs.workflow import NEED, ROUND, SURVEY, need_step_between
from civicloop.network.models import Unit

MAX_OPTIONS = 20
MAX_PAPER = 1_000_000
# What the next round inherits: every unmet need, and every recurring need that is not met yet.
CARRY_OVER = Q(status=Need.Status.UNMET) | (Q(recurring=True) & ~Q(status=Need.Status.MET))


def _check_unit(unit: Unit | None) -> Unit:
    if unit is None or unit.kind != Unit.Kind.PRACTICE or not unit.is_active:
        raise ValidationError(_("Choose a practice centre, institute, station or point."))
    return unit


def _check_groups(groups: list[str]) -> list[str]:
    groups = list(dict.fromkeys(groups or []))
    if any(g not in FocusGroup.values for g in groups):
        raise ValidationError(_("Unknown focus group."))
    return groups


def _check_period(starts_on: dt.date, ends_on: dt.date) -> None:
    if starts_on is None or ends_on is None:
        raise ValidationError(_("Enter the start and the end of the period."))
    if ends_on < starts_on:
        raise ValidationError(_("The period must end on or after its start."))


# --- rounds --------------------------------------------------------------------------------------------------


@transaction.atomic
def round_open(
    *,
    unit: Unit,
    title: str,
    starts_on: dt.date,
    ends_on: dt.date,
    target_groups: list[str] | None = None,
    scope_note: str = "",
    actor: Actor,
    drafted_from: NeedsRound | None = None,
) -> NeedsRound:
    """Open a needs round for a unit's subtree."""
    _check_unit(unit)
    title = (title or "").strip()
    if not title:
        raise ValidationError(_("Enter a title for the round."))
    _check_period(starts_on, ends_on)
    rnd = NeedsRound.objects.create(
        unit=unit,
        unit_path=unit.path,
        title=title[:120],
        starts_on=starts_on,
        ends_on=ends_on,
        target_groups=_check_groups(target_groups or []),
        scope_note=(scope_note or "").strip()[:200],
        created_by=actor,
        drafted_from=drafted_from,
    )
    ROUND.begin(rnd, actor=actor, step="open")
    return rnd


@transaction.atomic
def round_close(*, round: NeedsRound, actor: Actor, today: dt.date | None = None) -> NeedsRound:
    """Close a round and draft the next one from its unmet and recurring needs (the loop's sixth step).

    The flip is a conditional update, so two staff closing at once cannot both draft a next round.
    """
    if round.status != NeedsRound.Status.OPEN:
        raise Conflict(_("This needs round has already been closed."))
    ROUND.apply("close", round, actor=actor, cleaned={}, skip_actor_check=True)
    today = today or timezone.localdate()
    length = max((round.ends_on - round.starts_on).days, 0)
    starts = max(round.ends_on + dt.timedelta(days=1), today)
    with unit_language():  # stored data, read by everyone: not in the closing clerk's UI language
        title = _("%(title)s (next round)") % {"title": round.title[:100]}
    nxt = NeedsRound.objects.create(
        unit=round.unit,
        unit_path=round.unit_path,
        title=title,
        starts_on=starts,
        ends_on=starts + dt.timedelta(days=length),
        target_groups=round.target_groups,
        scope_note=round.scope_note,
        created_by=actor,
        drafted_from=round,
    )
    carried = [
        Need(
            round=nxt,
            unit_id=need.unit_id,
            unit_path=need.unit_path,
            source=need.source,
            category=need.category,
            focus_group=need.focus_group,
            description=need.description,
            recurring=True,
            recurrence_count=need.recurrence_count + 1,
            drafted_from=need,
            created_by=actor,
        )
        for need in round.needs.filter(CARRY_OVER).order_by("id")
    ]
    Need.objects.bulk_create(carried)
    _first_events(carried, actor=actor, step="carry_over")
    for need in carried:
        counters_add_row("need", need)
    with unit_language():
        note = _("Drafted from %(title)s: %(n)d needs carried over") % {"title": round.title, "n": len(carried)}
    ROUND.begin(nxt, actor=actor, step="draft", note=note)
    return nxt


# --- needs ---------------------------------------------------------------------------------------------------


def _check_need_fields(*, category: str, focus_group: str, description: str) -> str:
    if category and category not in Platform.values:
        raise ValidationError(_("Unknown service platform."))
    if focus_group and focus_group not in FocusGroup.values:
        raise ValidationError(_("Unknown focus group."))
    description = (description or "").strip()
    if not description:
        raise ValidationError(_("Describe the need."))
    return description


def _check_round_open(rnd: NeedsRound) -> None:
    if rnd.status != NeedsRound.Status.OPEN:
        raise Conflict(_("This needs round has already been closed."))


def _first_events(needs: list[Need], *, actor: Actor, step: str) -> None:
    """The first timeline row of needs written in bulk (the bulk action writes the one audit row)."""
    NeedEvent.objects.bulk_create(
        NeedEvent(subject=n, from_status="", to_status=n.status, step=step, actor=actor, unit_id=n.unit_id)
        for n in needs
    )


def _check_unit_in_round(rnd: NeedsRound, unit: Unit) -> None:
    _check_unit(unit)
    if not unit.path.startswith(rnd.unit_path):
        raise ValidationError(_("The unit must lie inside the round's area."))


@transaction.atomic
def need_record(
    *,
    round: NeedsRound,
    unit: Unit,
    description: str,
    actor: Actor,
    source: str = Need.Source.OTHER,
    category: str = "",
    focus_group: str = "",
    order: Any = None,
) -> Need:
    """Record a need in an open round."""
    _check_round_open(round)
    _check_unit_in_round(round, unit)
    if source not in Need.Source.values:
        raise ValidationError(_("Unknown source."))
    description = _check_need_fields(category=category, focus_group=focus_group, description=description)
    need = Need.objects.create(
        round=round,
        unit=unit,
        unit_path=unit.path,
        source=source,
        category=category,
        focus_group=focus_group,
        description=description,
        order=order,
        created_by=actor,
    )
    NEED.begin(need, actor=actor, step="record")
    counters_add_row("need", need)
    return need


@transaction.atomic
def need_record_visit(
    *,
    round: NeedsRound,
    resident: Any,
    visited_on: dt.date,
    focus_group: str,
    category: str,
    description: str,
    actor: Actor,
) -> Need:
    """A door-to-door visit (入户走访) to an empty-nest elder or a left-behind child.

    The need links the visited resident; their phone, address and ID stay in the resident record only.
    """
    _check_round_open(round)
    if resident is None:
        raise ValidationError(_("Choose the resident you visited."))
    unit = resident.unit
    _check_unit_in_round(round, unit)
    if focus_group not in (FocusGroup.EMPTY_NEST_ELDERLY, FocusGroup.LEFT_BEHIND_CHILD, FocusGroup.HARDSHIP):
        raise ValidationError(_("Choose the focus group of the visited person."))
    if visited_on is None or visited_on > timezone.localdate():
        raise ValidationError(_("The visit date cannot be in the future."))
    description = _check_need_fields(category=category, focus_group=focus_group, description=description)
    need = Need.objects.create(
        round=round,
        unit=unit,
        unit_path=unit.path,
        source=Need.Source.VISIT,
        category=category,
        focus_group=focus_group,
        description=description,
        visited_resident=resident,
        visited_on=visited_on,
        created_by=actor,
    )
    NEED.begin(need, actor=actor, step="visit")
    counters_add_row("need", need)
    return need


@transaction.atomic
def need_update(
    *,
    need: Need,
    actor: Actor,
    category: str,
    focus_group: str,
    description: str,
    status: str,
    unmet_reason: str = "",
    order: Any = None,
    activity: Any = None,
    recurring: bool = False,
) -> Need:
    """Categorise a need and record how it ended: met (with an order or activity), planned, or unmet (why)."""
    description = _check_need_fields(category=category, focus_group=focus_group, description=description)
    if status not in Need.Status.values:
        raise ValidationError(_("Unknown status."))
    unmet_reason = (unmet_reason or "").strip()
    if status == Need.Status.UNMET and not unmet_reason:
        raise ValidationError(_("Say why the need could not be met."))
    if status == Need.Status.MET and order is None and activity is None:
        raise ValidationError(_("A met need links the order or the activity that met it."))
    if order is not None and not order.unit_path.startswith(need.round.unit_path):
        raise ValidationError(_("The order must belong to the round's area."))
    if activity is not None and not getattr(activity, "unit_path", need.round.unit_path).startswith(
        need.round.unit_path
    ):
        raise ValidationError(_("The activity must belong to the round's area."))
    need.category = category
    need.focus_group = focus_group
    need.description = description
    need.recurring = recurring
    outcome: dict[str, Any] = {
        "unmet_reason": unmet_reason if status == Need.Status.UNMET else "",
        "order": order if status == Need.Status.MET else None,
        "activity": activity if status == Need.Status.MET else None,
        "resolved_at": timezone.now() if status in (Need.Status.MET, Need.Status.UNMET) else None,
    }
    edited = ["category", "focus_group", "description", "recurring"]
    step = need_step_between(need.status, status)
    if step is None:
        for name, value in outcome.items():
            setattr(need, name, value)
        need.save(update_fields=[*edited, *outcome])
    else:  # the status moves only through the declared step, with the outcome in the same conditional update
        need.save(update_fields=edited)
        NEED.apply(step, need, actor=actor, cleaned={}, changes=outcome, note=str(outcome["unmet_reason"]))
    audit_record(action="need_update", actor=actor, unit=need.unit, obj=need, detail=status)
    return need


# --- questionnaires ------------------------------------------------------------------------------------------


@transaction.atomic
def survey_create(
    *,
    unit: Unit,
    title: str,
    intro: str = "",
    round: NeedsRound | None = None,
    actor: Actor,
    allow_anonymous: bool = True,
    ask_phone: bool = False,
) -> Survey:
    _check_unit(unit)
    title = (title or "").strip()
    if not title:
        raise ValidationError(_("Enter a title for the questionnaire."))
    if round is not None and not unit.path.startswith(round.unit_path):
        raise ValidationError(_("The unit must lie inside the round's area."))
    survey = Survey.objects.create(
        unit=unit,
        unit_path=unit.path,
        title=title[:120],
        intro=(intro or "").strip(),
        round=round,
        created_by=actor,
        allow_anonymous=bool(allow_anonymous),
        ask_phone=bool(ask_phone),
    )
    SURVEY.begin(survey, actor=actor, step="create")
    return survey


def _parse_options(kind: str, options: list[str] | str) -> list[str]:
    if isinstance(options, str):
        options = options.splitlines()
    cleaned = list(dict.fromkeys(o.strip()[:100] for o in options or [] if o and o.strip()))
    if kind in (Question.Kind.SINGLE, Question.Kind.MULTIPLE):
        if len(cleaned) < 2:
            raise ValidationError(_("A choice question needs at least two options, one per line."))
        if len(cleaned) > MAX_OPTIONS:
            raise ValidationError(_("A question can have at most 20 options."))
        return cleaned
    return []


@transaction.atomic
def question_add(
    *, survey: Survey, kind: str, text: str, required: bool, options: list[str] | str = "", actor: Actor
) -> Question:
    if survey.status != Survey.Status.DRAFT:
        raise Conflict(_("Questions can only be changed while the questionnaire is a draft."))
    if kind not in Question.Kind.values:
        raise ValidationError(_("Unknown question kind."))
    text = (text or "").strip()
    if not text:
        raise ValidationError(_("Enter the question."))
    position = survey.questions.count() + 1
    question = Question.objects.create(
        survey=survey,
        position=position,
        kind=kind,
        text=text[:300],
        required=bool(required),
        options=_parse_options(kind, options),
    )
    audit_record(action="survey_question_add", actor=actor, unit=survey.unit, obj=survey)
    return question


@transaction.atomic
def question_remove(*, question: Question, actor: Actor) -> None:
    survey = question.survey
    if survey.status != Survey.Status.DRAFT:
        raise Conflict(_("Questions can only be changed while the questionnaire is a draft."))
    question.delete()
    audit_record(action="survey_question_remove", actor=actor, unit=survey.unit, obj=survey)


@transaction.atomic
def survey_publish(*, survey: Survey, actor: Actor) -> Survey:
    if survey.status != Survey.Status.DRAFT:
        raise Conflict(_("Only a draft questionnaire can be opened."))
    if not survey.questions.exists():
        raise ValidationError(_("Add at least one question before opening the questionnaire."))
    SURVEY.apply("open", survey, actor=actor, cleaned={}, skip_actor_check=True)
    return survey


@transaction.atomic
def survey_close(*, survey: Survey, actor: Actor) -> Survey:
    if survey.status != Survey.Status.OPEN:
        raise Conflict(_("This questionnaire is not open."))
    SURVEY.apply("close", survey, actor=actor, cleaned={}, skip_actor_check=True)
    return survey


@transaction.atomic
@transaction.atomic
def survey_set_paper_distributed(*, survey: Survey, count: int, actor: Actor) -> Survey:
    """Record how many paper copies were handed out (a number, not the copies themselves)."""
    try:
        count = int(count)
    except (TypeError, ValueError):
        raise ValidationError(_("Enter a whole number of copies.")) from None
    if count < 0 or count > MAX_PAPER:
        raise ValidationError(_("Enter a whole number of copies."))
    paper = survey.responses.filter(channel=Response.Channel.PAPER).count()
    if count < paper:
        raise ValidationError(
            _("%(n)s paper answers are already entered; copies handed out cannot be fewer.") % {"n": paper}
        )
    before = contribution_of("survey", Survey.objects.get(pk=survey.pk))
    Survey.objects.filter(pk=survey.pk).update(paper_distributed=count)
    survey.paper_distributed = count
    counters_follow("survey", survey, before)
    audit_record(
        action="survey_paper_distributed", actor=actor, unit=survey.unit, obj=survey, detail=str(count)
    )
    return survey


def _clean_answers(survey: Survey, data: dict[int, Any]) -> list[Answer]:
    """Validate raw answers {question id: value}; every problem is reported, nothing is written."""
    errors: list[str] = []
    rows: list[Answer] = []
    for q in survey.questions.all():
        raw = data.get(q.pk)
        if q.kind == Question.Kind.MULTIPLE:
            values = [v for v in (raw or []) if v]
            values = list(dict.fromkeys(values))
            if any(v not in q.options for v in values):
                errors.append(_("“%(q)s”: choose from the options given.") % {"q": q.text})
                continue
            if not values:
                if q.required:
                    errors.append(_("“%(q)s” must be answered.") % {"q": q.text})
                continue
            rows.append(Answer(question=q, choices=values))
        elif q.kind == Question.Kind.SINGLE:
            value = (raw[0] if isinstance(raw, list) and raw else raw) or ""
            if not value:
                if q.required:
                    errors.append(_("“%(q)s” must be answered.") % {"q": q.text})
                continue
            if value not in q.options:
                errors.append(_("“%(q)s”: choose from the options given.") % {"q": q.text})
                continue
            rows.append(Answer(question=q, choices=[value]))
        elif q.kind == Question.Kind.RATING:
            value = (raw[0] if isinstance(raw, list) and raw else raw) or ""
            if value in ("", None):
                if q.required:
                    errors.append(_("“%(q)s” must be answered.") % {"q": q.text})
                continue
            try:
                score = int(value)
            except (TypeError, ValueError):
                score = 0
            if not 1 <= score <= 5:
                errors.append(_("“%(q)s”: give a score from 1 to 5.") % {"q": q.text})
                continue
            rows.append(Answer(question=q, rating=score))
        else:
            value = (raw[0] if isinstance(raw, list) and raw else raw) or ""
            value = str(value).strip()
            if not value:
                if q.required:
                    errors.append(_("“%(q)s” must be answered.") % {"q": q.text})
                continue
            rows.append(Answer(question=q, text=value[:2000]))
    if errors:
        raise ValidationError(errors)
    return rows


@transaction.atomic
def response_submit(*, survey: Survey, respondent: Any, answers: dict[int, Any]) -> Response:
    """A resident answers online, once per questionnaire."""
    if survey.status != Survey.Status.OPEN:
        raise Conflict(_("This questionnaire is not open for answers."))
    if Response.objects.filter(survey=survey, respondent=respondent).exists():
        raise Conflict(_("You have already answered this questionnaire. Thank you!"))
    rows = _clean_answers(survey, answers)
    try:
        with transaction.atomic():
            response = Response.objects.create(
                survey=survey, respondent=respondent, channel=Response.Channel.ONLINE
            )
    except IntegrityError:
        raise Conflict(_("You have already answered this questionnaire. Thank you!")) from None
    for row in rows:
        row.response = response
    Answer.objects.bulk_create(rows)
    counters_add_row("response", response)
    audit_record(action="survey_answer", actor=respondent, unit=survey.unit, obj=survey)
    return response


@transaction.atomic
def response_submit_anonymous(
    *, survey: Survey, device_key: str, answers: dict[int, Any], phone: str = "", request: Any = None
) -> Response:
    """Someone without an account answers from the poster's link: once per device (the id in its signed cookie,
    or the API client's device id) and, if the questionnaire asks for a mobile, once per number. Only keyed
    hashes of both are kept. Counted as distributed and collected like any online answer."""
    from civicloop.core.crypto import lookup_hash
    from civicloop.core.validators import MOBILE_RE, normalize_phone

    if survey.status != Survey.Status.OPEN:
        raise Conflict(_("This questionnaire is not open for answers."))
    if not survey.allow_anonymous:
        raise Conflict(_("This questionnaire is answered after signing in."))
    device_key = (device_key or "").strip()
    if not 16 <= len(device_key) <= 64:
        raise ValidationError(_("The device could not be recognised. Allow cookies and try again."))
    device_hash = lookup_hash(f"survey-device:{device_key}")
    phone_hash = ""
    if survey.ask_phone:
        number = normalize_phone(phone or "")
        if not MOBILE_RE.match(number):
            raise ValidationError(_("Enter a valid 11-digit mobile number."))
        phone_hash = lookup_hash(f"survey-phone:{survey.pk}:{number}")
    if Response.objects.filter(survey=survey, device_hash=device_hash).exists():
        raise Conflict(_("This device has already answered this questionnaire. Thank you!"))
    if phone_hash and Response.objects.filter(survey=survey, phone_hash=phone_hash).exists():
        raise Conflict(_("This mobile number has already answered this questionnaire. Thank you!"))
    rows = _clean_answers(survey, answers)
    try:
        with transaction.atomic():
            response = Response.objects.create(
                survey=survey, channel=Response.Channel.ONLINE, device_hash=device_hash, phone_hash=phone_hash
            )
    except IntegrityError:  # the same device or number, a moment earlier
        raise Conflict(_("This device has already answered this questionnaire. Thank you!")) from None
    for row in rows:
        row.response = response
    Answer.objects.bulk_create(rows)
    counters_add_row("response", response)
    audit_record(
        action="survey_answer", request=request, unit=survey.unit, obj=survey, detail="without an account"
    )
    return response


@transaction.atomic
def survey_options_set(*, survey: Survey, allow_anonymous: bool, ask_phone: bool, actor: Actor) -> Survey:
    """The owner decides whether the link works without an account, and whether it asks for a mobile."""
    Survey.objects.filter(pk=survey.pk).update(allow_anonymous=bool(allow_anonymous), ask_phone=bool(ask_phone))
    survey.allow_anonymous, survey.ask_phone = bool(allow_anonymous), bool(ask_phone)
    audit_record(
        action="survey_options",
        actor=actor,
        unit=survey.unit,
        obj=survey,
        detail=f"anonymous={int(survey.allow_anonymous)} phone={int(survey.ask_phone)}",
    )
    return survey


@transaction.atomic
def response_enter_paper(*, survey: Survey, answers: dict[int, Any], actor: Actor) -> Response:
    """Staff type in one paper copy. The copies handed out grow if needed so collected ≤ distributed."""
    if survey.status == Survey.Status.DRAFT:
        raise Conflict(_("Open the questionnaire before entering answers."))
    rows = _clean_answers(survey, answers)
    response = Response.objects.create(survey=survey, channel=Response.Channel.PAPER, entered_by=actor)
    for row in rows:
        row.response = response
    Answer.objects.bulk_create(rows)
    counters_add_row("response", response)
    before = contribution_of("survey", Survey.objects.get(pk=survey.pk))
    paper = survey.responses.filter(channel=Response.Channel.PAPER).count()
    Survey.objects.filter(pk=survey.pk, paper_distributed__lt=paper).update(paper_distributed=paper)
    survey.refresh_from_db(fields=["paper_distributed"])
    counters_follow("survey", survey, before)
    audit_record(action="survey_paper_entry", actor=actor, unit=survey.unit, obj=survey)
    return response


IMPORT_LIMIT = 2000
ORDER_SKIP = ("rejected", "cancelled")


@transaction.atomic
def round_import_orders(*, round: NeedsRound, actor: Actor) -> int:
    """Bring the orders placed in the round's area and period in as needs (source: order).

    A closed order is a met need linked to it; others stay open for staff to follow. Orders already in the
    round are skipped, so importing again only adds new ones. At most IMPORT_LIMIT orders per run.
    """
    from civicloop.orders.models import Order

    _check_round_open(round)
    have = set(round.needs.exclude(order=None).values_list("order_id", flat=True))
    orders = (
        Order.objects.filter(
            unit_path__startswith=round.unit_path,
            created_at__date__gte=round.starts_on,
            created_at__date__lte=round.ends_on,
        )
        .exclude(status__in=ORDER_SKIP)
        .exclude(pk__in=have)
        .order_by("created_at")[:IMPORT_LIMIT]
    )
    now = timezone.now()
    rows = [
        Need(
            round=round,
            unit_id=o.unit_id,
            unit_path=o.unit_path,
            source=Need.Source.ORDER,
            category=o.category,
            focus_group=o.focus_group,
            description=o.title,
            order=o,
            status=Need.Status.MET if o.status == "closed" else Need.Status.OPEN,
            resolved_at=now if o.status == "closed" else None,
            created_by=actor,
        )
        for o in orders
    ]
    Need.objects.bulk_create(rows)
    _first_events(rows, actor=actor, step="import")
    for need in rows:
        counters_add_row("need", need)
    audit_record(action="needs_import_orders", actor=actor, unit=round.unit, obj=round, detail=str(len(rows)))
    return len(rows)
