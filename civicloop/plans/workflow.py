"""The committee's workflows, declared once (core.workflow): plans, practical projects, year reports, follow-ups.

Forms that pick a related row (the meeting that adopts a plan, the item a comment is about) list every row when
built without an object (the API builds them so) and are narrowed to the committee on pages; the guard checks
the row belongs to the same committee either way, so a foreign id is refused with a message, not a 500.
"""

from __future__ import annotations

from collections.abc import Iterable
from decimal import Decimal
from typing import Any

from django import forms
from django.core.exceptions import ValidationError
from django.db.models import Max
from django.utils import timezone
from django.utils.translation import gettext, gettext_noop
from django.utils.translation import gettext_lazy as _

from civicloop.core.msg import Msg
from civicloop.core.workflow import HELD, OPEN, TERMINAL, Actor, Ctx, Notice, State, Step, Workflow
from civicloop.network.models import Membership
from civicloop.plans import policies
from civicloop.plans.models import (
    FollowUp,
    FollowUpEvent,
    Meeting,
    Member,
    Plan,
    PlanComment,
    PlanEvent,
    PlanItem,
    PlanVersion,
    Project,
    ProjectEvent,
    YearReport,
    YearReportEvent,
)


def member_users(members: Iterable[Member]) -> list[Any]:
    """The people who act for these member units (their staff and liaisons): notice recipients."""
    units = [m.unit_id for m in members]
    rows = Membership.objects.filter(
        unit_id__in=units, role__in=[Membership.Role.STAFF, Membership.Role.LIAISON]
    ).select_related("user")
    return [m.user for m in rows]


def office_users(committee: Any) -> list[Any]:
    rows = Membership.objects.filter(unit=committee.unit, role=Membership.Role.STAFF).select_related("user")
    return [m.user for m in rows]


def snapshot(plan: Plan) -> list[dict[str, Any]]:
    """The plan's items as JSON (what a PlanVersion keeps)."""
    items = plan.items.select_related("lead__unit").prefetch_related("partners__unit")
    return [
        {
            "position": i.position,
            "goal": i.goal,
            "key_tasks": i.key_tasks,
            "measures": i.measures,
            "requirements": i.requirements,
            "lead": i.lead.unit.name if i.lead else "",
            "partners": [p.unit.name for p in i.partners.all()],
        }
        for i in items
    ]


def plan_version_add(*, plan: Plan, reason: str, actor: Actor) -> PlanVersion:
    """A snapshot of the items (inside the caller's transaction); the plan's edition is the latest number."""
    number = (plan.versions.aggregate(n=Max("number"))["n"] or 0) + 1
    version = PlanVersion.objects.create(
        plan=plan, number=number, reason=reason, items=snapshot(plan),
        created_by=actor if getattr(actor, "pk", None) else None,
    )
    Plan.objects.filter(pk=plan.pk).update(edition=number)
    plan.edition = number
    return version


# --- plans ------------------------------------------------------------------------------------------------


