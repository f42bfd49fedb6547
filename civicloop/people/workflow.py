"""Teams on the workflow engine: a team's life (`people.team`) and join requests (`people.team_request`).

people.team: proposed --approve--> active --suspend--> suspended --resume--> active; proposed --reject-->
rejected; active/suspended --dissolve--> dissolved. Record-only steps on an active or suspended team: handover
(new leader), remove_member (with a reason), leave. Suspending or dissolving hands the team's dispatched and
accepted orders back (through the orders app's registered hook) and tells their requesters.

people.team_request: pending --approve--> approved (a TeamMember row), --decline--> declined,
--withdraw--> withdrawn.
"""

from __future__ import annotations

from typing import Any

from django import forms
from django.core.exceptions import ValidationError
from django.utils.translation import gettext, gettext_noop, pgettext_lazy
from django.utils.translation import gettext_lazy as _

from civicloop.core.msg import Msg
from civicloop.core.workflow import HELD, OPEN, TERMINAL, Ctx, Notice, State, Step, Workflow, nobody
from civicloop.people import hooks
from civicloop.people import policies as policy
from civicloop.people.models import Team, TeamEvent, TeamMember, TeamRequest, TeamRequestEvent

S = Team.Status


class ReasonForm(forms.Form):
    note = forms.CharField(label=_("Reason"), max_length=300, widget=forms.Textarea(attrs={"rows": 2}))


class HandoverForm(forms.Form):
    volunteer_number = forms.CharField(
        label=_("New leader's volunteer number"), max_length=20, help_text=_("The new leader must be a member.")
    )
    note = forms.CharField(label=_("Note"), max_length=300, required=False)


class RemoveMemberForm(forms.Form):
    volunteer_number = forms.CharField(label=_("Volunteer number"), max_length=20)
    note = forms.CharField(label=_("Reason"), max_length=300, widget=forms.Textarea(attrs={"rows": 2}))


def _member(ctx: Ctx) -> TeamMember:
    number = str(ctx.data.get("volunteer_number", "")).strip().upper()
    member = (
        TeamMember.objects.select_related("volunteer__user")
        .filter(team=ctx.obj, volunteer__number=number)
        .first()
    )
    if member is None:
        raise ValidationError({"volunteer_number": [gettext("This volunteer is not a member of the team.")]})
    return member


def _handover_guard(ctx: Ctx) -> None:
    member = _member(ctx)
    if member.volunteer.user_id == ctx.obj.leader_id:
        raise ValidationError({"volunteer_number": [gettext("This volunteer already leads the team.")]})
    if not member.volunteer.is_active or not member.volunteer.user.is_active:
        raise ValidationError({"volunteer_number": [gettext("This volunteer is no longer active.")]})
    ctx.extra["member"] = member


def _handover_changes(ctx: Ctx) -> dict[str, Any]:
    ctx.extra["old_leader"] = ctx.obj.leader
    return {"leader": ctx.extra["member"].volunteer.user}


def _handover_notify(ctx: Ctx, event: Any) -> list[Notice]:
    return [
        Notice(
            recipients=[ctx.extra["member"].volunteer.user, ctx.extra.get("old_leader")],
            kind="team_handover",
            title=Msg(gettext_noop("%(name)s now leads %(team)s"), name=ctx.extra["member"].volunteer.user.masked_name, team=ctx.obj.name),
        )
    ]


def _remove_guard(ctx: Ctx) -> None:
    member = _member(ctx)
    if member.volunteer.user_id == ctx.obj.leader_id:
        raise ValidationError({"volunteer_number": [gettext("Hand the team over before the leader leaves.")]})
    ctx.extra["member"] = member
    ctx.note = f"{member.volunteer.number}: {ctx.note}"


def _leave_guard(ctx: Ctx) -> None:
    member = TeamMember.objects.filter(team=ctx.obj, volunteer__user=ctx.actor).select_related("volunteer").first()
    if member is None:
        raise ValidationError(gettext("You are not a member of this team."))
    ctx.extra["member"] = member
    ctx.note = f"{member.volunteer.number}: {ctx.note}" if ctx.note else member.volunteer.number


