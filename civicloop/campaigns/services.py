"""Campaign use cases. Each is one transaction; workflow moves go through campaigns.workflow (which keeps the
考核 counters in the same transaction)."""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from typing import TYPE_CHECKING, Any

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.db.models import F, Q
from django.utils import timezone
from django.utils.translation import gettext as _

from civicloop import access
from civicloop.audit.services import audit_record
from civicloop.campaigns import figures, selectors
from civicloop.campaigns import policies as policy
from civicloop.campaigns.models import (
    DEFAULT_WEIGHTS,
    Action,
    Bulletin,
    Campaign,
    Exposure,
    Liaison,
    Problem,
    ProblemEvent,
    ProblemPhoto,
    StandardItem,
    Task,
    Visit,
    VisitPhoto,
)
from civicloop.campaigns.workflow import EXPOSURE, PROBLEM, TASK, save_photo
from civicloop.core.exceptions import Conflict
from civicloop.core.workflow import Actor
from civicloop.network.models import Unit

if TYPE_CHECKING:
    from civicloop.people.models import User


def _denied() -> PermissionDenied:
    return PermissionDenied(_("You do not have permission to do this."))


# --- campaigns and tasks -----------------------------------------------------------------------------------


# The settings an office may change after creation; the command unit stays (the 考核 counters hang off its path).
CAMPAIGN_SETTINGS = ("year", "name", "goal", "visit_target", "recurrence_days", "recurrence_metres")


def _clean_actions(actions: Sequence[str]) -> list[str]:
    names = [a.strip() for a in actions if a and a.strip()]
    if len(names) != len(set(names)):
        raise ValidationError({"actions": [_("Each action may appear only once.")]})
    if any(len(n) > 100 for n in names):
        raise ValidationError({"actions": [_("An action's name is at most 100 characters.")]})
    return names


def _check_unique_name(*, command_unit: Unit, year: int, name: str, exclude: int | None = None) -> None:
    same = Campaign.objects.filter(command_unit=command_unit, year=year, name=name.strip())
    if exclude is not None:
        same = same.exclude(pk=exclude)
    if same.exists():
        raise ValidationError({"name": [_("This unit already runs a campaign with this name in this year.")]})


@transaction.atomic
def campaign_create(
    *,
    actor: Actor,
    year: int,
    name: str,
    goal: str,
    command_unit: Unit,
    actions: Sequence[str] = (),
    visit_target: int | None = None,
    recurrence_days: int | None = None,
    recurrence_metres: int | None = None,
) -> Campaign:
    """The office (or a town's 所) opens a campaign with its actions (八大行动); `actor=None` is the platform
    (demo, bench)."""
    if actor is not None and not policy.can_create_campaign(actor, command_unit):
        raise _denied()
    names = _clean_actions(actions)
    _check_unique_name(command_unit=command_unit, year=year, name=name)
    extra = {k: v for k, v in (("visit_target", visit_target), ("recurrence_days", recurrence_days),
                               ("recurrence_metres", recurrence_metres)) if v is not None}
    campaign = Campaign.objects.create(
        year=year, name=name.strip(), goal=goal, command_unit=command_unit, unit_path=command_unit.path, **extra
    )
    for i, action in enumerate(names):
        Action.objects.create(campaign=campaign, name=action, position=i)
    audit_record(action="campaigns.campaign_create", actor=actor, unit=command_unit, obj=campaign)
    return campaign


@transaction.atomic
def campaign_update(*, actor: Actor, campaign: Campaign, **values: Any) -> Campaign:
    """Change the campaign's name, year, goal and 督导/recurrence settings (only the fields given)."""
    if not policy.can_manage_campaign(actor, campaign):
        raise _denied()
    unknown = set(values) - set(CAMPAIGN_SETTINGS)
    if unknown:
        raise ValidationError(_("These fields cannot be changed: %(fields)s.") % {"fields": ", ".join(sorted(unknown))})
    changed = {k: v for k, v in values.items() if getattr(campaign, k) != v}
    if "name" in changed or "year" in changed:
        _check_unique_name(command_unit=campaign.command_unit, year=values.get("year", campaign.year),
                           name=values.get("name", campaign.name), exclude=campaign.pk)
    if changed:
        Campaign.objects.filter(pk=campaign.pk).update(**changed)
        for k, v in changed.items():
            setattr(campaign, k, v)
        audit_record(action="campaigns.campaign_update", actor=actor, unit=campaign.command_unit, obj=campaign,
                     detail=",".join(sorted(changed)))
    return campaign