class CommentForm(forms.Form):
    item = forms.ModelChoiceField(label=_("Plan item"), queryset=PlanItem.objects.all())
    note = forms.CharField(label=_("Your comment"), max_length=2000, widget=forms.Textarea(attrs={"rows": 3}))

    def __init__(self, *args: Any, plan: Plan | None = None, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        if plan is not None:
            field = self.fields["item"]
            assert isinstance(field, forms.ModelChoiceField)
            field.queryset = plan.items.all()
            field.label_from_instance = lambda i: f"{i.position}. {i.goal[:40]}"  # type: ignore[method-assign,assignment]


class MeetingForm(forms.Form):
    meeting = forms.ModelChoiceField(label=_("Meeting"), queryset=Meeting.objects.all())

    def __init__(self, *args: Any, committee: Any = None, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        if committee is not None:
            field = self.fields["meeting"]
            assert isinstance(field, forms.ModelChoiceField)
            field.queryset = committee.meetings.order_by("-held_at")


def _same_committee(row: Any, obj: Any, message: str) -> None:
    if row is None or row.committee_id != obj.committee_id:
        raise ValidationError({"meeting": [message]})


def _plan_has_items(ctx: Ctx) -> None:
    if not ctx.obj.items.exists():
        raise ValidationError(gettext("Add at least one item before circulating the plan."))


def _comment_guard(ctx: Ctx) -> None:
    item = ctx.data["item"]
    if item.plan_id != ctx.obj.pk:
        raise ValidationError({"item": [gettext("This item is not part of this plan.")]})
    ctx.extra["seat"] = policies.seat_in(ctx.actor, ctx.obj.committee)
    # the comment text travels as the step's note (the timeline shows it); keep it for the comment row
    ctx.extra["text"] = ctx.note


def _comment_after(ctx: Ctx, event: Any) -> None:
    PlanComment.objects.create(item=ctx.data["item"], member=ctx.extra["seat"], author=ctx.actor, text=ctx.extra["text"])


def _adopt_guard(ctx: Ctx) -> None:
    _same_committee(ctx.data["meeting"], ctx.obj, gettext("Choose a meeting of this committee."))


def _adopt_changes(ctx: Ctx) -> dict[str, Any]:
    return {"meeting": ctx.data["meeting"], "adopted_at": ctx.now}


def _adopt_after(ctx: Ctx, event: Any) -> None:
    plan_version_add(plan=ctx.obj, reason=PlanVersion.Reason.ADOPTED, actor=ctx.actor)


def _circulate_notify(ctx: Ctx, event: Any) -> list[Notice]:
    plan = ctx.obj
    return [
        Notice(
            recipients=member_users(plan.committee.members.all()),
            kind="plan_circulated",
            title=Msg(gettext_noop("Comments asked on “%(title)s”"), title=plan.title),
            url=plan.get_absolute_url(),
        )
    ]


PLAN = Workflow(
    name="plans.plan",
    model=Plan,
    event_model=PlanEvent,
    label=_("plan"),
    unit=lambda p: p.committee.unit,
    states=[
        State("draft", _("Drafting"), badge="grey"),
        State("circulated", _("Out for comments"), badge="blue"),
        State("adopted", _("Adopted"), badge="gold", kind=HELD),
        State("published", _("Issued"), badge="green", kind=TERMINAL),
    ],
    steps=[
        Step(
            "circulate", _("Circulate for comments"), sources={"draft"}, target="circulated",
            allowed=policies.can_edit_plan, guard=_plan_has_items, notify=_circulate_notify,
        ),
        Step(
            "comment", _("Comment on an item"), sources={"circulated"}, target=None,
            allowed=policies.can_comment_plan, form=CommentForm, guard=_comment_guard, after=_comment_after,
            style="secondary",
        ),
        Step(
            "redraft", _("Back to drafting"), sources={"circulated"}, target="draft",
            allowed=policies.can_edit_plan, style="secondary",
        ),
        Step(
            "adopt", _("Adopted at a meeting"), sources={"circulated"}, target="adopted",
            allowed=policies.can_edit_plan, form=MeetingForm, guard=_adopt_guard, changes=_adopt_changes,
            after=_adopt_after, help=_("Choose the meeting that adopted the plan."),
        ),
        Step(
            "publish", _("Issue the document"), sources={"adopted"}, target="published",
            allowed=policies.can_edit_plan, changes=lambda ctx: {"published_at": ctx.now},
        ),
    ],
)


# --- practical projects -----------------------------------------------------------------------------------


class CompleteForm(forms.Form):
    done_on = forms.DateField(label=_("Done on"), required=False, widget=forms.DateInput(attrs={"type": "date"}))
    note = forms.CharField(label=_("Note"), max_length=2000, required=False, widget=forms.Textarea(attrs={"rows": 2}))


def _complete_changes(ctx: Ctx) -> dict[str, Any]:
    done_on = ctx.data.get("done_on") or timezone.localdate()
    if done_on > timezone.localdate():
        raise ValidationError({"done_on": [gettext("The date cannot be in the future.")]})
    return {"done_on": done_on}


def _project_notify(ctx: Ctx, event: Any) -> list[Notice]:
    project = ctx.obj
    return [
        Notice(
            recipients=[*member_users([project.member]), *office_users(project.committee)],
            kind="plans_project",
            title=Msg(gettext_noop("“%(title)s”: %(state)s"), title=project.title, state=PROJECT.states[ctx.step.target or "planned"].label),
            url=project.get_absolute_url(),
        )
    ]


def _can_drop(actor: Actor, project: Project) -> bool:
    return policies.is_office(actor, project.committee)


LIVE = {"planned", "on_track", "late"}

PROJECT = Workflow(
    name="plans.project",
    model=Project,
    event_model=ProjectEvent,
    label=_("practical project"),
    unit=lambda p: p.member.unit,
    states=[
        State("planned", _("Planned"), badge="grey"),
        State("on_track", _("On track"), badge="blue", kind=HELD),
        State("late", _("Behind schedule"), badge="red", kind=HELD),
        State("done", _("Done"), badge="green", kind=TERMINAL),
        State("dropped", _("Dropped"), badge="grey", kind=TERMINAL),
    ],
    steps=[
        Step("on_track", _("Mark on track"), sources={"planned", "late"}, target="on_track", allowed=policies.can_act_project, style="secondary"),
        Step("late", _("Mark behind schedule"), sources={"planned", "on_track"}, target="late", allowed=policies.can_act_project, note="required", style="secondary"),
        Step(
            "complete", _("Mark done"), sources=LIVE, target="done", allowed=policies.can_act_project,
            form=CompleteForm, changes=_complete_changes, notify=_project_notify,
        ),
        Step(
            "drop", _("Drop the project"), sources=LIVE, target="dropped", allowed=_can_drop, note="required",
            changes=lambda ctx: {"drop_reason": ctx.note}, notify=_project_notify, style="danger",
        ),
    ],
)


# --- year reports (述职) -----------------------------------------------------------------------------------


class ScoreForm(forms.Form):
    score = forms.DecimalField(label=_("Committee score"), min_value=Decimal(0), max_value=Decimal(100), decimal_places=1, max_digits=5)
    note = forms.CharField(label=_("Note"), max_length=2000, required=False, widget=forms.Textarea(attrs={"rows": 2}))


def _present_guard(ctx: Ctx) -> None:
    _same_committee(ctx.data["meeting"], ctx.obj, gettext("Choose a meeting of this committee."))


def _submit_notify(ctx: Ctx, event: Any) -> list[Notice]:
    report = ctx.obj
    return [
        Notice(
            recipients=office_users(report.committee),
            kind="plans_year_report",
            title=Msg(gettext_noop("%(unit)s submitted its %(year)s year report"), unit=report.member.unit.name, year=report.year),
            url=report.get_absolute_url(),
        )
    ]


def _submit_guard(ctx: Ctx) -> None:
    if not ctx.obj.text.strip():
        raise ValidationError(gettext("Write the report before submitting it."))


YEAR_REPORT = Workflow(
    name="plans.year_report",
    model=YearReport,
    event_model=YearReportEvent,
    label=_("year report"),
    unit=lambda r: r.member.unit,
    states=[
        State("draft", _("Drafting"), badge="grey"),
        State("submitted", _("Report submitted"), badge="blue"),
        State("presented", _("Presented at the meeting"), badge="gold", kind=HELD),
        State("scored", _("Scored"), badge="green", kind=TERMINAL),
    ],
    steps=[
        Step(
            "submit", _("Submit the report"), sources={"draft"}, target="submitted",
            allowed=policies.can_write_year_report, guard=_submit_guard,
            changes=lambda ctx: {"submitted_at": ctx.now}, notify=_submit_notify,
        ),
        Step("send_back", _("Send back for changes"), sources={"submitted"}, target="draft", allowed=policies.can_judge_year_report, note="required", style="secondary"),
        Step(
            "present", _("Presented at a meeting"), sources={"submitted"}, target="presented",
            allowed=policies.can_judge_year_report, form=MeetingForm, guard=_present_guard,
            changes=lambda ctx: {"meeting": ctx.data["meeting"]},
        ),
        Step(
            "score", _("Score the report"), sources={"submitted", "presented"}, target="scored",
            allowed=policies.can_judge_year_report, form=ScoreForm, changes=lambda ctx: {"score": ctx.data["score"]},
        ),
    ],
)


# --- follow-ups -------------------------------------------------------------------------------------------


def _can_reopen(actor: Actor, followup: FollowUp) -> bool:
    return policies.is_office(actor, followup.meeting.committee)


FOLLOW_UP = Workflow(
    name="plans.followup",
    model=FollowUp,
    event_model=FollowUpEvent,
    label=_("follow-up"),
    unit=lambda f: f.owner.unit,
    states=[
        State("open", _("To do"), badge="gold", kind=OPEN),
        State("done", _("Done"), badge="green", kind=TERMINAL),
    ],
    steps=[
        Step("finish", _("Mark done"), sources={"open"}, target="done", allowed=policies.can_close_followup, note="optional", changes=lambda ctx: {"done_at": ctx.now}),
        Step("reopen", _("Reopen"), sources={"done"}, target="open", allowed=_can_reopen, note="required", style="secondary", changes=lambda ctx: {"done_at": None}),
    ],
)

# form_kwargs each page passes to a step's form, so its choices are this object's committee's rows
FORM_KWARGS = {
    ("plans.plan", "comment"): lambda obj: {"plan": obj},
    ("plans.plan", "adopt"): lambda obj: {"committee": obj.committee},
    ("plans.year_report", "present"): lambda obj: {"committee": obj.committee},
}


def form_kwargs(wf: Workflow, step: str, obj: Any) -> dict[str, Any]:
    fn = FORM_KWARGS.get((wf.name, step))
    return fn(obj) if fn else {}