def _drop_member(ctx: Ctx, event: Any) -> None:
    ctx.extra["member"].delete()


def _removed_notify(ctx: Ctx, event: Any) -> list[Notice]:
    return [
        Notice(
            recipients=[ctx.extra["member"].volunteer.user],
            kind="team_removed",
            title=Msg(gettext_noop("You are no longer a member of %(team)s"), team=ctx.obj.name),
            body=ctx.note,
        )
    ]


def _left_notify(ctx: Ctx, event: Any) -> list[Notice]:
    return [
        Notice(
            recipients=[ctx.obj.leader],
            kind="team_left",
            title=Msg(gettext_noop("A member left %(team)s"), team=ctx.obj.name),
        )
    ]


def _stop(ctx: Ctx, event: Any) -> None:
    ctx.extra["released"] = hooks.team_stopped(team=ctx.obj, actor=ctx.actor, reason=ctx.note)


def _to_leader(kind: str, title: Msg) -> Any:
    def notify(ctx: Ctx, event: Any) -> list[Notice]:
        return [
            Notice(
                recipients=[ctx.obj.leader, ctx.obj.founded_by],
                kind=kind,
                title=Msg(title.code, team=ctx.obj.name),
                body=ctx.note,
            )
        ]

    return notify


TEAM = Workflow(
    name="people.team",
    model=Team,
    event_model=TeamEvent,
    unit=lambda team: team.home_unit,
    counter_source="team",
    url=lambda team: team.get_absolute_url(),
    label=_("Volunteer team"),
    states=[
        State(S.PROPOSED, pgettext_lazy("team state", "Awaiting approval"), badge="gold", kind=OPEN),
        State(S.ACTIVE, pgettext_lazy("team state", "Active"), badge="green", kind=HELD),
        State(S.SUSPENDED, pgettext_lazy("team state", "Suspended"), badge="red", kind=HELD),
        State(S.REJECTED, pgettext_lazy("team state", "Not approved"), badge="grey", kind=TERMINAL),
        State(S.DISSOLVED, pgettext_lazy("team state", "Dissolved"), badge="grey", kind=TERMINAL),
    ],
    steps=[
        # Timeline labels for rows the team services write themselves (founding, a request accepted).
        Step("found", _("Team founded"), sources={S.PROPOSED}, target=None, allowed=nobody, system=True),
        Step("join", _("Member joined"), sources=set(S.values), target=None, allowed=nobody, system=True),
        Step(
            "approve",
            _("Approve the team"),
            sources={S.PROPOSED},
            target=S.ACTIVE,
            allowed=policy.can_decide_team,
            note="optional",
            changes=lambda ctx: {"is_active": True},
            notify=_to_leader("team_approved", Msg(gettext_noop("Your team %(team)s was approved"))),
        ),
        Step(
            "reject",
            _("Reject the team"),
            sources={S.PROPOSED},
            target=S.REJECTED,
            allowed=policy.can_decide_team,
            form=ReasonForm,
            style="danger",
            notify=_to_leader("team_rejected", Msg(gettext_noop("Your team %(team)s was not approved"))),
        ),
        Step(
            "handover",
            _("Hand over leadership"),
            sources={S.ACTIVE, S.SUSPENDED},
            target=None,
            allowed=policy.can_run_team,
            form=HandoverForm,
            guard=_handover_guard,
            changes=_handover_changes,
            notify=_handover_notify,
            style="secondary",
        ),
        Step(
            "remove_member",
            _("Remove a member"),
            sources={S.ACTIVE, S.SUSPENDED},
            target=None,
            allowed=policy.can_run_team,
            form=RemoveMemberForm,
            guard=_remove_guard,
            after=_drop_member,
            notify=_removed_notify,
            style="secondary",
        ),
        Step(
            "leave",
            _("Leave the team"),
            sources={S.ACTIVE, S.SUSPENDED},
            target=None,
            allowed=policy.can_leave_team,
            note="optional",
            guard=_leave_guard,
            after=_drop_member,
            notify=_left_notify,
            style="secondary",
            confirm=_("Leave this team?"),
        ),
        Step(
            "suspend",
            _("Suspend the team"),
            sources={S.ACTIVE},
            target=S.SUSPENDED,
            allowed=policy.can_decide_team,
            form=ReasonForm,
            changes=lambda ctx: {"is_active": False},
            after=_stop,
            notify=_to_leader("team_suspended", Msg(gettext_noop("Your team %(team)s was suspended"))),
            style="danger",
            help=_("The team's dispatched and accepted orders go back to the hall."),
        ),
        Step(
            "resume",
            _("Resume the team"),
            sources={S.SUSPENDED},
            target=S.ACTIVE,
            allowed=policy.can_decide_team,
            note="optional",
            changes=lambda ctx: {"is_active": True},
            notify=_to_leader("team_resumed", Msg(gettext_noop("Your team %(team)s serves again"))),
        ),
        Step(
            "dissolve",
            _("Dissolve the team"),
            sources={S.ACTIVE, S.SUSPENDED},
            target=S.DISSOLVED,
            allowed=policy.can_run_team,
            form=ReasonForm,
            changes=lambda ctx: {"is_active": False},
            after=_stop,
            notify=_to_leader("team_dissolved", Msg(gettext_noop("Your team %(team)s was dissolved"))),
            style="danger",
            confirm=_("Dissolve this team? Its open orders go back to the hall."),
            help=_("The team's dispatched and accepted orders go back to the hall."),
        ),
    ],
)


