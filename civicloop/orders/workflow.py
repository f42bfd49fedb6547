"""The service-order loop declared once (DESIGN §2): 点单 → 派单/领单 → 服务 → 评单 → 验单, with 吹哨.

States carry their label, badge, kind (open/held/terminal) and tags for the groups other modules ask about
(`HOLDING`, `LOAD`, the deadline that applies in a state...); steps carry their sources, target (None: a record
on the timeline), who may take them (the predicates of `civicloop.orders.policies`), their input form, the fields
they change, the deadlines they start and stop (`starts_deadline={"claim_due": ...}`, `stops_deadline={...}`:
the order has three), what they notify (`notify` returns `Notice`s, written with the move and delivered after
commit from the outbox, linked to the order) and the message when someone else was faster. Everything else — the
allowed-moves tables, the policy's `may()`, the queue tabs and badges, the state tuples of the selectors, the
test machine's list of actions — is read from here.

The services in `civicloop.orders.services` check what a form cannot (the team or unit in scope, attendance,
capacity, the claim's locked read), write the other rows (report, ledger, whistle) and run the step through
`_move`/`_record` with the input as `cleaned` (the hooks read it as `ctx.data`) and what they read already as
`extra` (`ctx.extra`: the claim's deadline hours, the volunteers credited, the unit a whistle is raised to, a
stopped team). They still validate the raw values the API sends with their own messages (the API answers them and
the tests pin them); the pages validate with the step's form first.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.conf import settings
from django.utils.translation import gettext_lazy as _
from django.utils.translation import gettext_noop, pgettext_lazy

from civicloop.core.msg import Msg
from civicloop.core.workflow import HELD, OPEN, TERMINAL, Ctx, Notice, State, Step, Workflow, nobody
from civicloop.network.models import Membership, Unit
from civicloop.orders import forms as f
from civicloop.orders import policies as policy
from civicloop.orders.models import Order, OrderEvent, UnitDeadlines

S = Order.Status

# Tags: who holds the order and which deadline runs in a state.
HOLD = "holding"  # a team holds it (the leader sees the full details)
LOADS = "load"  # counts against the team's capacity
TEAM_TASK = "team_task"  # on the team's task list
VOLUNTEER_TASK = "volunteer_task"  # on an assigned volunteer's task list
LIVE = "live"  # still to be served (duplicates are looked for among these)
REVIEW_DUE, CLAIM_DUE, COMPLETE_DUE = "review_due", "claim_due", "complete_due"


def _state(code: str, badge: str, kind: str, *tags: str) -> State:
    return State(code, S(code).label, badge=badge, kind=kind, tags=frozenset(tags))


STATES = [
    _state(S.SUBMITTED, "blue", OPEN, LIVE, REVIEW_DUE),
    _state(S.OPEN, "gold", OPEN, LIVE, CLAIM_DUE),
    _state(S.DISPATCHED, "gold", HELD, LIVE, CLAIM_DUE, HOLD, TEAM_TASK),
    _state(S.ACCEPTED, "blue", HELD, LIVE, COMPLETE_DUE, HOLD, TEAM_TASK, LOADS, VOLUNTEER_TASK),
    _state(S.IN_SERVICE, "blue", HELD, LIVE, COMPLETE_DUE, HOLD, TEAM_TASK, LOADS, VOLUNTEER_TASK),
    _state(S.SERVED, "gold", OPEN, HOLD, TEAM_TASK, VOLUNTEER_TASK),
    _state(S.CLOSED, "green", TERMINAL, HOLD),
    _state(S.REJECTED, "red", TERMINAL),
    _state(S.CANCELLED, "grey", TERMINAL),
]

_WORKING: set[str] = {S.SUBMITTED, S.OPEN, S.DISPATCHED, S.ACCEPTED, S.IN_SERVICE, S.SERVED}


# --- deadlines --------------------------------------------------------------------------------------------

DEFAULT_HOURS = {"review": 24, "claim": 48, "complete": 168}


def deadlines_for(unit: Unit) -> dict[str, Any]:
    """Deadline hours of the unit, else of its nearest ancestor that has its own, else the defaults."""
    paths = unit.ancestor_paths()
    row = (
        UnitDeadlines.objects.filter(unit__path__in=paths)
        .select_related("unit")
        .order_by("-unit__depth")
        .first()
    )
    defaults = {**DEFAULT_HOURS, **getattr(settings, "CIVICLOOP", {}).get("ORDER_DEADLINES", {})}
    if row is None:
        return {**defaults, "auto_dispatch": False, "auto_dispatch_hours": 24}
    return {
        "review": row.review_hours,
        "claim": row.claim_hours,
        "complete": row.complete_hours,
        "auto_dispatch": row.auto_dispatch,
        "auto_dispatch_hours": row.auto_dispatch_hours,
    }


def due(unit: Unit, kind: str, now: dt.datetime) -> dt.datetime:
    return now + dt.timedelta(hours=deadlines_for(unit)[kind])


def _starts(kind: str) -> Any:
    """The deadline of this kind, from the unit the order belongs to after the step (a reroute names it)."""
    return lambda ctx: due(ctx.data.get("unit") or ctx.obj.unit, kind, ctx.now)


def _complete_due(ctx: Ctx) -> dt.datetime:
    hours = ctx.extra.get("complete_hours")  # the claim read it with the team's lock, in the same statement
    return due(ctx.obj.unit, "complete", ctx.now) if hours is None else ctx.now + dt.timedelta(hours=hours)


# --- who hears about a step ---------------------------------------------------------------------------------


def staff_users(unit: Unit) -> list[Any]:
    from civicloop.people.models import User

    return list(
        User.objects.filter(memberships__unit=unit, memberships__role=Membership.Role.STAFF, is_active=True)
    )


def requester_user(order: Order) -> list[Any]:
    return [order.requester.user] if order.requester.user_id else []


def leader(order: Order) -> list[Any]:
    team = order.team if order.team_id else None
    return [team.leader] if team is not None and team.leader_id else []


def _notice(recipients: Any, kind: str, title: Msg, body: Any = "") -> Notice:
    # `title` is a message code with its parameters, shown in each reader's language; `body` is data.
    return Notice(recipients=recipients, kind=f"order_{kind}", title=title, body=body)


def _n(ctx: Ctx) -> str:
    return str(ctx.obj.number)


def _t(ctx: Ctx) -> str:
    return str(ctx.obj.title)


def _reason(ctx: Ctx) -> str:
    return str(ctx.data.get("reason", ""))


def _publish_notify(ctx: Ctx, event: Any) -> list[Notice]:
    from civicloop.people.models import Team, User

    order = ctx.obj
    teams = (
        Team.objects.filter(is_active=True, leader__isnull=False, served_units__path__in=Unit.paths_above(order.unit_path))
        .distinct()
        .prefetch_related("served_units")[:200]
    )
    leaders = User.objects.filter(pk__in=[t.leader_id for t in teams if policy.team_serves(t, order)])
    return [_notice(leaders, "published", Msg(gettext_noop("A new order in the hall: %(t)s"), t=_t(ctx)))]


def _team_stopped(ctx: Ctx) -> list[Notice]:
    """A suspended or dissolved team's orders handed back (orders_release_team), instead of the step's notice."""
    return [_notice(
        requester_user(ctx.obj) + staff_users(ctx.obj.unit), "team_stopped",
        Msg(gettext_noop("The team serving your order %(n)s has stopped; the order is waiting for another team."),
            n=_n(ctx)),
    )]


def _reroute_notify(ctx: Ctx, event: Any) -> list[Notice]:
    return [
        _notice(staff_users(ctx.obj.unit), "rerouted",
                Msg(gettext_noop("An order was passed to your unit: %(t)s"), t=_t(ctx)), _reason(ctx)),
        _notice(requester_user(ctx.obj), "rerouted",
                Msg(gettext_noop("Your order was passed to %(u)s"), u=ctx.obj.unit.name), _reason(ctx)),
    ]


def _cancel_notify(ctx: Ctx, event: Any) -> list[Notice]:
    by_requester = policy.is_requester(ctx.actor, ctx.obj)
    recipients = leader(ctx.obj) + ([] if by_requester else requester_user(ctx.obj))
    if by_requester:
        recipients += staff_users(ctx.obj.unit)
    return [_notice(recipients, "cancelled", Msg(gettext_noop("Order %(n)s was cancelled"), n=_n(ctx)), _reason(ctx))]


def _rate_notify(ctx: Ctx, event: Any) -> list[Notice]:
    score = ctx.data.get("score")
    if score is None or score > 2:  # the automatic rating has no score here: it is never low
        return []
    return [_notice(staff_users(ctx.obj.unit), "low_rating",
                    Msg(gettext_noop("Low rating on order %(n)s"), n=_n(ctx)), ctx.data.get("comment", ""))]


def _whistle_notify(ctx: Ctx, event: Any) -> list[Notice]:
    from civicloop.people.models import User

    liaisons = User.objects.filter(
        memberships__unit__in=ctx.data["departments"], memberships__role=Membership.Role.LIAISON, is_active=True
    )
    return [_notice(list(liaisons) + staff_users(ctx.extra["target"]), "whistle",
                    Msg(gettext_noop("Whistle on order %(n)s: please respond"), n=_n(ctx)), ctx.extra["note"])]


def _on(kind: str, msgid: str, who: Any, *, body: Any = None, **params: Any) -> Any:
    """A notify hook with one notice: `who(ctx)` hears `msgid` with `params` (name → ctx → value)."""

    def notify(ctx: Ctx, event: Any) -> list[Notice]:
        if ctx.extra.get("team_stopped"):
            return _team_stopped(ctx)
        title = Msg(msgid, **{k: fn(ctx) for k, fn in params.items()})
        return [_notice(who(ctx), kind, title, body(ctx) if body else "")]

    return notify


def _staff(name: str, label: object, sources: set[str], target: str | None, **kw: object) -> Step:
    return Step(name, label, sources=sources, target=target, allowed=policy.is_order_staff, **kw)  # type: ignore[arg-type]


_REQUESTER = lambda ctx: requester_user(ctx.obj)  # noqa: E731
_UNIT_STAFF = lambda ctx: staff_users(ctx.obj.unit)  # noqa: E731
_LEADER = lambda ctx: leader(ctx.obj)  # noqa: E731
_TEAM = lambda ctx: ctx.obj.team.name  # noqa: E731

# Each step declares its input form, the deadlines it starts and stops (the order's three: review_due,
# claim_due, complete_due) and what it notifies; the services in orders/services.py check the rules the
# forms cannot (scope of the team or unit, attendance, capacity), write the other rows and run the step.
STEPS = [
    # 梳理 (staff of the owning unit or above)
    _staff("publish", _("Publish to the order hall"), {S.SUBMITTED}, S.OPEN,
           changes=lambda ctx: {"team": None}, starts_deadline={"claim_due": _starts("claim")},
           notify=_publish_notify),
    _staff("dispatch", _("Dispatch to a team"), {S.SUBMITTED, S.OPEN}, S.DISPATCHED, form=f.DispatchForm,
           changes=lambda ctx: {"team": ctx.data["team"]}, starts_deadline={"claim_due": _starts("claim")},
           notify=_on("dispatched", gettext_noop("An order was dispatched to your team: %(t)s"), _LEADER, t=_t)),
    _staff("reroute", _("Send to another unit"), {S.SUBMITTED}, S.SUBMITTED, form=f.RerouteForm,
           changes=lambda ctx: {"unit": ctx.data["unit"], "unit_path": ctx.data["unit"].path},
           starts_deadline={"review_due": _starts("review")}, notify=_reroute_notify),
    _staff("merge", _("Merge into a duplicate"), {S.SUBMITTED}, S.CANCELLED, form=f.MergeForm,
           changes=lambda ctx: {"merged_into": ctx.data["into"]},
           notify=_on("merged", gettext_noop("Your order was merged with %(n)s, which will serve the same need"),
                      _REQUESTER, n=lambda ctx: ctx.data["into"].number)),
    _staff("reject", pgettext_lazy("order action", "Reject"), {S.SUBMITTED}, S.REJECTED, form=f.ReasonForm,
           style="danger", changes=lambda ctx: {"reject_reason": _reason(ctx)},
           notify=_on("rejected", gettext_noop("Your order was not accepted: %(t)s"), _REQUESTER, body=_reason, t=_t)),
    _staff("withdraw", _("Withdraw from the hall"), {S.OPEN}, S.SUBMITTED, stops_deadline={"claim_due"}),
    # 领单 / 接单 (team leaders)
    Step("claim", _("Claim"), sources={S.OPEN}, target=S.ACCEPTED, allowed=policy.may_claim, form=f.ClaimForm,
         taken_message=_("This order has already been taken by another team."),
         changes=lambda ctx: {"team": ctx.data["team"]}, stops_deadline={"claim_due"},
         starts_deadline={"complete_due": _complete_due},
         notify=_on("claimed", gettext_noop("A team has taken your order: %(t)s"), _REQUESTER, body=_TEAM, t=_t)),
    Step("accept", _("Accept"), sources={S.DISPATCHED}, target=S.ACCEPTED, allowed=policy.is_holding_leader,
         stops_deadline={"claim_due"}, starts_deadline={"complete_due": _complete_due},
         notify=_on("accepted", gettext_noop("A team has taken your order: %(t)s"), _REQUESTER, body=_TEAM, t=_t)),
    Step("decline", _("Decline"), sources={S.DISPATCHED}, target=S.SUBMITTED, allowed=policy.is_holding_leader,
         form=f.ReasonForm, style="danger", changes=lambda ctx: {"team": None}, stops_deadline={"claim_due"},
         starts_deadline={"review_due": _starts("review")},
         notify=_on("declined", gettext_noop("A team declined order %(n)s"), _UNIT_STAFF, body=_reason, n=_n)),
    Step("release", _("Release back to the hall"), sources={S.ACCEPTED}, target=S.OPEN,
         allowed=policy.is_holding_leader, form=f.ReasonForm, style="danger", changes=lambda ctx: {"team": None},
         stops_deadline={"complete_due"}, starts_deadline={"claim_due": _starts("claim")},
         notify=_on("released", gettext_noop("A team released order %(n)s"), _UNIT_STAFF, body=_reason, n=_n)),
    # 服务
    Step("assign", _("Assign volunteers"), sources={S.ACCEPTED, S.IN_SERVICE}, target=None,
         allowed=policy.is_holding_leader, form=f.AssignForm,
         notify=_on("assigned", gettext_noop("You are assigned to order %(n)s: %(t)s"),
                    lambda ctx: ctx.extra["added"], n=_n, t=_t)),
    Step("check_in", _("Check in"), sources={S.ACCEPTED, S.IN_SERVICE}, target=S.IN_SERVICE,
         records_in=frozenset({S.IN_SERVICE}),  # later volunteers checking in once service started
         allowed=policy.may_check_in, form=f.CheckInForm,
         notify=_on("started", gettext_noop("Service has started: %(t)s"),
                    lambda ctx: requester_user(ctx.obj) if ctx.from_status == S.ACCEPTED else [], t=_t)),
    Step("check_out", _("Check out"), sources={S.IN_SERVICE}, target=None, allowed=policy.is_assigned),
    Step("report", _("File the service report"), sources={S.IN_SERVICE}, target=S.SERVED,
         allowed=policy.is_holding_leader, form=f.ReportForm,
         notify=lambda ctx, e: [
             _notice(requester_user(ctx.obj), "served",
                     Msg(gettext_noop("Service done — please rate it: %(t)s"), t=_t(ctx))),
             _notice(staff_users(ctx.obj.unit), "served",
                     Msg(gettext_noop("Order %(n)s waits for verification"), n=_n(ctx))),
         ]),
    # 评单 / 验单
    Step("rate", _("Rate the service"), sources={S.SERVED, S.CLOSED}, target=None, allowed=policy.is_requester,
         form=f.RateForm, system=True, notify=_rate_notify),  # the platform rates automatically after N days
    _staff("return", _("Return for rework"), {S.SERVED}, S.ACCEPTED, form=f.ReasonForm, style="danger",
           starts_deadline={"complete_due": _complete_due},
           notify=_on("returned", gettext_noop("Order %(n)s was returned for rework"), _LEADER, body=_reason, n=_n)),
    _staff("verify", _("Verify and credit hours"), {S.SERVED}, S.CLOSED, form=f.NoteForm,
           changes=lambda ctx: {"closed_at": ctx.now},
           notify=lambda ctx, e: [
               _notice(requester_user(ctx.obj) + leader(ctx.obj), "closed",
                       Msg(gettext_noop("Order %(n)s is closed"), n=_n(ctx))),
               _notice(ctx.extra["credited"], "hours",
                       Msg(gettext_noop("Your service hours for order %(n)s were credited"), n=_n(ctx))),
           ]),
    Step("cancel", _("Cancel the order"), sources={S.SUBMITTED, S.OPEN, S.DISPATCHED, S.ACCEPTED},
         target=S.CANCELLED, allowed=policy.is_requester_or_staff, form=f.OptionalReasonForm, style="danger",
         notify=_cancel_notify),
    # 吹哨
    _staff("whistle", _("Blow the whistle"), _WORKING, None, form=f.WhistleForm, notify=_whistle_notify),
    Step("whistle_answer", _("Answer the whistle"), sources={str(v) for v in S.values}, target=None, allowed=nobody,
         form=f.AnswerForm,  # who may answer depends on the whistle: the service asks can_answer_whistle
         notify=_on("whistle_answered", gettext_noop("The whistle on order %(n)s was answered"),
                    lambda ctx: ctx.extra["raised_by"] + staff_users(ctx.obj.unit), body=lambda ctx: ctx.note, n=_n)),
    Step("escalate", _("Raised after a missed deadline"), sources=_WORKING, target=None, allowed=nobody,
         system=True,
         notify=_on("escalated", gettext_noop("Order %(n)s is overdue and was raised to %(u)s"),
                    lambda ctx: staff_users(ctx.extra["target"]) + staff_users(ctx.obj.unit),
                    n=_n, u=lambda ctx: ctx.extra["target"].name)),
]

def _row_unit(order: Order) -> Unit:
    """The unit written on the step's event and audit rows, which store only its id: a step that did not load the
    unit (the claim reads the order without it) is not made to read it for them."""
    if Order._meta.get_field("unit").is_cached(order):
        return order.unit
    return Unit(pk=order.unit_id)


ORDER = Workflow(
    name="orders",
    model=Order,
    event_model=OrderEvent,
    event_subject="order",
    event_step="action",
    counter_source="order",
    states=STATES,
    steps=STEPS,
    unit=_row_unit,
    url=lambda order: f"/orders/{order.number}/",
    ref=lambda order: order.number,
    label=_("service order"),
    taken_message=_("Someone else changed this order just now. Reload and try again."),
    notice_kwargs=lambda order: {"order": order},  # linked to the order: one delivery task per order and commit
)

# The tables other modules read, all from the declaration above.
TRANSITIONS: dict[str, tuple[frozenset[str], str]] = ORDER.transitions()
RECORDS: dict[str, frozenset[str]] = ORDER.records()
STAFF_ACTIONS: tuple[str, ...] = tuple(n for n, s in ORDER.steps.items() if s.allowed is policy.is_order_staff)
HOLDING: frozenset[str] = frozenset(ORDER.tagged(HOLD))
LOAD: tuple[str, ...] = tuple(ORDER.tagged(LOADS))
TEAM_TASKS: tuple[str, ...] = tuple(ORDER.tagged(TEAM_TASK))
VOLUNTEER_TASKS: tuple[str, ...] = tuple(ORDER.tagged(VOLUNTEER_TASK))
LIVE_STATES: tuple[str, ...] = tuple(ORDER.tagged(LIVE))
ENDED_STATES: tuple[str, ...] = tuple(ORDER.codes(TERMINAL))
# deadline field → the states in which it runs
DEADLINES: dict[str, tuple[str, ...]] = {d: tuple(ORDER.tagged(d)) for d in (REVIEW_DUE, CLAIM_DUE, COMPLETE_DUE)}
# Steps a person takes (the API's and the pages' actions; the platform's own steps are left out).
ACTIONS: tuple[str, ...] = tuple(n for n, s in ORDER.steps.items() if s.allowed is not nobody)
STATUS_BADGES: dict[str, str] = {
    code: ("" if state.badge == "grey" else f"badge-{state.badge}") for code, state in ORDER.states.items()
}
QUEUE_TABS: list[str] = list(ORDER.states)
