"""The access core (DESIGN §3): roles, unit scope, and what a user may see and do with people and units.

Every page and API endpoint asks here or in its app's policies; views never filter by hand. Scoping fails
closed: a user with no role sees nothing. Scope comes from the unit tree: staff of a unit cover its whole subtree,
never a sibling's. Each app keeps its own policies in `civicloop/<app>/policies.py`, built on this core in the
same style (`visible_<things>`, `can_<verb>_<thing>`).
"""

from __future__ import annotations

from functools import reduce
from operator import or_
from typing import TYPE_CHECKING

from django.core.exceptions import PermissionDenied
from django.db.models import Q, QuerySet
from django.http import HttpRequest
from django.utils.translation import gettext as _

from civicloop.network.models import Membership, Unit

if TYPE_CHECKING:
    from civicloop.people.models import Resident, Team, User, Volunteer

_CACHE = "_civicloop_access"


def _memberships(user: User) -> list[Membership]:
    """A user's memberships, read once per request object."""
    if not getattr(user, "is_authenticated", False):
        return []
    cached = getattr(user, _CACHE, None)
    if cached is None:
        cached = list(Membership.objects.filter(user=user, unit__is_active=True).select_related("unit"))
        setattr(user, _CACHE, cached)
    return cached


def forget(user: User) -> None:
    """Drop the per-object cache after memberships change."""
    if hasattr(user, _CACHE):
        delattr(user, _CACHE)


def staff_units(user: User) -> list[Unit]:
    return [m.unit for m in _memberships(user) if m.role == Membership.Role.STAFF]


def liaison_units(user: User) -> list[Unit]:
    return [m.unit for m in _memberships(user) if m.role == Membership.Role.LIAISON]


def is_staff(user: User) -> bool:
    return bool(staff_units(user))


def is_office(user: User) -> bool:
    """Staff of a root unit: the civilisation office."""
    return any(u.depth == 1 for u in staff_units(user))


def is_auditor(user: User) -> bool:
    return any(m.role == Membership.Role.AUDITOR for m in _memberships(user))


def is_liaison(user: User) -> bool:
    return bool(liaison_units(user))


def led_teams(user: User) -> QuerySet[Team]:
    from civicloop.people.models import Team

    if not getattr(user, "is_authenticated", False):
        return Team.objects.none()
    return Team.objects.filter(leader=user, is_active=True)


def is_leader(user: User) -> bool:
    return led_teams(user).exists()


def volunteer_of(user: User) -> Volunteer | None:
    from civicloop.people.models import Volunteer

    if not getattr(user, "is_authenticated", False):
        return None
    return Volunteer.objects.filter(user=user, is_active=True).first()


def resident_of(user: User) -> Resident | None:
    from civicloop.people.models import Resident

    if not getattr(user, "is_authenticated", False):
        return None
    # with the unit: ordering, the resident's pages and their scope all need it, and a join costs no statement
    return Resident.objects.filter(user=user, erased_at__isnull=True).select_related("unit").first()


def roles(user: User) -> list[str]:
    """Role codes for navigation and landing pages, most powerful first."""
    found: list[str] = []
    if is_office(user):
        found.append("office")
    if is_staff(user):
        found.append("staff")
    if is_liaison(user):
        found.append("liaison")
    if is_auditor(user):
        found.append("auditor")
    if is_leader(user):
        found.append("leader")
    if volunteer_of(user) is not None:
        found.append("volunteer")
    if resident_of(user) is not None:
        found.append("resident")
    return found


# --- scope -------------------------------------------------------------------------------------------------


def scope_q(user: User, field: str = "unit_path") -> Q:
    """Q matching rows whose `field` (a unit path) lies under one of the user's staff units; never-true if none."""
    units = staff_units(user)
    if not units:
        return Q(pk__in=[])
    return reduce(or_, (Q(**{f"{field}__startswith": u.path}) for u in units))


def in_scope(user: User, unit: Unit | None) -> bool:
    """Is this unit inside the subtree of one of the user's staff units?"""
    return unit is not None and any(unit.path.startswith(u.path) for u in staff_units(user))