@transaction.atomic
def action_add(*, actor: Actor, campaign: Campaign, name: str) -> Action:
    if not policy.can_manage_campaign(actor, campaign):
        raise _denied()
    name = name.strip()
    if campaign.actions.filter(name=name).exists():
        raise ValidationError({"name": [_("This campaign already has an action with this name.")]})
    last = campaign.actions.order_by("-position").values_list("position", flat=True).first()
    action = Action.objects.create(campaign=campaign, name=name, position=(last + 1) if last is not None else 0)
    audit_record(action="campaigns.action_add", actor=actor, unit=campaign.command_unit, obj=campaign)
    return action


@transaction.atomic
def action_update(*, actor: Actor, action: Action, name: str) -> Action:
    """Rename an action (its tasks stay with it)."""
    campaign = action.campaign
    if not policy.can_manage_campaign(actor, campaign):
        raise _denied()
    name = name.strip()
    if campaign.actions.filter(name=name).exclude(pk=action.pk).exists():
        raise ValidationError({"name": [_("This campaign already has an action with this name.")]})
    if name != action.name:
        Action.objects.filter(pk=action.pk).update(name=name)
        action.name = name
        audit_record(action="campaigns.action_update", actor=actor, unit=campaign.command_unit, obj=campaign)
    return action


@transaction.atomic
def task_create(
    *,
    actor: Actor,
    action: Action,
    title: str,
    due_at: dt.datetime,
    lead_department: Unit,
    units: Sequence[Unit],
    items: Sequence[str],
) -> Task:
    campaign = action.campaign
    if actor is not None and not policy.can_manage_campaign(actor, campaign):
        raise _denied()
    if not units:
        raise ValidationError({"units": [_("Name at least one responsible unit.")]})
    outside = [u for u in [lead_department, *units] if not u.path.startswith(campaign.unit_path)]
    if outside:
        raise ValidationError({"units": [_("Units must belong to the campaign's area.")]})
    task = Task.objects.create(
        campaign=campaign, action=action, title=title, due_at=due_at, lead_department=lead_department,
        unit_path=lead_department.path,
    )
    task.units.set(units)
    for i, text in enumerate(items):
        StandardItem.objects.create(task=task, text=text, position=i)
    day = figures.day_of(due_at)
    for unit in units:
        figures.bump(campaign.pk, unit.path, day, tasks_due=1)
    audit_record(action="campaigns.task_create", actor=actor, unit=lead_department, obj=task)
    return task


def weights_set(*, actor: Actor, campaign: Campaign, weights: dict[str, int]) -> Campaign:
    if not policy.can_manage_campaign(actor, campaign):
        raise _denied()
    clean = {k: int(weights[k]) for k in DEFAULT_WEIGHTS if k in weights}
    if set(clean) != set(DEFAULT_WEIGHTS) or any(v < 0 or v > 100 for v in clean.values()) or sum(clean.values()) != 100:
        raise ValidationError(_("The weights must add up to 100."))
    with transaction.atomic():
        Campaign.objects.filter(pk=campaign.pk).update(weights=clean)
        campaign.weights = clean
        audit_record(action="campaigns.weights_set", actor=actor, unit=campaign.command_unit, obj=campaign)
    return campaign


# --- problems ----------------------------------------------------------------------------------------------


def _report_event(problem: Problem, actor: Actor) -> None:
    ProblemEvent.objects.create(subject=problem, from_status="", to_status="reported", step="report", actor=actor,
                                unit=problem.unit)


