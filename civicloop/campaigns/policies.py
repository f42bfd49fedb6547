"""Who may see and do what in a campaign. Scope comes from the unit tree (civicloop.access): staff act on their
unit's subtree, never a sibling's. Two roles matter on a problem: the responsible side (staff of the unit or
above: they rectify) and the supervising side (staff of a unit strictly above it: they register, assign, extend
and re-check, so a station never signs off its own rectification)."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from django.db.models import Q, QuerySet

from civicloop import access

if TYPE_CHECKING:
    from civicloop.campaigns.models import Campaign, Exposure, Liaison, Problem, Task, Visit
    from civicloop.network.models import Unit


def _staff_paths(user: Any) -> list[str]:
    return [u.path for u in access.staff_units(user)]


def supervises_path(user: Any, path: str) -> bool:
    """A staff unit strictly above `path`."""
    return any(path.startswith(p) and path != p for p in _staff_paths(user))


def covers_path(user: Any, path: str) -> bool:
    return access.path_in_scope(user, path)


# --- campaigns ---------------------------------------------------------------------------------------------


def visible_campaigns(user: Any) -> QuerySet[Campaign]:
    """Staff inside a campaign's command subtree (or above it) see it; so do its 包联 leaders."""
    from civicloop.campaigns.models import Campaign

    paths = _staff_paths(user)
    if not paths and not getattr(user, "is_authenticated", False):
        return Campaign.objects.none()
    q = Q(pk__in=[])
    for p in paths:
        # the campaign's command unit is an ancestor of (or equal to) my unit, or lies in my subtree
        q |= Q(unit_path__startswith=p)
        q |= Q(unit_path__in=[p[:i] for i in range(4, len(p) + 1, 4)])
    q |= Q(liaisons__leader=user)
    return Campaign.objects.filter(q).distinct()


def can_view_campaign(user: Any, campaign: Campaign) -> bool:
    return visible_campaigns(user).filter(pk=campaign.pk).exists()


def command_units(user: Any) -> QuerySet[Unit]:
    """Units a campaign may be commanded from: practice units in the actor's own staff scope at district or
    town/street level (the civilisation office, or a town's 所 running its own special campaign)."""
    from civicloop.network.models import Unit

    return Unit.objects.filter(
        access.scope_q(user, field="path"), kind=Unit.Kind.PRACTICE, depth__lte=2, is_active=True
    ).order_by("path")


def can_create_campaign(user: Any, unit: Unit | None = None) -> bool:
    """Without a unit: may this actor create any campaign (the page's link); with one: from this unit."""
    units = command_units(user)
    return units.filter(pk=unit.pk).exists() if unit is not None else units.exists()


def can_manage_campaign(user: Any, campaign: Campaign) -> bool:
    """The command unit's staff (the office): set tasks, weights, 包联, issue 通报, approve exposure."""
    return covers_path(user, campaign.unit_path)


def can_inspect(user: Any, campaign: Campaign) -> bool:
    """Staff of the command unit or any unit below it with units under them to supervise."""
    return any(p.startswith(campaign.unit_path) or campaign.unit_path.startswith(p) for p in _staff_paths(user))


def inspection_units(user: Any, campaign: Campaign) -> QuerySet[Unit]:
    """Units an inspector may hand a problem to: active units strictly below one of the inspector's units and
    inside the campaign."""
    from civicloop.network.models import Unit

    q = Q(pk__in=[])
    for p in _staff_paths(user):
        q |= Q(path__startswith=p) & ~Q(path=p)
    return Unit.objects.filter(q, path__startswith=campaign.unit_path, is_active=True).order_by("path")


# --- tasks -------------------------------------------------------------------------------------------------


def visible_tasks(user: Any) -> QuerySet[Task]:
    from civicloop.campaigns.models import Task

    paths = _staff_paths(user)
    if not paths:
        return Task.objects.none()
    q = Q(pk__in=[])
    for p in paths:
        q |= Q(unit_path__startswith=p) | Q(units__path__startswith=p) | Q(campaign__unit_path__startswith=p)
    return Task.objects.filter(pk__in=Task.objects.filter(q).values("pk"))


