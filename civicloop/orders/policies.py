"""Who may see and do what with service orders (DESIGN §2 table, §3 scope), and who may change a unit's order
settings.

Decisions:
- A team that serves a unit serves that unit's whole subtree (a station team also serves the station's points).
- A team leader sees an open order in the hall with the address and requester name masked; full details only
  once the team holds the order (dispatched to it, accepted, in service, served, closed).
- Department liaisons see orders on which a whistle asked their department.
- The rating belongs to the requester's own account only; staff cannot rate on a resident's behalf.
"""

from __future__ import annotations

from functools import reduce
from operator import or_
from typing import TYPE_CHECKING, Any

from django.db.models import Q, QuerySet

from civicloop import access
from civicloop.network.models import Unit
from civicloop.orders.models import Order, Whistle

if TYPE_CHECKING:
    from civicloop.people.models import Team

S = Order.Status
# The allowed moves, the state groups (HOLDING, LOAD...) and which predicate guards which step are declared in
# `civicloop.orders.workflow`; it imports the predicates below, so this module reads it lazily.


def _wf() -> Any:
    from civicloop.orders import workflow

    return workflow


def __getattr__(name: str) -> Any:
    """`policy.RECORDS` and friends, still read by the services, come from the declaration."""
    if name in ("TRANSITIONS", "RECORDS", "STAFF_ACTIONS", "HOLDING", "LOAD"):
        return getattr(_wf(), name)
    raise AttributeError(name)


def team_leader_teams(user: Any) -> QuerySet[Team]:
    return access.led_teams(user).prefetch_related("served_units")


def _uid(user: Any) -> int | None:
    return getattr(user, "pk", None) if getattr(user, "is_authenticated", False) else None


def is_order_staff(user: Any, order: Order) -> bool:
    """Staff of the owning unit or an ancestor."""
    return access.path_in_scope(user, order.unit_path)


def is_requester(user: Any, order: Order) -> bool:
    uid = _uid(user)
    return uid is not None and order.requester.user_id == uid


def is_holding_leader(user: Any, order: Order) -> bool:
    uid = _uid(user)
    return (
        uid is not None and order.team_id is not None and order.team.leader_id == uid and order.team.is_active
    )


def assignment_of(user: Any, order: Order) -> Any:
    """The user's assignment on this order, read once per order object (services drop it after writes)."""
    uid = _uid(user)
    if uid is None:
        return None
    cache = order.__dict__.setdefault("_assignment_cache", {})
    if uid not in cache:
        cache[uid] = order.assignments.filter(volunteer__user_id=uid).first()
    return cache[uid]


def forget_assignments(order: Order) -> None:
    order.__dict__.pop("_assignment_cache", None)


def team_serves(team: Team, order: Order) -> bool:
    """A team serves the subtree of each unit it serves, and only its own platforms."""
    if not team.is_active or order.category not in (team.categories or []):
        return False
    return any(order.unit_path.startswith(u.path) for u in team.served_units.all())


def team_load(team: Team) -> int:
    return Order.objects.filter(team=team, status__in=_wf().LOAD).count()


def team_has_capacity(team: Team) -> bool:
    return team_load(team) < team.capacity


def can_claim_with(user: Any, order: Order, team: Team) -> bool:
    uid = _uid(user)
    return uid is not None and team.leader_id == uid and team_serves(team, order)


def _hall_q(teams: list[Team]) -> Q:
    parts = []
    for team in teams:
        units = list(team.served_units.all())
        if not team.is_active or not units or not team.categories:
            continue
        where = reduce(or_, (Q(unit_path__startswith=u.path) for u in units))
        parts.append(where & Q(category__in=team.categories))
    if not parts:
        return Q(pk__in=[])
    return Q(status=S.OPEN) & reduce(or_, parts)


def hall_orders(user: Any, team: Team | None = None) -> QuerySet[Order]:
    """Open orders in the units and platforms the user's team(s) serve; empty for anyone else."""
    teams = list(team_leader_teams(user))
    if team is not None:
        teams = [t for t in teams if t.pk == team.pk]
    return Order.objects.filter(_hall_q(teams))


def hall_orders_of(team: Team) -> QuerySet[Order]:
    """The hall of one team the caller already knows the user leads (e.g. from `team_leader_teams`), without
    loading the user's teams again."""
    return Order.objects.filter(_hall_q([team]))


def visible_orders(user: Any) -> QuerySet[Order]:
    """Orders this user may open: staff scope, own orders, held orders, assignments, hall, whistles asked."""
    uid = _uid(user)
    if uid is None:
        return Order.objects.none()
    q = access.scope_q(user) | Q(requester__user_id=uid) | Q(team__leader_id=uid, status__in=_wf().HOLDING)
    q |= Q(pk__in=Order.objects.filter(assignments__volunteer__user_id=uid).values("pk"))
    liaison = access.liaison_units(user)
    if liaison:
        q |= Q(pk__in=Whistle.objects.filter(departments__in=liaison).values("order_id"))
    teams = list(team_leader_teams(user))
    if teams:
        q |= _hall_q(teams)
    return Order.objects.filter(q)


