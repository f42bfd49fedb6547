"""The campaign's workflows, declared once: problems (数字化城管: 受理/立案 → 交办 → 整改 → 核查 → 销号, 返工 back),
tasks (progress reports → done) and exposure entries (proposed → published by a second person → withdrawn).

Every step that changes a 考核 figure adds to the per-unit day counters in its `after` hook, inside the step's
transaction, so the figures never drift from the rows (figures.recount proves it)."""

from __future__ import annotations

import datetime as dt
import math
from typing import Any

from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _
from django.utils.translation import gettext_noop

from civicloop.campaigns import figures
from civicloop.campaigns import policies as policy
from civicloop.campaigns.forms import (
    ApproveExposureForm,
    ExtendForm,
    FailForm,
    RectifyForm,
    RegisterForm,
    TaskReportForm,
)
from civicloop.campaigns.models import (
    CATEGORY_HOURS,
    Exposure,
    ExposureEvent,
    Problem,
    ProblemEvent,
    ProblemPhoto,
    Task,
    TaskEvent,
    TaskReport,
)
from civicloop.core.msg import Msg
from civicloop.core.workflow import HELD, TERMINAL, Actor, Ctx, Notice, State, Step, Workflow, nobody
from civicloop.network.models import Unit


def staff_users(unit: Any) -> list[Any]:
    from civicloop.network.models import Membership

    if unit is None:
        return []
    return [m.user for m in Membership.objects.filter(unit=unit, role=Membership.Role.STAFF).select_related("user")]


def _day(event: Any) -> dt.date:
    return figures.day_of(event.created_at)


def _count(problem: Problem, event: Any, **deltas: int) -> None:
    figures.bump(problem.campaign_id, problem.unit_path, _day(event), **deltas)


def deadline_for(category: str, start: dt.datetime) -> dt.datetime:
    return start + dt.timedelta(hours=CATEGORY_HOURS.get(category, 72))


# --- problems ----------------------------------------------------------------------------------------------

EARTH_M = 6_371_000.0


def distance_m(lat1: float, lng1: float, lat2: float, lng2: float) -> float:
    p1, p2 = math.radians(lat1), math.radians(lat2)
    dp, dl = p2 - p1, math.radians(lng2 - lng1)
    a = math.sin(dp / 2) ** 2 + math.cos(p1) * math.cos(p2) * math.sin(dl / 2) ** 2
    return 2 * EARTH_M * math.asin(math.sqrt(a))


def find_recurrence(problem: Problem, *, unit: Any, category: str, now: dt.datetime) -> Problem | None:
    """The latest earlier problem of the same category at the same place (within the campaign's distance, or
    the same address at the same unit when there is no position) within the campaign's window."""
    campaign = problem.campaign
    since = now - dt.timedelta(days=campaign.recurrence_days)
    base = Problem.objects.filter(
        campaign=campaign, category=category, registered_at__gte=since, registered_at__isnull=False
    ).exclude(pk=problem.pk)
    if problem.lat is not None and problem.lng is not None:
        d_lat = campaign.recurrence_metres / 111_000
        d_lng = d_lat / max(0.1, math.cos(math.radians(problem.lat)))
        near = base.filter(
            lat__range=(problem.lat - d_lat, problem.lat + d_lat), lng__range=(problem.lng - d_lng, problem.lng + d_lng)
        ).order_by("-registered_at", "-pk")[:50]
        for other in near:
            if other.lat is None or other.lng is None:
                continue
            if distance_m(problem.lat, problem.lng, other.lat, other.lng) <= campaign.recurrence_metres:
                return other
        return None
    if problem.place.strip():
        return base.filter(unit=unit, place=problem.place.strip()).order_by("-registered_at", "-pk").first()
    return None


def _register_guard(ctx: Ctx) -> None:
    # the form already offers only these units; services that pass `cleaned` are held to the same rule here
    unit = ctx.data["unit"]
    if ctx.actor is None or not policy.register_units(ctx.actor, ctx.obj).filter(pk=unit.pk).exists():
        raise ValidationError({"unit": [_("Choose a unit inside your own area.")]})


def _register_form_kwargs(actor: Actor, problem: Problem) -> dict[str, Any]:
    return {"units": policy.register_units(actor, problem)}