def can_view_task(user: Any, task: Task) -> bool:
    return visible_tasks(user).filter(pk=task.pk).exists()


def can_report_task(user: Any, task: Task) -> bool:
    """Staff of the lead department or of a responsible unit (or above)."""
    if covers_path(user, task.unit_path):
        return True
    return any(covers_path(user, u.path) for u in task.units.all())


def can_accept_task(user: Any, task: Task) -> bool:
    return can_manage_campaign(user, task.campaign)


# --- problems ----------------------------------------------------------------------------------------------


def visible_problems(user: Any) -> QuerySet[Problem]:
    from civicloop.campaigns.models import Problem

    return Problem.objects.filter(access.scope_q(user))


def can_view_problem(user: Any, problem: Problem) -> bool:
    return covers_path(user, problem.unit_path)


def can_register_problem(user: Any, problem: Problem) -> bool:
    """Accept (立案) or turn down a report: staff whose scope holds the report."""
    return covers_path(user, problem.unit_path)


def register_units(user: Any, problem: Problem) -> QuerySet[Unit]:
    """Units a problem may be 立案'd to: active units of the campaign inside the actor's own scope (the 立案
    select lists these, and the step refuses any other id)."""
    from civicloop.network.models import Unit

    return Unit.objects.filter(
        access.scope_q(user, field="path"), path__startswith=problem.campaign.unit_path, is_active=True
    ).order_by("path")


def can_assign_problem(user: Any, problem: Problem) -> bool:
    return supervises_path(user, problem.unit_path)


def can_rectify_problem(user: Any, problem: Problem) -> bool:
    return covers_path(user, problem.unit_path)


def can_check_problem(user: Any, problem: Problem) -> bool:
    """核查 and 延期: the supervising side only — a unit never passes its own rectification."""
    return supervises_path(user, problem.unit_path)


def can_view_photo(user: Any, problem: Problem) -> bool:
    return can_view_problem(user, problem) or (problem.reporter_id is not None and problem.reporter_id == user.pk)


# --- 包联 ---------------------------------------------------------------------------------------------------


def can_log_visit(user: Any, liaison: Liaison, unit: Unit | None = None) -> bool:
    if liaison.leader_id != getattr(user, "pk", None):
        return False
    return unit is None or unit.path.startswith(liaison.unit_path)


def visible_visits(user: Any) -> QuerySet[Visit]:
    from civicloop.campaigns.models import Visit

    if not getattr(user, "is_authenticated", False):
        return Visit.objects.none()
    return Visit.objects.filter(access.scope_q(user) | Q(liaison__leader=user))


def can_view_visit(user: Any, visit: Visit) -> bool:
    return visit.liaison.leader_id == getattr(user, "pk", None) or covers_path(user, visit.unit_path)


# --- 曝光台 -------------------------------------------------------------------------------------------------


def can_propose_exposure(user: Any, campaign: Campaign) -> bool:
    return can_manage_campaign(user, campaign)


def visible_exposures(user: Any) -> QuerySet[Exposure]:
    from civicloop.campaigns.models import Exposure

    return Exposure.objects.filter(campaign__in=[c for c in visible_campaigns(user) if can_manage_campaign(user, c)])


def can_view_exposure(user: Any, exposure: Exposure) -> bool:
    return can_manage_campaign(user, exposure.campaign)


def can_approve_exposure(user: Any, exposure: Exposure) -> bool:
    """Four eyes: another member of the office than the one who proposed it."""
    return can_manage_campaign(user, exposure.campaign) and exposure.proposed_by_id != user.pk


def can_withdraw_exposure(user: Any, exposure: Exposure) -> bool:
    return can_manage_campaign(user, exposure.campaign)
