"""Access policies for volunteer teams (志愿服务队): founding, approval, membership, handover, suspension.

Built on the access core's unit scope: staff of a team's home unit (or above) decide for the team; a sibling
station's staff never do. The leader runs the team's membership; a volunteer acts on their own requests.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from django.db.models import QuerySet

from civicloop import access
from civicloop.network.models import Unit

if TYPE_CHECKING:
    from civicloop.people.models import Team, TeamRequest, Volunteer


def _uid(user: Any) -> int | None:
    return getattr(user, "pk", None) if getattr(user, "is_authenticated", False) else None


def is_team_staff(user: Any, team: Team) -> bool:
    """Staff of the team's home unit or of a unit above it: the owning unit."""
    return access.path_in_scope(user, team.unit_path)


def is_team_leader(user: Any, team: Team) -> bool:
    return _uid(user) is not None and team.leader_id == _uid(user)


def is_team_member(user: Any, team: Team) -> bool:
    volunteer = access.volunteer_of(user)
    return volunteer is not None and team.memberships.filter(volunteer=volunteer).exists()


def found_units(user: Any) -> QuerySet[Unit]:
    """Where a team may have its home: staff choose any practice unit in scope; a volunteer any active station."""
    practice = Unit.objects.filter(kind=Unit.Kind.PRACTICE, is_active=True)
    if access.is_staff(user):
        return practice.filter(access.scope_q(user, "path"))
    if access.volunteer_of(user) is not None:
        return practice.filter(level__in=[Unit.Level.STATION, Unit.Level.POINT])
    return Unit.objects.none()


def can_found_team(user: Any) -> bool:
    return access.is_staff(user) or access.volunteer_of(user) is not None


def can_found_team_at(user: Any, unit: Unit) -> bool:
    return found_units(user).filter(pk=unit.pk).exists()


def can_decide_team(user: Any, team: Team) -> bool:
    """Approve or reject a founded team, suspend, resume: the owning unit's staff."""
    return is_team_staff(user, team)


def can_run_team(user: Any, team: Team) -> bool:
    """Hand over, invite, remove members, dissolve: the leader or the owning unit's staff."""
    return is_team_leader(user, team) or is_team_staff(user, team)


def can_leave_team(user: Any, team: Team) -> bool:
    return not is_team_leader(user, team) and is_team_member(user, team)


def can_apply_to_team(user: Any, team: Team) -> bool:
    from civicloop.people.models import Team

    return (
        team.status == Team.Status.ACTIVE
        and access.volunteer_of(user) is not None
        and not is_team_member(user, team)
    )


def can_view_team(user: Any, team: Team) -> bool:
    """Staff in scope, the leader and members see everything; any volunteer sees an active team to apply to it."""
    from civicloop.people.models import Team

    if can_run_team(user, team) or is_team_member(user, team):
        return True
    return team.status == Team.Status.ACTIVE and access.volunteer_of(user) is not None


def can_list_team_members(user: Any, team: Team) -> bool:
    """Member ids and names (what `POST /api/orders/{number}/assign` needs): the leader, members and staff."""
    return can_run_team(user, team) or is_team_member(user, team)


def can_decide_request(user: Any, request: TeamRequest) -> bool:
    """An application is decided by the leader or the owning unit; an invitation by the invited volunteer."""
    if request.kind == request.Kind.APPLY:
        return can_run_team(user, request.team)
    return request.volunteer.user_id == _uid(user)


def can_withdraw_request(user: Any, request: TeamRequest) -> bool:
    return request.created_by_id is not None and request.created_by_id == _uid(user)


def visible_team_requests(user: Any, team: Team) -> QuerySet[TeamRequest]:
    from civicloop.people.models import TeamRequest

    if can_run_team(user, team):
        return TeamRequest.objects.filter(team=team)
    volunteer = access.volunteer_of(user)
    if volunteer is None:
        return TeamRequest.objects.none()
    return TeamRequest.objects.filter(team=team, volunteer=volunteer)


def visible_teams(user: Any) -> QuerySet[Team]:
    """Teams listed for this user: in staff scope, led, joined; a volunteer also sees active teams to join."""
    from django.db.models import Q

    from civicloop.people.models import Team

    if not getattr(user, "is_authenticated", False):
        return Team.objects.none()
    condition = access.scope_q(user) | Q(leader=user)
    volunteer: Volunteer | None = access.volunteer_of(user)
    if volunteer is not None:
        condition |= Q(memberships__volunteer=volunteer) | Q(status=Team.Status.ACTIVE)
    return Team.objects.filter(condition).distinct()
