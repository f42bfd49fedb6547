"""吹哨 that mobilises (中心吹哨、部门动员): the `orders.whistle` workflow.

raised --accept--> accepted --close--> closed. A liaison of one of the whistled departments accepts the task
(setting the answer deadline), assigns one of the department's own teams or staff (record-only, may repeat),
and closes it with a result. An accepted whistle past its deadline is escalated again by the periodic job
(`whistles_escalate_overdue`, a system step). Every step also writes a row on the order's timeline.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from django import forms
from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import F
from django.utils import timezone
from django.utils.translation import gettext, gettext_noop, pgettext_lazy
from django.utils.translation import gettext_lazy as _

from civicloop import access
from civicloop.core.msg import Msg
from civicloop.core.workflow import HELD, OPEN, TERMINAL, Ctx, Notice, State, Step, Workflow, nobody
from civicloop.network.models import Membership, Unit
from civicloop.orders.models import Order, Whistle, WhistleEvent


def _my_departments(user: Any, whistle: Whistle) -> list[Unit]:
    liaison = {u.pk for u in access.liaison_units(user)}
    return [d for d in whistle.departments.all() if d.pk in liaison]


def can_accept(user: Any, whistle: Whistle) -> bool:
    return bool(_my_departments(user, whistle))


def can_handle(user: Any, whistle: Whistle) -> bool:
    """The accepting department's liaisons."""
    return whistle.department_id is not None and any(
        u.pk == whistle.department_id for u in access.liaison_units(user)
    )


class AcceptForm(forms.Form):
    answer_hours = forms.IntegerField(
        label=_("Answer within (hours)"), min_value=1, max_value=720, initial=48,
        help_text=_("The whistle is raised again if it is not closed by then."),
    )
    note = forms.CharField(label=_("Note"), max_length=500, required=False)