def _register_changes(ctx: Ctx) -> dict[str, Any]:
    unit = ctx.data["unit"]
    category = ctx.data["category"]
    return {
        "unit": unit,
        "unit_path": unit.path,
        "category": category,
        "registered_at": ctx.now,
        "recurrence_of": find_recurrence(ctx.obj, unit=unit, category=category, now=ctx.now),
    }


def _register_after(ctx: Ctx, event: Any) -> None:
    _count(ctx.obj, event, registered=1, recurrences=1 if ctx.obj.recurrence_of_id else 0)


def _assign_notify(ctx: Ctx, event: Any) -> list[Notice]:
    return [
        Notice(
            recipients=staff_users(ctx.obj.unit),
            kind="campaign_problem_assigned",
            title=Msg(gettext_noop("A campaign problem was assigned to your unit for rectification")),
        )
    ]


def _rectify_guard(ctx: Ctx) -> None:
    if not ctx.data.get("photo") and not ctx.obj.photos.filter(kind=ProblemPhoto.Kind.AFTER).exists():
        raise ValidationError({"photo": [_("Add a photo taken after the rectification.")]})


def save_photo(problem: Problem, upload: Any, kind: str) -> ProblemPhoto:
    from civicloop.campaigns.photos import read_exif

    meta = read_exif(upload)
    photo = ProblemPhoto(problem=problem, kind=kind, **meta)
    photo.image.save(getattr(upload, "name", "photo.jpg") or "photo.jpg", upload, save=False)
    photo.save()
    return photo


def _rectify_after(ctx: Ctx, event: Any) -> None:
    if ctx.data.get("photo"):
        save_photo(ctx.obj, ctx.data["photo"], ProblemPhoto.Kind.AFTER)


def _supervisors(problem: Problem) -> list[Any]:
    parent = Unit.objects.get_parent(problem.unit) if problem.unit else None
    return staff_users(parent)


def _rectify_notify(ctx: Ctx, event: Any) -> list[Notice]:
    return [
        Notice(
            recipients=_supervisors(ctx.obj) + ([ctx.obj.reporter] if ctx.obj.reporter_id else []),
            kind="campaign_problem_rectified",
            title=Msg(gettext_noop("A campaign problem was rectified and awaits your check")),
        )
    ]


def _pass_changes(ctx: Ctx) -> dict[str, Any]:
    problem = ctx.obj
    on_time = bool(problem.rectified_at and problem.due_at and problem.rectified_at <= problem.due_at)
    return {"closed_at": ctx.now, "closed_on_time": on_time}


def _fail_notify(ctx: Ctx, event: Any) -> list[Notice]:
    return [
        Notice(
            recipients=staff_users(ctx.obj.unit),
            kind="campaign_problem_returned",
            title=Msg(gettext_noop("A rectification did not pass the check and was returned")),
            body=ctx.note,
        )
    ]


def _extend_changes(ctx: Ctx) -> dict[str, Any]:
    due = ctx.obj.due_at or ctx.now
    return {"due_at": due + dt.timedelta(hours=ctx.data["hours"]), "extension_count": ctx.obj.extension_count + 1}


def _escalate_changes(ctx: Ctx) -> dict[str, Any]:
    current = ctx.obj.escalated_to or ctx.obj.unit
    target = Unit.objects.get_parent(current) if current is not None else None
    return {
        "escalation_level": ctx.obj.escalation_level + 1,
        "escalated_to": target or current,
        "escalated_due": ctx.obj.due_at,
    }


def _escalate_notify(ctx: Ctx, event: Any) -> list[Notice]:
    return [
        Notice(
            recipients=staff_users(ctx.obj.escalated_to) + staff_users(ctx.obj.unit),
            kind="campaign_problem_escalated",
            title=Msg(gettext_noop("A campaign problem is overdue and was raised to the superior unit")),
        )
    ]


