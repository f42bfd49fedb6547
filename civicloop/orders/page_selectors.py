"""Small reads the order pages need beyond `selectors.py`: pickers, tab counts and the follow-up list.

Every read that could reach outside a user's scope starts from the access package.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from django.db.models import Count, Q, QuerySet

from civicloop import access
from civicloop.network.models import Unit
from civicloop.orders import policies as order_access
from civicloop.orders.models import Order, Whistle
from civicloop.people.models import Resident, Team, Volunteer

if TYPE_CHECKING:
    from civicloop.people.models import User


def dispatch_teams(order: Order) -> QuerySet[Team]:
    """Active teams that serve the order's unit (or an ancestor of it) and its platform."""
    paths = Unit.paths_above(order.unit_path)
    candidates = Team.objects.filter(is_active=True, served_units__path__in=paths).distinct()[:500]
    fits = [t.pk for t in candidates if order.category in (t.categories or [])]
    return Team.objects.filter(pk__in=fits).order_by("name")


def claim_teams(user: User, order: Order) -> QuerySet[Team]:
    """The user's teams that serve this order (the team picker of a claim)."""
    fits = [t.pk for t in order_access.team_leader_teams(user) if order_access.team_serves(t, order)]
    return Team.objects.filter(pk__in=fits).order_by("name")


def reroute_units(order: Order) -> QuerySet[Unit]:
    """Practice units one step away in the tree: the parent, the children and the siblings of the owner."""
    unit = order.unit
    paths = Q(path__startswith=unit.path, depth=unit.depth + 1)
    if unit.depth > 1:
        parent_path = unit.path[: -Unit.steplen]
        paths |= Q(path=parent_path) | Q(path__startswith=parent_path, depth=unit.depth)
    return (
        Unit.objects.filter(paths, kind=Unit.Kind.PRACTICE, is_active=True)
        .exclude(pk=unit.pk)
        .order_by("path")
    )


def whistle_departments() -> QuerySet[Unit]:
    return Unit.objects.filter(kind=Unit.Kind.DEPARTMENT, is_active=True).order_by("path")


def status_counts(user: User) -> dict[str, int]:
    """Orders per state in the user's scope, in one query."""
    rows = order_access.visible_orders(user).order_by().values("status").annotate(n=Count("pk"))
    return {row["status"]: row["n"] for row in rows}


def entry_residents(user: User, q: str) -> QuerySet[Resident]:
    """Residents staff may enter an order for, narrowed by a name, initials or the last four phone digits."""
    residents = access.visible_residents(user).select_related("unit")
    q = q.strip()
    if q:
        residents = residents.filter(
            Q(name__contains=q) | Q(name_initials__startswith=q.lower()) | Q(phone_last4=q[-4:])
        )
    return residents.order_by("-created_at")


def entry_units(user: User) -> QuerySet[Unit]:
    """Stations in the user's scope, where a new resident may be registered."""
    return access.visible_units(user).filter(level=Unit.Level.STATION, is_active=True).order_by("path")


def leader_teams(user: User) -> list[Team]:
    return list(order_access.team_leader_teams(user).order_by("name"))


def team_members(team: Team) -> QuerySet[Volunteer]:
    return (
        Volunteer.objects.filter(team_memberships__team=team, is_active=True)
        .select_related("user")
        .order_by("user__full_name", "pk")
    )


def scope_units(user: User) -> QuerySet[Unit]:
    """Practice units in scope for the queue's unit filter (stations and above)."""
    return (
        access.visible_units(user)
        .filter(kind=Unit.Kind.PRACTICE)
        .exclude(level=Unit.Level.POINT)
        .order_by("path")
    )


def answerable_whistle_ids(user: User, whistles: list[Whistle]) -> set[int]:
    """Unanswered whistles asking one of the user's departments, or raised to a unit in the user's scope."""
    mine = {u.pk for u in access.liaison_units(user)}
    return {
        w.pk
        for w in whistles
        if not w.answered_at
        and (mine & {d.pk for d in w.departments.all()} or access.path_in_scope(user, w.to_unit_path))
    }
