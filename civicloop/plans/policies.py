"""Who may see and do what in a committee's year (DESIGN §3), on top of the access core's unit scope.

- The office (办公室, the 文明办) of a committee is staff of the committee's unit or of a unit above it (a city
  office oversees its districts' committees); a sibling district's staff are never in scope.
- A member unit acts through its own people: staff or liaisons of exactly that unit (not of a unit above it, so
  the office does not pass for every member, and not of a unit below it).
- Members see their committee's documents and meetings, and their own projects, reports and follow-ups; a
  department that is not a member, a resident or an outsider sees nothing (fail closed).
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from django.db.models import Q, QuerySet

from civicloop import access

if TYPE_CHECKING:
    from civicloop.network.models import Unit
    from civicloop.plans.models import Committee, FollowUp, Meeting, Member, Plan, Project, YearReport


def _acting_units(user: Any) -> list[Unit]:
    return [*access.staff_units(user), *access.liaison_units(user)]


def seats(user: Any) -> QuerySet[Member]:
    """The member units this user acts for (across committees)."""
    from civicloop.plans.models import Member

    units = _acting_units(user)
    if not units:
        return Member.objects.none()
    return Member.objects.filter(unit__in=units).select_related("unit", "committee")


def seat_in(user: Any, committee: Committee) -> Member | None:
    return seats(user).filter(committee=committee).first()


def is_office(user: Any, committee: Committee) -> bool:
    return access.in_scope(user, committee.unit)


def is_member(user: Any, committee: Committee) -> bool:
    return seat_in(user, committee) is not None


def acts_for(user: Any, member: Member) -> bool:
    return member.unit_id in {u.pk for u in _acting_units(user)}


# --- committees -------------------------------------------------------------------------------------------


def visible_committees(user: Any) -> QuerySet[Committee]:
    from civicloop.plans.models import Committee

    member_of = seats(user).values("committee_id")
    return Committee.objects.filter(access.scope_q(user) | Q(pk__in=member_of)).select_related("unit")


def can_view_committee(user: Any, committee: Committee) -> bool:
    return is_office(user, committee) or is_member(user, committee)


def can_manage_committee(user: Any, committee: Committee) -> bool:
    """Members, plans, meetings and scoring are the office's work."""
    return is_office(user, committee)


def can_create_committee(user: Any, unit: Unit) -> bool:
    return access.in_scope(user, unit)


# --- plans ------------------------------------------------------------------------------------------------


def visible_plans(user: Any) -> QuerySet[Plan]:
    from civicloop.plans.models import Plan

    return Plan.objects.filter(committee__in=visible_committees(user).values("pk"))


def can_view_plan(user: Any, plan: Plan) -> bool:
    return can_view_committee(user, plan.committee)


def can_edit_plan(user: Any, plan: Plan) -> bool:
    return is_office(user, plan.committee)


def can_comment_plan(user: Any, plan: Plan) -> bool:
    return is_member(user, plan.committee)


# --- projects ---------------------------------------------------------------------------------------------


def visible_projects(user: Any) -> QuerySet[Project]:
    from civicloop.plans.models import Project

    return Project.objects.filter(access.scope_q(user, "committee__unit_path") | Q(member__in=seats(user)))


def can_view_project(user: Any, project: Project) -> bool:
    return is_office(user, project.committee) or acts_for(user, project.member)


def can_act_project(user: Any, project: Project) -> bool:
    """Filing progress and moving the project: its member unit, or the office."""
    return can_view_project(user, project)


def can_create_project(user: Any, member: Member) -> bool:
    return is_office(user, member.committee) or acts_for(user, member)


# --- year reports -----------------------------------------------------------------------------------------


def visible_year_reports(user: Any) -> QuerySet[YearReport]:
    from civicloop.plans.models import YearReport

    return YearReport.objects.filter(access.scope_q(user, "committee__unit_path") | Q(member__in=seats(user)))


def can_view_year_report(user: Any, report: YearReport) -> bool:
    return is_office(user, report.committee) or acts_for(user, report.member)


def can_write_year_report(user: Any, report: YearReport) -> bool:
    return acts_for(user, report.member)


def can_judge_year_report(user: Any, report: YearReport) -> bool:
    return is_office(user, report.committee)


# --- meetings and follow-ups ------------------------------------------------------------------------------


def visible_meetings(user: Any) -> QuerySet[Meeting]:
    from civicloop.plans.models import Meeting

    return Meeting.objects.filter(committee__in=visible_committees(user).values("pk"))


def can_view_meeting(user: Any, meeting: Meeting) -> bool:
    return can_view_committee(user, meeting.committee)


def can_manage_meeting(user: Any, meeting: Meeting) -> bool:
    return is_office(user, meeting.committee)


def visible_followups(user: Any) -> QuerySet[FollowUp]:
    from civicloop.plans.models import FollowUp

    return FollowUp.objects.filter(access.scope_q(user, "meeting__committee__unit_path") | Q(owner__in=seats(user)))


def can_close_followup(user: Any, followup: FollowUp) -> bool:
    return acts_for(user, followup.owner) or is_office(user, followup.meeting.committee)


# --- the year-end completion report -----------------------------------------------------------------------


def completion_members(user: Any, committee: Committee) -> QuerySet[Member] | None:
    """Whose rows of the completion report (通报) this user may read: all for the office, their own for a
    member, None when the user may not read it at all."""
    if is_office(user, committee):
        return committee.members.all()
    mine = seats(user).filter(committee=committee)
    return mine if mine.exists() else None
