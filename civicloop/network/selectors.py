"""Reads for the unit tree: scoped lists and subtree counts computed by a fixed number of aggregate queries."""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

from django.db.models import Count, Q, QuerySet
from django.db.models.functions import Substr

from civicloop import access
from civicloop.network.models import Membership, Unit

if TYPE_CHECKING:
    from collections.abc import Iterable


@dataclass
class UnitCounts:
    children: int = 0
    volunteers: int = 0
    teams: int = 0
    residents: int = 0


@dataclass
class UnitRow:
    unit: Unit
    counts: UnitCounts = field(default_factory=UnitCounts)


def _subtree_counts(qs: QuerySet[Any], units: list[Unit]) -> dict[str, int]:
    """Rows of `qs` per unit subtree, keyed by unit path; one query per distinct depth among `units`."""
    found: dict[str, int] = {}
    by_length: dict[int, list[str]] = defaultdict(list)
    for unit in units:
        by_length[len(unit.path)].append(unit.path)
    for length, paths in by_length.items():
        prefix = Q()
        for path in paths:
            prefix |= Q(unit_path__startswith=path)
        rows = (
            qs.filter(prefix)
            .annotate(branch=Substr("unit_path", 1, length))
            .values("branch")
            .annotate(n=Count("pk"))
            .order_by()
        )
        found.update({row["branch"]: row["n"] for row in rows})
    return found


def unit_rows(user: Any, units: Iterable[Unit]) -> list[UnitRow]:
    """Each unit with its subtree counts of volunteers, teams and residents the user may see."""
    units = list(units)
    if not units:
        return []
    volunteers = _subtree_counts(access.visible_volunteers(user).filter(is_active=True), units)
    teams = _subtree_counts(access.visible_teams(user).filter(is_active=True), units)
    residents = _subtree_counts(access.visible_residents(user), units)
    return [
        UnitRow(
            unit=u,
            counts=UnitCounts(
                children=u.numchild,
                volunteers=volunteers.get(u.path, 0),
                teams=teams.get(u.path, 0),
                residents=residents.get(u.path, 0),
            ),
        )
        for u in units
    ]


def tree_tops(user: Any) -> list[Unit]:
    """The highest units the user may see: their staff units, minus any that lie inside another."""
    units = sorted(access.staff_units(user), key=lambda u: u.path)
    tops: list[Unit] = []
    for unit in units:
        if not any(unit.path.startswith(top.path) for top in tops):
            tops.append(unit)
    return tops


def unit_children(user: Any, unit: Unit) -> QuerySet[Unit]:
    """The direct children of a unit, among the units the user may see."""
    return (
        access.visible_units(user).filter(path__startswith=unit.path, depth=unit.depth + 1).order_by("path")
    )


def unit_ancestors(user: Any, unit: Unit) -> QuerySet[Unit]:
    """The units above this one that the user may also open, root first (for the breadcrumb)."""
    paths = unit.ancestor_paths(include_self=False)
    return access.visible_units(user).filter(path__in=paths).order_by("path")


def unit_staff(unit: Unit) -> QuerySet[Membership]:
    return Membership.objects.filter(unit=unit).select_related("user").order_by("role", "user__username")


def account_by_username(username: str) -> Any:
    """The account to hand a role to (usernames are unique, case-insensitively), or None."""
    from civicloop.people.models import User

    return User.objects.filter(username__iexact=username.strip()).first()