def can_view_order(user: Any, order: Order) -> bool:
    if _uid(user) is None:
        return False
    if can_see_order_details(user, order):
        return True
    if order.status == S.OPEN and any(team_serves(t, order) for t in team_leader_teams(user)):
        return True
    liaison = access.liaison_units(user)
    return bool(liaison) and Whistle.objects.filter(order=order, departments__in=liaison).exists()


def can_see_order_details(user: Any, order: Order) -> bool:
    """Full address and requester name: staff in scope, the requester, the holding team, assigned volunteers."""
    if _uid(user) is None:
        return False
    # Checks on rows already loaded with the order first: a holding leader or the requester is answered without
    # reading the user's memberships (staff scope) or assignment.
    if is_requester(user, order) or (order.status in _wf().HOLDING and is_holding_leader(user, order)):
        return True
    return is_order_staff(user, order) or assignment_of(user, order) is not None


def may_claim(user: Any, order: Order) -> bool:
    """The leader of a team that serves the order's unit and platform."""
    return _uid(user) is not None and any(can_claim_with(user, order, t) for t in team_leader_teams(user))


def is_assigned(user: Any, order: Order) -> bool:
    return assignment_of(user, order) is not None


def may_check_in(user: Any, order: Order) -> bool:
    return is_holding_leader(user, order) or is_assigned(user, order)


def is_requester_or_staff(user: Any, order: Order) -> bool:
    return is_requester(user, order) or is_order_staff(user, order)


# The serving side needs the requester's full mobile and exact address only while it serves.
SERVING = frozenset({S.ACCEPTED, S.IN_SERVICE, S.SERVED})


def can_see_order_contact(user: Any, order: Order) -> bool:
    """Full mobile, exact address and position: staff in scope and the requester; the holding team's leader and
    assigned volunteers only while the order is being served (accepted → served), masked once it is closed."""
    if _uid(user) is None:
        return False
    if is_order_staff(user, order) or is_requester(user, order):
        return True
    if order.status not in SERVING:
        return False
    return is_holding_leader(user, order) or assignment_of(user, order) is not None


def may(user: Any, action: str, order: Order, *, team: Team | None = None) -> bool:
    """May this user take this step on this order, ignoring its state? (the workflow declares who may)"""
    if _uid(user) is None:
        return False
    if action == "claim" and team is not None:
        return can_claim_with(user, order, team)
    step = _wf().ORDER.steps.get(action)
    return step is not None and bool(step.allowed(user, order))


def state_allows(action: str, order: Order) -> bool:
    step = _wf().ORDER.steps.get(action)
    return step is not None and order.status in step.sources


def allowed_actions(user: Any, order: Order) -> set[str]:
    """The actions this viewer may take now (names are the service suffixes)."""
    found: set[str] = set()
    if _uid(user) is None:
        return found
    for action in _wf().ACTIONS:
        if not state_allows(action, order) or not may(user, action, order):
            continue
        if action == "rate" and hasattr_rating(order):
            continue
        if action == "check_in" and order.status == S.IN_SERVICE:
            a = assignment_of(user, order)
            if a is None or a.checked_in_at is not None:
                continue
        if action == "check_out":
            a = assignment_of(user, order)
            if a is None or a.checked_in_at is None or a.checked_out_at is not None:
                continue
        found.add(action)
    return found


def hasattr_rating(order: Order) -> bool:
    from civicloop.orders.models import OrderRating

    return OrderRating.objects.filter(order_id=order.pk).exists()


def whistles_for(user: Any) -> QuerySet[Whistle]:
    """Whistles raised to a unit in the user's staff scope, or asking the user's department."""
    if _uid(user) is None:
        return Whistle.objects.none()
    q = access.scope_q(user, "to_unit_path")
    liaison = access.liaison_units(user)
    if liaison:
        q |= Q(pk__in=Whistle.objects.filter(departments__in=liaison).values("pk"))
    return Whistle.objects.filter(q)


def can_answer_whistle(user: Any, whistle: Whistle) -> bool:
    liaison = access.liaison_units(user)
    if liaison and whistle.departments.filter(pk__in=[u.pk for u in liaison]).exists():
        return True
    return access.path_in_scope(user, whistle.to_unit_path)


# --- unit settings (deadlines, auto-dispatch, whistle departments, auto-rating delay) ----------------------


def can_edit_unit_settings(user: Any, unit: Unit) -> bool:
    """Staff of the unit or of a unit above it (the office covers the district); practice units only."""
    return unit.kind == Unit.Kind.PRACTICE and access.in_scope(user, unit)


def settings_units(user: Any) -> QuerySet[Unit]:
    return access.visible_units(user).filter(kind=Unit.Kind.PRACTICE, is_active=True)
