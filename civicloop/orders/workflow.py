"""The service-order loop declared once (DESIGN §2): 点单 → 派单/领单 → 服务 → 评单 → 验单, with 吹哨.

States carry their label, badge, kind (open/held/terminal) and tags for the groups other modules ask about
(`HOLDING`, `LOAD`, the deadline that applies in a state...); steps carry their sources, target (None: a record
on the timeline), who may take them (the predicates of `civicloop.access.orders`), their input form and the
message when someone else was faster. Everything else — the allowed-moves tables, the policy's `may()`, the
queue tabs and badges, the state tuples of the selectors, the test machine's list of actions — is read from here.

The services in `civicloop.orders.services` keep their own input checks, notifications and deadline changes for
now (they run `ORDER.apply` from `_move`/`_record`, with `cleaned` input and `changes`); moving those into the
steps' `form`/`notify`/`starts_deadline` hooks is the next step (see docs/DEVELOPING.md).
"""

from __future__ import annotations

from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from civicloop.access import orders as policy
from civicloop.core.workflow import HELD, OPEN, TERMINAL, State, Step, Workflow, nobody
from civicloop.orders import forms as f
from civicloop.orders.models import Order, OrderEvent

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


def _staff(name: str, label: object, sources: set[str], target: str | None, **kw: object) -> Step:
    return Step(name, label, sources=sources, target=target, allowed=policy.is_order_staff, **kw)  # type: ignore[arg-type]


STEPS = [
    # 梳理 (staff of the owning unit or above)
    _staff("publish", _("Publish to the order hall"), {S.SUBMITTED}, S.OPEN),
    _staff("dispatch", _("Dispatch to a team"), {S.SUBMITTED, S.OPEN}, S.DISPATCHED, form=f.DispatchForm),
    _staff("reroute", _("Send to another unit"), {S.SUBMITTED}, S.SUBMITTED, form=f.RerouteForm),
    _staff("merge", _("Merge into a duplicate"), {S.SUBMITTED}, S.CANCELLED, form=f.MergeForm),
    _staff("reject", pgettext_lazy("order action", "Reject"), {S.SUBMITTED}, S.REJECTED, form=f.ReasonForm,
           style="danger"),
    _staff("withdraw", _("Withdraw from the hall"), {S.OPEN}, S.SUBMITTED),
    # 领单 / 接单 (team leaders)
    Step("claim", _("Claim"), sources={S.OPEN}, target=S.ACCEPTED, allowed=policy.may_claim, form=f.ClaimForm,
         taken_message=_("This order has already been taken by another team.")),
    Step("accept", _("Accept"), sources={S.DISPATCHED}, target=S.ACCEPTED, allowed=policy.is_holding_leader),
    Step("decline", _("Decline"), sources={S.DISPATCHED}, target=S.SUBMITTED, allowed=policy.is_holding_leader,
         form=f.ReasonForm, style="danger"),
    Step("release", _("Release back to the hall"), sources={S.ACCEPTED}, target=S.OPEN,
         allowed=policy.is_holding_leader, form=f.ReasonForm, style="danger"),
    # 服务
    Step("assign", _("Assign volunteers"), sources={S.ACCEPTED, S.IN_SERVICE}, target=None,
         allowed=policy.is_holding_leader, form=f.AssignForm),
    Step("check_in", _("Check in"), sources={S.ACCEPTED, S.IN_SERVICE}, target=S.IN_SERVICE,
         records_in=frozenset({S.IN_SERVICE}),  # later volunteers checking in once service started
         allowed=policy.may_check_in, form=f.CheckInForm),
    Step("check_out", _("Check out"), sources={S.IN_SERVICE}, target=None, allowed=policy.is_assigned),
    Step("report", _("File the service report"), sources={S.IN_SERVICE}, target=S.SERVED,
         allowed=policy.is_holding_leader, form=f.ReportForm),
    # 评单 / 验单
    Step("rate", _("Rate the service"), sources={S.SERVED, S.CLOSED}, target=None, allowed=policy.is_requester,
         form=f.RateForm, system=True),  # the platform rates automatically after N days
    _staff("return", _("Return for rework"), {S.SERVED}, S.ACCEPTED, form=f.ReasonForm, style="danger"),
    _staff("verify", _("Verify and credit hours"), {S.SERVED}, S.CLOSED, form=f.NoteForm,
           changes=lambda ctx: {"closed_at": ctx.now}),
    Step("cancel", _("Cancel the order"), sources={S.SUBMITTED, S.OPEN, S.DISPATCHED, S.ACCEPTED},
         target=S.CANCELLED, allowed=policy.is_requester_or_staff, form=f.OptionalReasonForm, style="danger"),
    # 吹哨
    _staff("whistle", _("Blow the whistle"), _WORKING, None, form=f.WhistleForm),
    Step("whistle_answer", _("Answer the whistle"), sources={str(v) for v in S.values}, target=None, allowed=nobody,
         form=f.AnswerForm),  # who may answer depends on the whistle: the service asks can_answer_whistle
    Step("escalate", _("Raised after a missed deadline"), sources=_WORKING, target=None, allowed=nobody,
         system=True),
]

ORDER = Workflow(
    name="orders",
    model=Order,
    event_model=OrderEvent,
    event_subject="order",
    event_step="action",
    counter_source="order",
    states=STATES,
    steps=STEPS,
    unit=lambda order: order.unit,
    url=lambda order: f"/orders/{order.number}/",
    ref=lambda order: order.number,
    label=_("service order"),
    taken_message=_("Someone else changed this order just now. Reload and try again."),
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