R = TeamRequest.Status


def _join(ctx: Ctx, event: Any) -> None:
    request: TeamRequest = ctx.obj
    if request.team.status != Team.Status.ACTIVE:
        from civicloop.core.exceptions import Conflict

        raise Conflict(gettext("The team does not take new members now."))
    TeamMember.objects.get_or_create(team=request.team, volunteer=request.volunteer)
    TeamEvent.objects.create(
        subject=request.team,
        from_status=request.team.status,
        to_status=request.team.status,
        step="join",
        actor=ctx.actor,
        unit=request.team.home_unit,
        note=request.volunteer.number,
    )


def _decided_notify(ctx: Ctx, event: Any) -> list[Notice]:
    request: TeamRequest = ctx.obj
    who = request.volunteer.user if request.kind == TeamRequest.Kind.APPLY else request.team.leader
    approved = ctx.step.name == "approve"
    title = (
        gettext_noop("%(team)s: the request to join was approved") if approved else gettext_noop("%(team)s: the request to join was declined")
    )
    return [Notice(recipients=[who], kind=f"team_request_{ctx.step.name}", title=Msg(title, team=request.team.name))]


TEAM_REQUEST = Workflow(
    name="people.team_request",
    model=TeamRequest,
    event_model=TeamRequestEvent,
    unit=lambda r: r.team.home_unit,
    url=lambda r: r.get_absolute_url(),
    label=_("Request to join a team"),
    states=[
        State(R.PENDING, pgettext_lazy("team request state", "Pending"), badge="gold", kind=OPEN),
        State(R.APPROVED, pgettext_lazy("team request state", "Joined"), badge="green", kind=TERMINAL),
        State(R.DECLINED, pgettext_lazy("team request state", "Declined"), badge="grey", kind=TERMINAL),
        State(R.WITHDRAWN, pgettext_lazy("team request state", "Withdrawn"), badge="grey", kind=TERMINAL),
    ],
    steps=[
        Step(
            "approve",
            _("Accept the request"),
            sources={R.PENDING},
            target=R.APPROVED,
            allowed=policy.can_decide_request,
            after=_join,
            notify=_decided_notify,
        ),
        Step(
            "decline",
            _("Decline the request"),
            sources={R.PENDING},
            target=R.DECLINED,
            allowed=policy.can_decide_request,
            note="optional",
            notify=_decided_notify,
            style="secondary",
        ),
        Step(
            "withdraw",
            _("Withdraw the request"),
            sources={R.PENDING},
            target=R.WITHDRAWN,
            allowed=policy.can_withdraw_request,
            style="secondary",
        ),
    ],
)
