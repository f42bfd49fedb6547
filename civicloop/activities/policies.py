"""Who may see and do what with practice activities (DESIGN §3)."""

from __future__ import annotations

from typing import TYPE_CHECKING

from django.db.models import Q, QuerySet
from django.utils import timezone

from civicloop import access

if TYPE_CHECKING:
    from civicloop.activities.models import Activity, Signup
    from civicloop.network.models import Unit
    from civicloop.people.models import User


def visible_activities(user: User) -> QuerySet[Activity]:
    """Staff see their subtree's activities; a team leader sees the activities of the teams they lead."""
    from civicloop.activities.models import Activity

    if not getattr(user, "is_authenticated", False):
        return Activity.objects.none()
    q = access.scope_q(user) | Q(team__leader=user, team__is_active=True)
    return Activity.objects.filter(q)


def public_activities() -> QuerySet[Activity]:
    """What residents may see without signing in: published and closed activities (no personal data)."""
    from civicloop.activities.models import Activity

    return Activity.objects.filter(status__in=[Activity.Status.PUBLISHED, Activity.Status.CLOSED])


def open_activities() -> QuerySet[Activity]:
    """Activities a volunteer may sign up for: published and not yet over."""
    from civicloop.activities.models import Activity

    return Activity.objects.filter(status=Activity.Status.PUBLISHED, ends_at__gt=timezone.now())


def creatable_units(user: User) -> QuerySet[Unit]:
    """Units a user may plan activities for: staff units' subtrees, and home units of teams they lead."""
    from civicloop.network.models import Unit

    if not getattr(user, "is_authenticated", False):
        return Unit.objects.none()
    team_units = access.led_teams(user).values("home_unit_id")
    return Unit.objects.filter(access.scope_q(user, "path") | Q(pk__in=team_units), is_active=True)


def can_create_activity(user: User) -> bool:
    return access.is_staff(user) or access.is_leader(user)


def can_manage_activity(user: User, activity: Activity) -> bool:
    if access.path_in_scope(user, activity.unit_path):
        return True
    team = activity.team
    return team is not None and team.is_active and team.leader_id == getattr(user, "pk", None)


def can_sign_up(user: User, activity: Activity) -> bool:
    return access.volunteer_of(user) is not None


def can_withdraw_signup(user: User, signup: Signup) -> bool:
    return signup.volunteer.user_id == getattr(user, "pk", None)


def can_decide_signup(user: User, signup: Signup) -> bool:
    return can_manage_activity(user, signup.activity)


def my_signups(user: User) -> QuerySet[Signup]:
    from civicloop.activities.models import Signup

    volunteer = access.volunteer_of(user)
    if volunteer is None:
        return Signup.objects.none()
    return Signup.objects.filter(volunteer=volunteer)
