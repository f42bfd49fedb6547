"""One `get_<thing>` per object, shared by pages and the API: 404 when the row does not exist, 403 (audited)
when this user may not see it."""

from __future__ import annotations

from django.http import HttpRequest
from django.shortcuts import get_object_or_404

from civicloop import access
from civicloop.plans import policies
from civicloop.plans.models import Committee, FollowUp, Meeting, Plan, Project, YearReport


def get_committee(request: HttpRequest, pk: int) -> Committee:
    committee = get_object_or_404(Committee.objects.select_related("unit"), pk=pk)
    access.require(request, policies.can_view_committee(request.user, committee), action="plans.committee_view", obj=committee)
    return committee


def get_plan(request: HttpRequest, pk: int) -> Plan:
    plan = get_object_or_404(Plan.objects.select_related("committee__unit", "meeting"), pk=pk)
    access.require(request, policies.can_view_plan(request.user, plan), action="plans.plan_view", obj=plan)
    return plan


def get_project(request: HttpRequest, pk: int) -> Project:
    project = get_object_or_404(Project.objects.select_related("committee__unit", "member__unit"), pk=pk)
    access.require(request, policies.can_view_project(request.user, project), action="plans.project_view", obj=project)
    return project


def get_year_report(request: HttpRequest, pk: int) -> YearReport:
    report = get_object_or_404(YearReport.objects.select_related("committee__unit", "member__unit"), pk=pk)
    access.require(request, policies.can_view_year_report(request.user, report), action="plans.year_report_view", obj=report)
    return report


def get_meeting(request: HttpRequest, pk: int) -> Meeting:
    meeting = get_object_or_404(Meeting.objects.select_related("committee__unit"), pk=pk)
    access.require(request, policies.can_view_meeting(request.user, meeting), action="plans.meeting_view", obj=meeting)
    return meeting


def get_followup(request: HttpRequest, pk: int) -> FollowUp:
    followup = get_object_or_404(FollowUp.objects.select_related("meeting__committee__unit", "owner__unit"), pk=pk)
    allowed = policies.can_view_meeting(request.user, followup.meeting) and (
        policies.is_office(request.user, followup.meeting.committee) or policies.acts_for(request.user, followup.owner)
    )
    access.require(request, allowed, action="plans.followup_view", obj=followup)
    return followup