@transaction.atomic
def problem_inspect(
    *,
    actor: Actor,
    campaign: Campaign,
    category: str,
    unit: Unit,
    description: str,
    photo: Any,
    place: str = "",
    lat: float | None = None,
    lng: float | None = None,
    item: StandardItem | None = None,
    request: Any = None,
) -> Problem:
    """An inspector's problem: reported, registered (立案) and assigned (交办) to the unit in one go."""
    if not policy.can_inspect(actor, campaign):
        raise _denied()
    if not policy.inspection_units(actor, campaign).filter(pk=unit.pk).exists():
        raise ValidationError({"unit": [_("Choose a unit inside your own area.")]})
    if item is not None and item.task.campaign_id != campaign.pk:
        raise ValidationError({"item": [_("This checklist item belongs to another campaign.")]})
    problem = Problem.objects.create(
        campaign=campaign, task=item.task if item else None, item=item, category=category,
        description=description, place=place, lat=lat, lng=lng, source=Problem.Source.INSPECTOR, reporter=actor,
        unit=unit, unit_path=unit.path, created_at=timezone.now(),
    )
    _report_event(problem, actor)
    if photo is not None:
        saved = save_photo(problem, photo, ProblemPhoto.Kind.BEFORE)
        if problem.lat is None and saved.lat is not None:  # no browser position: the camera's, if it wrote one
            Problem.objects.filter(pk=problem.pk).update(lat=saved.lat, lng=saved.lng)
            problem.lat, problem.lng = saved.lat, saved.lng
    PROBLEM.apply("register", problem, actor=actor, request=request,
                  cleaned={"unit": unit, "category": category, "note": ""})
    PROBLEM.apply("assign", problem, actor=actor, request=request, cleaned={})
    return problem


def _report_scope(resident_unit: Unit | None, campaign: Campaign) -> Unit:
    """Residents' reports wait for acceptance at the town/street above their station (never at the station
    that would have to fix it)."""
    if resident_unit is None or not resident_unit.path.startswith(campaign.unit_path):
        return campaign.command_unit
    parent = Unit.objects.get_parent(resident_unit)
    if parent is None or not parent.path.startswith(campaign.unit_path):
        return campaign.command_unit
    return parent


@transaction.atomic
def problem_report_resident(
    *,
    actor: User,
    campaign: Campaign,
    category: str,
    description: str,
    photo: Any,
    place: str = "",
    lat: float | None = None,
    lng: float | None = None,
) -> Problem:
    """随手拍: a resident's report, waiting for staff to accept it. The resident is recorded as the reporter only
    (never shown on public pages)."""
    resident = access.resident_of(actor)
    if resident is None:
        raise _denied()
    scope = _report_scope(resident.unit, campaign)
    problem = Problem.objects.create(
        campaign=campaign, category=category, description=description, place=place, lat=lat, lng=lng,
        source=Problem.Source.RESIDENT, reporter=actor, unit=None, unit_path=scope.path, created_at=timezone.now(),
    )
    _report_event(problem, actor)
    if photo is not None:
        save_photo(problem, photo, ProblemPhoto.Kind.BEFORE)
    audit_record(action="campaigns.problem.report", actor=actor, unit=scope, obj=problem)
    return problem


@transaction.atomic
def problem_photo_add(*, actor: Actor, problem: Problem, photo: Any, kind: str) -> ProblemPhoto:
    """An after-photo uploaded before the rectify step (the API's way to attach files)."""
    if kind != ProblemPhoto.Kind.AFTER or not policy.can_rectify_problem(actor, problem):
        raise _denied()
    if problem.status != "assigned":
        raise Conflict(_("Photos can be added only while the problem waits for rectification."))
    return save_photo(problem, photo, kind)


def campaigns_escalate_overdue(limit: int = 500) -> int:
    """Periodic: raise each overdue problem (and task) once per deadline to the superior unit (督办)."""
    now = timezone.now()
    raised = 0
    problems = (
        Problem.objects.filter(status="assigned", due_at__lt=now)
        .filter(Q(escalated_due__isnull=True) | ~Q(escalated_due=F("due_at")))
        .select_related("unit", "escalated_to", "campaign")
        .order_by("due_at")[:limit]
    )
    for problem in problems:
        try:
            PROBLEM.run("escalate", problem, actor=None, automatic=True)
            raised += 1
        except Conflict:  # moved meanwhile
            continue
    tasks = (
        Task.objects.filter(status__in=["open", "submitted"], due_at__lt=now)
        .filter(Q(escalated_due__isnull=True) | ~Q(escalated_due=F("due_at")))
        .select_related("campaign", "lead_department")
        .order_by("due_at")[:limit]
    )
    for task in tasks:
        try:
            TASK.run("escalate", task, actor=None, automatic=True)
            raised += 1
        except Conflict:
            continue
    return raised


# --- 包联 ---------------------------------------------------------------------------------------------------