PROBLEM = Workflow(
    name="campaigns.problem",
    model=Problem,
    event_model=ProblemEvent,
    unit=lambda p: p.unit,
    url=lambda p: p.get_absolute_url(),
    label=_("Campaign problem"),
    states=[
        State("reported", _("Reported, awaiting acceptance"), badge="blue"),
        State("registered", _("Registered, awaiting assignment"), badge="blue"),
        State("assigned", _("Assigned for rectification"), badge="gold", kind=HELD),
        State("rectified", _("Rectified, awaiting check"), badge="gold"),
        State("closed", _("Closed after check"), badge="green", kind=TERMINAL),
        State("rejected", _("Not accepted"), badge="grey", kind=TERMINAL),
    ],
    steps=[
        # creating the problem writes this event (a label for the timeline; never offered as a step)
        Step("report", _("Reported"), sources={"reported"}, target=None, allowed=nobody),
        Step(
            "register", _("Register the problem"), sources={"reported"}, target="registered",
            allowed=policy.can_register_problem, form=RegisterForm, form_kwargs=_register_form_kwargs,
            guard=_register_guard,
            changes=_register_changes, after=_register_after,
        ),
        Step(
            "reject", _("Do not accept"), sources={"reported"}, target="rejected",
            allowed=policy.can_register_problem, note="required", style="danger",
        ),
        Step(
            "assign", _("Assign to the unit"), sources={"registered"}, target="assigned",
            allowed=policy.can_assign_problem,
            starts_deadline=lambda ctx: deadline_for(ctx.obj.category, ctx.now),
            after=lambda ctx, e: _count(ctx.obj, e, assigned=1), notify=_assign_notify,
        ),
        Step(
            "rectify", _("Report rectification"), sources={"assigned"}, target="rectified",
            allowed=policy.can_rectify_problem, form=RectifyForm, guard=_rectify_guard,
            changes=lambda ctx: {"rectified_at": ctx.now}, after=_rectify_after, notify=_rectify_notify,
        ),
        Step(
            "extend", _("Extend the deadline"), sources={"assigned"}, target=None,
            allowed=policy.can_check_problem, form=ExtendForm, changes=_extend_changes,
            after=lambda ctx, e: _count(ctx.obj, e, extensions=1), style="secondary",
        ),
        Step(
            "check_pass", _("Check passed: close"), sources={"rectified"}, target="closed",
            allowed=policy.can_check_problem, note="optional", changes=_pass_changes,
            after=lambda ctx, e: _count(ctx.obj, e, checks=1, closed=1, closed_on_time=int(bool(ctx.obj.closed_on_time))),
        ),
        Step(
            "check_fail", _("Check failed: return for rework"), sources={"rectified"}, target="assigned",
            allowed=policy.can_check_problem, form=FailForm, style="danger",
            changes=lambda ctx: {"rework_count": ctx.obj.rework_count + 1, "rectified_at": None},
            starts_deadline=lambda ctx: deadline_for(ctx.obj.category, ctx.now),
            after=lambda ctx, e: _count(ctx.obj, e, checks=1, reworks=1), notify=_fail_notify,
        ),
        Step(
            "escalate", _("Raised to the superior unit"), sources={"assigned"}, target=None,
            allowed=nobody, system=True, changes=_escalate_changes,
            after=lambda ctx, e: _count(ctx.obj, e, escalations=1), notify=_escalate_notify,
        ),
    ],
)


# --- tasks -------------------------------------------------------------------------------------------------


def _task_report_after(ctx: Ctx, event: Any) -> None:
    task = ctx.obj
    units = [u for u in task.units.all() if policy.covers_path(ctx.actor, u.path)] if ctx.actor else []
    TaskReport.objects.create(
        task=task,
        unit=units[0] if units else task.lead_department,
        author=ctx.actor,
        progress=ctx.data["progress"],
        note=ctx.note,
        **({"photo": ctx.data["photo"]} if ctx.data.get("photo") else {}),
    )


def _task_done_after(ctx: Ctx, event: Any) -> None:
    day = figures.day_of(ctx.obj.due_at)
    for unit in ctx.obj.units.all():
        figures.bump(ctx.obj.campaign_id, unit.path, day, tasks_done=1)


