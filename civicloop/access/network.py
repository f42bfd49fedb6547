"""Access policies for the unit tree and memberships (who may see a unit, change it, hand out roles)."""

from __future__ import annotations

from typing import TYPE_CHECKING

from django.db.models import Q, QuerySet

from civicloop.access import in_scope, is_office, staff_units, visible_units
from civicloop.network.models import Membership, Unit

if TYPE_CHECKING:
    from civicloop.people.models import User


def can_view_unit(user: User, unit: Unit) -> bool:
    return in_scope(user, unit)


def can_manage_roles(user: User, unit: Unit) -> bool:
    """Office, or staff of a unit strictly above this one: nobody hands out roles in their own unit."""
    if is_office(user):
        return True
    return any(unit.path.startswith(u.path) and len(unit.path) > len(u.path) for u in staff_units(user))


def can_revoke_membership(user: User, membership: Membership) -> bool:
    return membership.user_id != getattr(user, "pk", None) and can_manage_roles(user, membership.unit)


def visible_memberships(user: User) -> QuerySet[Membership]:
    return Membership.objects.filter(unit__in=visible_units(user))


def visible_accounts(user: User) -> QuerySet[User]:
    """Accounts tied to the user's scope: staff of visible units, and volunteers and residents in scope."""
    from civicloop.access import visible_residents, visible_volunteers
    from civicloop.people.models import User

    if not staff_units(user):
        return User.objects.none()
    units = visible_units(user)
    return User.objects.filter(
        Q(memberships__unit__in=units)
        | Q(volunteer__in=visible_volunteers(user))
        | Q(resident__in=visible_residents(user))
    ).distinct()