class AssignForm(forms.Form):
    """On the page `teams` (the accepting department's active teams) makes the team a select; the API sends
    the id, and the step's guard checks that it is one of the department's teams either way."""

    team_id = forms.IntegerField(label=_("Team id of the department"), required=False, min_value=1)
    staff_username = forms.CharField(label=_("Or a staff member's username"), max_length=150, required=False)
    note = forms.CharField(label=_("Note"), max_length=500, required=False)

    def __init__(self, *args: Any, teams: Any = None, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        if teams is not None:
            self.fields["team_id"] = forms.TypedChoiceField(
                label=_("Team of the department"), required=False, coerce=int, empty_value=None,
                choices=[("", "—"), *((t.pk, t.name) for t in teams)],
            )


def department_teams(whistle: Whistle) -> Any:
    """The active teams of the accepting department (and units under it): whom the liaison may assign."""
    from civicloop.people.models import Team

    if whistle.department_id is None:
        return Team.objects.none()
    return Team.objects.filter(unit_path__startswith=whistle.department.path, is_active=True).order_by("name")


def form_kwargs(whistle: Whistle) -> dict[str, dict[str, Any]]:
    return {"assign": {"teams": department_teams(whistle)}}


class CloseForm(forms.Form):
    note = forms.CharField(label=_("Result"), max_length=2000, widget=forms.Textarea(attrs={"rows": 3}))


def _order_record(ctx: Ctx, action: str, note: str) -> None:
    """The whistle's step on the order's own timeline too (a record: the order's state does not move, and the
    whistle's step already wrote its audit row)."""
    from civicloop.orders.models import OrderEvent

    order = ctx.obj.order
    OrderEvent.objects.create(
        order=order,
        from_status=order.status,
        to_status=order.status,
        action=action,
        actor=ctx.actor if getattr(ctx.actor, "pk", None) else None,
        unit=order.unit,
        note=note,
        automatic=ctx.actor is None,
    )


def _accept_changes(ctx: Ctx) -> dict[str, Any]:
    department = _my_departments(ctx.actor, ctx.obj)[0]
    ctx.extra["department"] = department
    return {"department": department}


def _accept_due(ctx: Ctx) -> dt.datetime:
    return ctx.now + dt.timedelta(hours=int(ctx.data.get("answer_hours") or 48))


def _assign_guard(ctx: Ctx) -> None:
    from civicloop.people.models import Team, User

    whistle: Whistle = ctx.obj
    department = whistle.department
    team_id, username = ctx.data.get("team_id"), (ctx.data.get("staff_username") or "").strip()
    if bool(team_id) == bool(username):
        raise ValidationError(gettext("Name one team or one staff member of the department."))
    if team_id:
        team = Team.objects.filter(pk=team_id, unit_path__startswith=department.path, is_active=True).first()
        if team is None:
            raise ValidationError({"team_id": [gettext("Choose an active team of your department.")]})
        ctx.extra.update(team=team, user=None)
        ctx.note = f"{team.name}: {ctx.note}" if ctx.note else team.name
    else:
        user = User.objects.filter(
            username=username, is_active=True, memberships__unit=department,
            memberships__role__in=[Membership.Role.STAFF, Membership.Role.LIAISON],
        ).first()
        if user is None:
            raise ValidationError({"staff_username": [gettext("Choose a staff member of your department.")]})
        ctx.extra.update(team=None, user=user)
        ctx.note = f"{user.masked_name}: {ctx.note}" if ctx.note else user.masked_name


def _assign_changes(ctx: Ctx) -> dict[str, Any]:
    return {"handler_team": ctx.extra["team"], "handler_user": ctx.extra["user"]}


def _assign_notify(ctx: Ctx, event: Any) -> list[Notice]:
    who = ctx.extra["user"] or (ctx.extra["team"].leader if ctx.extra["team"] else None)
    return [Notice(recipients=[who], kind="whistle_assigned",
                   title=Msg(gettext_noop("A whistled order needs you: %(n)s"), n=ctx.obj.order.number),
                   url=f"/orders/whistles/{ctx.obj.pk}/")]


def _close_changes(ctx: Ctx) -> dict[str, Any]:
    due = ctx.obj.due_at
    return {
        "result": ctx.note,
        "closed_at": ctx.now,
        "on_time": ctx.obj.overdue_count == 0 and (due is None or ctx.now <= due),
        "answer": ctx.note[:1000] if not ctx.obj.answered_at else ctx.obj.answer,
        "answered_by": ctx.obj.answered_by or ctx.actor,
        "answered_at": ctx.obj.answered_at or ctx.now,
    }


def _staff(unit: Unit | None) -> list[Any]:
    from civicloop.people.models import User

    if unit is None:
        return []
    return list(User.objects.filter(memberships__unit=unit, memberships__role=Membership.Role.STAFF, is_active=True))


def _close_notify(ctx: Ctx, event: Any) -> list[Notice]:
    return [Notice(recipients=_staff(ctx.obj.to_unit) + _staff(ctx.obj.order.unit), kind="whistle_closed",
                   title=Msg(gettext_noop("The department closed the whistle on order %(n)s"), n=ctx.obj.order.number),
                   body=ctx.note, url=f"/orders/{ctx.obj.order.number}/")]


def _overdue_after(ctx: Ctx, event: Any) -> None:
    whistle: Whistle = ctx.obj
    order = whistle.order
    parent = whistle.to_unit.get_parent() if whistle.to_unit.depth > 1 else None
    target = parent or whistle.to_unit
    Order.objects.filter(pk=order.pk).update(escalation_level=F("escalation_level") + 1, escalated_to=target)
    ctx.extra["target"] = target
    _order_record(ctx, "whistle_overdue", gettext("The department did not answer in time → %(u)s") % {"u": target.name})


def _overdue_notify(ctx: Ctx, event: Any) -> list[Notice]:
    from civicloop.people.models import User

    liaisons = User.objects.filter(memberships__unit=ctx.obj.department, memberships__role=Membership.Role.LIAISON)
    return [Notice(recipients=list(liaisons) + _staff(ctx.extra["target"]), kind="whistle_overdue",
                   title=Msg(gettext_noop("A whistle on order %(n)s is overdue"), n=ctx.obj.order.number),
                   url=f"/orders/whistles/{ctx.obj.pk}/")]


WHISTLE = Workflow(
    name="orders.whistle",
    model=Whistle,
    event_model=WhistleEvent,
    unit=lambda w: w.department or w.to_unit,
    url=lambda w: f"/orders/whistles/{w.pk}/",
    label=_("Whistle"),
    states=[
        State("raised", pgettext_lazy("whistle state", "Raised"), badge="red", kind=OPEN),
        State("accepted", pgettext_lazy("whistle state", "Being handled"), badge="gold", kind=HELD),
        State("closed", pgettext_lazy("whistle state", "Closed with a result"), badge="green", kind=TERMINAL),
    ],
    steps=[
        Step(
            "accept", _("Accept the task"), sources={"raised"}, target="accepted", allowed=can_accept,
            form=AcceptForm, changes=_accept_changes, starts_deadline=_accept_due,
            after=lambda ctx, e: _order_record(ctx, "whistle_accept", ctx.extra["department"].name),
        ),
        Step(
            "assign", _("Put a team or staff member on it"), sources={"accepted"}, target=None, allowed=can_handle,
            form=AssignForm, guard=_assign_guard, changes=_assign_changes, notify=_assign_notify,
            after=lambda ctx, e: _order_record(ctx, "whistle_assign", ctx.note), style="secondary",
        ),
        Step(
            "close", _("Close with a result"), sources={"accepted"}, target="closed", allowed=can_handle,
            form=CloseForm, changes=_close_changes, stops_deadline=True, notify=_close_notify,
            after=lambda ctx, e: _order_record(ctx, "whistle_close", ctx.note),
        ),
        Step(
            "overdue", _("Raised again: answer overdue"), sources={"accepted"}, target=None, allowed=nobody,
            system=True, changes=lambda ctx: {"overdue_count": ctx.obj.overdue_count + 1, "due_at": None},
            after=_overdue_after, notify=_overdue_notify,
        ),
    ],
)


def whistles_escalate_overdue(limit: int = 200) -> int:
    """Periodic: every accepted whistle past its answer deadline is raised again, once per deadline."""
    done = 0
    for whistle in Whistle.objects.filter(status="accepted", due_at__lt=timezone.now()).select_related(
        "order", "to_unit", "department"
    ).order_by("due_at")[:limit]:
        from civicloop.core.exceptions import Conflict

        try:
            with transaction.atomic():
                WHISTLE.apply("overdue", whistle, actor=None)
            done += 1
        except Conflict:
            continue
    return done