TASK = Workflow(
    name="campaigns.task",
    model=Task,
    event_model=TaskEvent,
    unit=lambda t: t.lead_department,
    url=lambda t: t.get_absolute_url(),
    label=_("Campaign task"),
    states=[
        State("open", _("In progress"), badge="blue", kind=HELD),
        State("submitted", _("Reported done, awaiting acceptance"), badge="gold"),
        State("done", _("Meets the standard"), badge="green", kind=TERMINAL),
    ],
    steps=[
        Step(
            "report", _("Report progress"), sources={"open"}, target=None, allowed=policy.can_report_task,
            form=TaskReportForm, after=_task_report_after, style="secondary",
        ),
        Step("submit", _("Report the task done"), sources={"open"}, target="submitted",
             allowed=policy.can_report_task, note="optional"),
        Step(
            "accept", _("Accept: meets the standard"), sources={"submitted"}, target="done",
            allowed=policy.can_accept_task, changes=lambda ctx: {"done_at": ctx.now}, after=_task_done_after,
        ),
        Step("return", _("Return: not yet up to standard"), sources={"submitted"}, target="open",
             allowed=policy.can_accept_task, note="required", style="danger"),
        Step(
            "escalate", _("Overdue: raised to the command unit"), sources={"open", "submitted"}, target=None,
            allowed=nobody, system=True,
            changes=lambda ctx: {"escalation_level": ctx.obj.escalation_level + 1, "escalated_due": ctx.obj.due_at},
            notify=lambda ctx, e: [
                Notice(
                    recipients=staff_users(ctx.obj.campaign.command_unit) + staff_users(ctx.obj.lead_department),
                    kind="campaign_task_overdue",
                    title=Msg(gettext_noop("A campaign task is past its deadline")),
                )
            ],
        ),
    ],
)


# --- 曝光台 -------------------------------------------------------------------------------------------------


def _approve_guard(ctx: Ctx) -> None:
    if ctx.actor is not None and ctx.actor.pk == ctx.obj.proposed_by_id:
        raise ValidationError(_("A second person must approve what you proposed."))
    if ctx.obj.photo_mode == Exposure.PhotoMode.ORIGINAL and not ctx.data.get("faces_checked"):
        raise ValidationError(
            {"faces_checked": [_("Confirm that no face or number plate can be recognised, or publish a blurred copy.")]}
        )


def _approve_after(ctx: Ctx, event: Any) -> None:
    from civicloop.campaigns.photos import public_copy

    exposure = ctx.obj
    if exposure.photo_mode == Exposure.PhotoMode.NONE or exposure.problem is None:
        return
    photo = exposure.problem.photos.filter(kind=ProblemPhoto.Kind.BEFORE).first()
    if photo is None:
        return
    copy = public_copy(photo.image, blurred=exposure.photo_mode == Exposure.PhotoMode.BLURRED)
    exposure.public_image.save(f"exposure-{exposure.pk}.jpg", copy, save=False)
    Exposure.objects.filter(pk=exposure.pk).update(public_image=exposure.public_image.name)


def _withdraw_guard(ctx: Ctx) -> None:
    problem = ctx.obj.problem
    if problem is not None and problem.status != "closed":
        raise ValidationError(_("The problem is not rectified and checked yet; it can be withdrawn once it is closed."))


def _withdraw_after(ctx: Ctx, event: Any) -> None:
    exposure = ctx.obj
    if exposure.public_image:
        exposure.public_image.delete(save=False)
        Exposure.objects.filter(pk=exposure.pk).update(public_image="")


EXPOSURE = Workflow(
    name="campaigns.exposure",
    model=Exposure,
    event_model=ExposureEvent,
    unit=lambda x: x.unit,
    url=lambda x: x.get_absolute_url(),
    label=_("Exposure entry"),
    states=[
        State("proposed", _("Awaiting a second approval"), badge="blue"),
        State("published", _("Published"), badge="red", kind=HELD),
        State("rejected", _("Not published"), badge="grey", kind=TERMINAL),
        State("withdrawn", _("Withdrawn after rectification"), badge="green", kind=TERMINAL),
    ],
    steps=[
        Step("propose", _("Proposed for the exposure page"), sources={"proposed"}, target=None, allowed=nobody),
        Step(
            "approve", _("Approve and publish"), sources={"proposed"}, target="published",
            allowed=policy.can_approve_exposure, form=ApproveExposureForm, guard=_approve_guard,
            changes=lambda ctx: {"approved_by": ctx.actor, "published_at": ctx.now}, after=_approve_after,
        ),
        Step("reject", _("Do not publish"), sources={"proposed"}, target="rejected",
             allowed=policy.can_approve_exposure, note="required", style="danger"),
        Step(
            "withdraw", _("Withdraw (rectified)"), sources={"published"}, target="withdrawn",
            allowed=policy.can_withdraw_exposure, note="required", guard=_withdraw_guard,
            changes=lambda ctx: {"withdrawn_at": ctx.now}, after=_withdraw_after, style="secondary",
        ),
    ],
)