@transaction.atomic
def liaison_assign(*, actor: Actor, campaign: Campaign, leader: Any, unit: Unit) -> Liaison:
    if not policy.can_manage_campaign(actor, campaign):
        raise _denied()
    if not unit.path.startswith(campaign.unit_path):
        raise ValidationError({"unit": [_("Units must belong to the campaign's area.")]})
    if not access.is_office(leader):
        raise ValidationError({"leader": [_("包联 leaders are accounts of the civilisation office.")]})
    liaison, created = Liaison.objects.get_or_create(
        campaign=campaign, leader=leader, unit=unit, defaults={"unit_path": unit.path}
    )
    if not created:
        raise ValidationError(_("This leader is already in charge of this unit."))
    audit_record(action="campaigns.liaison_assign", actor=actor, unit=unit, obj=liaison)
    return liaison


@transaction.atomic
def visit_log(
    *, actor: Actor, liaison: Liaison, unit: Unit, visited_on: dt.date, place: str, findings: str, photo: Any = None
) -> Visit:
    if not policy.can_log_visit(actor, liaison, unit):
        raise _denied()
    if visited_on > timezone.localdate():
        raise ValidationError({"visited_on": [_("The visit date cannot be in the future.")]})
    visit = Visit.objects.create(
        liaison=liaison, unit=unit, unit_path=unit.path, visited_on=visited_on, place=place, findings=findings
    )
    if photo is not None:
        vp = VisitPhoto(visit=visit)
        vp.image.save(getattr(photo, "name", "visit.jpg") or "visit.jpg", photo, save=False)
        vp.save()
    figures.bump(liaison.campaign_id, unit.path, visited_on, visits=1)
    audit_record(action="campaigns.visit_log", actor=actor, unit=unit, obj=visit)
    return visit


# --- 通报 and 曝光 -------------------------------------------------------------------------------------------


@transaction.atomic
def bulletin_issue(*, actor: Actor, campaign: Campaign, unit: Unit, month: dt.date) -> Bulletin:
    """Freeze the month's ranking of the unit's children; the 通报 names the top and the bottom."""
    if not policy.can_manage_campaign(actor, campaign) or not policy.covers_path(actor, unit.path):
        raise _denied()
    month = month.replace(day=1)
    if month > timezone.localdate():
        raise ValidationError({"month": [_("This month has not started yet.")]})
    if Bulletin.objects.filter(campaign=campaign, unit=unit, month=month).exists():
        raise Conflict(_("The bulletin for this month has already been issued."))
    start, end = selectors.month_range(month)
    rows = [
        {"unit_id": r["unit"].pk, "name": r["unit"].name, "score": r["score"], **r["counts"],
         **{f"rate_{k}": v for k, v in r["rates"].items()}, "overdue": r["overdue"]}
        for r in selectors.ranking(campaign, unit, start, end)
    ]
    bulletin = Bulletin.objects.create(campaign=campaign, month=month, unit=unit, rows=rows, issued_by=actor)
    audit_record(action="campaigns.bulletin_issue", actor=actor, unit=unit, obj=bulletin)
    return bulletin


@transaction.atomic
def exposure_propose(
    *, actor: Actor, campaign: Campaign, kind: str, title: str, text: str, photo_mode: str,
    unit: Unit | None = None, problem_id: int | None = None,
) -> Exposure:
    if not policy.can_propose_exposure(actor, campaign):
        raise _denied()
    problem = None
    if problem_id:
        problem = policy.visible_problems(actor).filter(pk=problem_id, campaign=campaign).first()
        if problem is None or problem.unit is None:
            raise ValidationError({"problem": [_("No registered problem with this number in this campaign.")]})
        unit = problem.unit
    if unit is None or not policy.covers_path(actor, unit.path) or not unit.path.startswith(campaign.unit_path):
        raise ValidationError({"unit": [_("Choose a unit inside your own area.")]})
    if photo_mode != Exposure.PhotoMode.NONE and (problem is None or not problem.photos.exists()):
        raise ValidationError({"photo_mode": [_("Only a problem with a photo can show one.")]})
    exposure = Exposure.objects.create(
        campaign=campaign, kind=kind, title=title, text=text, unit=unit, unit_path=unit.path, problem=problem,
        photo_mode=photo_mode, proposed_by=actor,
    )
    ExposureEventModel = EXPOSURE.event_model
    assert ExposureEventModel is not None
    ExposureEventModel._default_manager.create(
        subject=exposure, from_status="", to_status="proposed", step="propose", actor=actor, unit=unit
    )
    audit_record(action="campaigns.exposure.propose", actor=actor, unit=unit, obj=exposure)
    return exposure