def path_in_scope(user: User, path: str) -> bool:
    return any(path.startswith(u.path) for u in staff_units(user))


def visible_units(user: User) -> QuerySet[Unit]:
    return Unit.objects.filter(scope_q(user, "path"))


def can_edit_unit(user: User, unit: Unit) -> bool:
    return in_scope(user, unit)


def can_add_child_unit(user: User, parent: Unit) -> bool:
    return in_scope(user, parent)


def visible_residents(user: User) -> QuerySet[Resident]:
    from civicloop.people.models import Resident

    return Resident.objects.filter(scope_q(user), erased_at__isnull=True)


def can_view_resident(user: User, resident: Resident) -> bool:
    if resident.user_id is not None and resident.user_id == getattr(user, "pk", None):
        return True
    return path_in_scope(user, resident.unit_path)


def can_unmask_resident(user: User, resident: Resident) -> bool:
    """Staff of the resident's station (or above) may see full values; each ID unmask is audited."""
    return path_in_scope(user, resident.unit_path)


def can_list_people(user: User) -> bool:
    """Resident, volunteer and team lists, search and offline entry are for unit staff."""
    return is_staff(user)


def filter_units(user: User) -> QuerySet[Unit]:
    """Practice units in the user's subtree that staff lists can be narrowed to."""
    return visible_units(user).filter(kind=Unit.Kind.PRACTICE, is_active=True)


def entry_units(user: User) -> QuerySet[Unit]:
    """Stations and points in the user's subtree: where staff may enter residents offline (代录)."""
    return visible_units(user).filter(
        kind=Unit.Kind.PRACTICE, is_active=True, level__in=[Unit.Level.STATION, Unit.Level.POINT]
    )


def can_enter_resident(user: User, unit: Unit) -> bool:
    return (
        unit.is_active
        and unit.kind == Unit.Kind.PRACTICE
        and unit.level in (Unit.Level.STATION, Unit.Level.POINT)
        and in_scope(user, unit)
    )


def can_see_resident_contact(user: User, resident: Resident) -> bool:
    """Full phone and exact address: staff of the resident's station or above (they call residents)."""
    return path_in_scope(user, resident.unit_path)


def visible_volunteers(user: User) -> QuerySet[Volunteer]:
    from civicloop.people.models import Volunteer

    return Volunteer.objects.filter(scope_q(user))


def can_view_volunteer(user: User, volunteer: Volunteer) -> bool:
    return volunteer.user_id == getattr(user, "pk", None) or path_in_scope(user, volunteer.unit_path)


def visible_teams(user: User) -> QuerySet[Team]:
    from civicloop.people.models import Team

    if not getattr(user, "is_authenticated", False):
        return Team.objects.none()
    return Team.objects.filter(scope_q(user) | Q(leader=user))


def can_view_team(user: User, team: Team) -> bool:
    """Staff in scope, the team's leader and its members."""
    if can_manage_team(user, team):
        return True
    volunteer = volunteer_of(user)
    return volunteer is not None and team.memberships.filter(volunteer=volunteer).exists()


def can_manage_team(user: User, team: Team) -> bool:
    return path_in_scope(user, team.unit_path) or team.leader_id == getattr(user, "pk", None)


def can_read_audit(user: User) -> bool:
    return is_auditor(user)


# --- enforcement -------------------------------------------------------------------------------------------


def deny(
    request: HttpRequest, *, action: str, obj: object = None, message: str | None = None
) -> PermissionDenied:
    """Record the denial in the audit log and return the exception for the caller to raise."""
    from civicloop.audit.models import AuditEvent
    from civicloop.audit.services import audit_record

    audit_record(action=action, request=request, obj=obj, outcome=AuditEvent.Outcome.DENIED)
    exc = PermissionDenied(message or _("You do not have permission to do this."))
    exc.audited = True  # the 403 handlers audit only denials that did not come through here
    return exc


def require(request: HttpRequest, allowed: bool, *, action: str, obj: object = None) -> None:
    if not allowed:
        raise deny(request, action=action, obj=obj)
