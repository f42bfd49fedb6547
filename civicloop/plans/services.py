"""Writes for the committee's year. Each use case is one transaction with its audit row; state moves go
through the declared workflows (plans.workflow), which write their own events, audit and outbox rows."""

from __future__ import annotations

import datetime as dt
import mimetypes
from collections.abc import Sequence
from typing import Any

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.db.models import Max
from django.utils.translation import gettext as _
from django.utils.translation import gettext_noop

from civicloop.audit.services import audit_record
from civicloop.core.exceptions import Conflict
from civicloop.core.masking import mask_name
from civicloop.core.msg import Msg
from civicloop.core.workflow import Actor
from civicloop.network.models import Unit
from civicloop.notify.services import notify_queue
from civicloop.plans import policies, selectors
from civicloop.plans.models import (
    AgendaItem,
    Committee,
    Evidence,
    FollowUp,
    Meeting,
    Member,
    Milestone,
    Plan,
    PlanItem,
    PlanVersion,
    ProgressReport,
    Project,
    Resolution,
    YearReport,
)
from civicloop.plans.workflow import PROJECT, member_users, plan_version_add

MAX_FILES = 9
MAX_FILE_BYTES = 10 * 1024 * 1024
EVIDENCE_TYPES = {
    "image/jpeg", "image/png", "image/webp", "application/pdf",
    "application/msword", "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
    "application/vnd.ms-excel", "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
}


def _denied() -> PermissionDenied:
    return PermissionDenied(_("You do not have permission to do this."))


def _text(value: str, what: str, limit: int = 200, *, required: bool = True) -> str:
    text = (value or "").strip()
    if required and not text:
        raise ValidationError(_("Please fill in %(what)s.") % {"what": what})
    if len(text) > limit:
        raise ValidationError(_("%(what)s is too long (at most %(n)s characters).") % {"what": what, "n": limit})
    return text


def _year(value: Any) -> int:
    try:
        year = int(value)
    except (TypeError, ValueError):
        raise ValidationError(_("Enter a year between 2000 and 2100.")) from None
    if not 2000 <= year <= 2100:
        raise ValidationError(_("Enter a year between 2000 and 2100."))
    return year


# --- committees and members -------------------------------------------------------------------------------


@transaction.atomic
def committee_create(
    *, unit: Unit, name: str, actor: Actor, group_name: str = "", head_name: str = "", head_title: str = "",
    office_name: str = "",
) -> Committee:
    if actor is not None and not policies.can_create_committee(actor, unit):
        raise _denied()
    committee = Committee.objects.create(
        unit=unit, unit_path=unit.path, name=_text(name, _("the name"), 100),
        group_name=_text(group_name, _("the leading group"), 100, required=False),
        head_name=_text(head_name, _("the head"), 50, required=False),
        head_title=_text(head_title, _("the head's post"), 50, required=False),
        office_name=_text(office_name, _("the office"), 100, required=False),
    )
    audit_record(action="plans.committee_create", actor=actor, unit=unit, obj=committee)
    return committee


@transaction.atomic
def member_add(*, committee: Committee, unit: Unit, actor: Actor, role: str = Member.Role.MEMBER, contact_name: str = "") -> Member:
    if actor is not None and not policies.can_manage_committee(actor, committee):
        raise _denied()
    Committee.objects.select_for_update().get(pk=committee.pk)  # serialise additions: the duplicate check holds
    if role not in Member.Role.values:
        raise ValidationError(_("Choose the member unit's role."))
    if not unit.path.startswith(committee.unit_path) or not unit.is_active:
        raise ValidationError(_("A member unit must be an active unit under the committee's unit."))
    if committee.members.filter(unit=unit).exists():
        raise ValidationError(_("This unit is already a member."))
    member = Member.objects.create(
        committee=committee, unit=unit, unit_path=unit.path, role=role,
        contact_name=_text(contact_name, _("the contact person"), 50, required=False),
    )
    audit_record(action="plans.member_add", actor=actor, unit=committee.unit, obj=member)
    return member


def _changes(obj: Any, values: dict[str, Any], masked: Sequence[str] = ()) -> str:
    """Set the new values on `obj` and describe what changed for the audit row: "field: before→after", with
    people's names masked (the audit trail keeps who changed what, not the names in the clear)."""
    parts = []
    for key, value in values.items():
        old = getattr(obj, key)
        if old != value:
            shown = (mask_name(str(old or "")), mask_name(str(value or ""))) if key in masked else (old, value)
            parts.append(f"{key}: {shown[0]}→{shown[1]}")
            setattr(obj, key, value)
    return "; ".join(parts)


def _committee_values(name: str, group_name: str, head_name: str, head_title: str, office_name: str) -> dict[str, str]:
    return {
        "name": _text(name, _("the name"), 100),
        "group_name": _text(group_name, _("the leading group"), 100, required=False),
        "head_name": _text(head_name, _("the head"), 50, required=False),
        "head_title": _text(head_title, _("the head's post"), 50, required=False),
        "office_name": _text(office_name, _("the office"), 100, required=False),
    }


@transaction.atomic
def committee_update(
    *, committee: Committee, actor: Actor, name: str, group_name: str = "", head_name: str = "", head_title: str = "",
    office_name: str = "",
) -> Committee:
    """The office edits the committee and its leading group (name, head and post, office)."""
    if not policies.can_manage_committee(actor, committee):
        raise _denied()
    committee = Committee.objects.select_for_update().get(pk=committee.pk)
    detail = _changes(committee, _committee_values(name, group_name, head_name, head_title, office_name), masked=("head_name",))
    if detail:
        committee.save()
        audit_record(action="plans.committee_update", actor=actor, unit=committee.unit, obj=committee, detail=detail)
    return committee


@transaction.atomic
def member_update(*, member: Member, actor: Actor, role: str, contact_name: str = "") -> Member:
    """The office changes a member unit's role (leading group, office, member) or its contact person."""
    if not policies.can_manage_committee(actor, member.committee):
        raise _denied()
    if role not in Member.Role.values:
        raise ValidationError(_("Choose the member unit's role."))
    member = Member.objects.select_for_update().select_related("committee__unit", "unit").get(pk=member.pk)
    values = {"role": role, "contact_name": _text(contact_name, _("the contact person"), 50, required=False)}
    detail = _changes(member, values, masked=("contact_name",))
    if detail:
        member.save(update_fields=list(values))
        audit_record(action="plans.member_update", actor=actor, unit=member.committee.unit, obj=member, detail=detail)
    return member


@transaction.atomic
def member_remove(*, member: Member, actor: Actor) -> None:
    """The office takes a unit off the committee; a unit with projects, year reports or follow-up tasks keeps
    its seat (they are the year's record), so the office is told to settle those first."""
    if not policies.can_manage_committee(actor, member.committee):
        raise _denied()
    member = Member.objects.select_for_update().select_related("committee__unit", "unit").get(pk=member.pk)
    if member.projects.exists() or member.year_reports.exists() or member.followups.exists() or member.comments.exists():
        raise Conflict(_("This unit has practical projects, year reports or follow-up tasks in this committee and cannot be removed."))
    audit_record(action="plans.member_remove", actor=actor, unit=member.committee.unit, obj=member, detail=f"unit {member.unit_id}")
    member.delete()


# --- plans ------------------------------------------------------------------------------------------------


@transaction.atomic
def plan_create(*, committee: Committee, year: int, kind: str, title: str, actor: Actor) -> Plan:
    if not policies.can_manage_committee(actor, committee):
        raise _denied()
    if kind not in Plan.Kind.values:
        raise ValidationError(_("Choose the kind of document."))
    plan = Plan.objects.create(
        committee=committee, unit_path=committee.unit_path, year=_year(year), kind=kind,
        title=_text(title, _("the title")), created_by=actor,
    )
    audit_record(action="plans.plan_create", actor=actor, unit=committee.unit, obj=plan)
    return plan


def _members_of(committee: Committee, members: Sequence[Member]) -> None:
    if any(m.committee_id != committee.pk for m in members):
        raise ValidationError(_("Owners must be member units of this committee."))


@transaction.atomic
def plan_item_save(
    *, plan: Plan, actor: Actor, goal: str, key_tasks: str = "", measures: str = "", requirements: str = "",
    lead: Member | None = None, partners: Sequence[Member] = (), item: PlanItem | None = None,
) -> PlanItem:
    """Add or edit an item while the plan is drafted or out for comments; each edit keeps a version."""
    if not policies.can_edit_plan(actor, plan):
        raise _denied()
    plan = Plan.objects.select_for_update().get(pk=plan.pk)
    if plan.status not in ("draft", "circulated"):
        raise Conflict(_("An adopted plan cannot be edited."))
    if item is not None and item.plan_id != plan.pk:
        raise ValidationError(_("This item is not part of this plan."))
    owners = [*([lead] if lead else []), *partners]
    _members_of(plan.committee, owners)
    values = {
        "goal": _text(goal, _("the goal"), 2000),
        "key_tasks": _text(key_tasks, _("the key tasks"), 4000, required=False),
        "measures": _text(measures, _("the measures"), 4000, required=False),
        "requirements": _text(requirements, _("the requirements"), 4000, required=False),
        "lead": lead,
    }
    if item is None:
        position = (plan.items.aggregate(n=Max("position"))["n"] or 0) + 1
        item = PlanItem.objects.create(plan=plan, position=position, **values)
    else:
        for key, value in values.items():
            setattr(item, key, value)
        item.save()
    item.partners.set([p for p in partners if p != lead])
    plan_version_add(plan=plan, reason=PlanVersion.Reason.EDITED, actor=actor)
    audit_record(action="plans.plan_item_save", actor=actor, unit=plan.committee.unit, obj=plan)
    return item


# --- projects ---------------------------------------------------------------------------------------------


@transaction.atomic
def project_create(
    *, member: Member, year: int, title: str, target_value: int, due_on: dt.date, actor: Actor,
    target_unit: str = "个", target_item: str = "", metric: str = "", metric_unit: Unit | None = None,
    description: str = "", plan_item: PlanItem | None = None, kind: str = "",
) -> Project:
    if not policies.can_create_project(actor, member):
        raise _denied()
    committee = member.committee
    if kind not in Project.Kind.values:
        raise ValidationError(_("Choose the kind of project."))
    if metric not in Project.Metric.values:
        raise ValidationError(_("Choose a platform figure."))
    if metric_unit is not None and not metric_unit.path.startswith(committee.unit_path):
        raise ValidationError(_("The figure must be counted under a unit of this committee."))
    if plan_item is not None and plan_item.plan.committee_id != committee.pk:
        raise ValidationError(_("The plan item belongs to another committee."))
    target = _target(target_value)
    year = _year(year)
    if due_on.year != year:
        raise ValidationError(_("The due date must fall in the project's year."))
    project = Project.objects.create(
        committee=committee, member=member, unit_path=member.unit_path, year=year,
        title=_text(title, _("the title")), description=_text(description, _("the description"), 4000, required=False),
        target_value=target, target_unit=_text(target_unit, _("the measure word"), 10), target_item=_text(target_item, _("what is counted"), 50, required=False),
        metric=metric, metric_unit=(metric_unit or committee.unit) if metric else None, due_on=due_on,
        plan_item=plan_item, kind=kind,
    )
    audit_record(action="plans.project_create", actor=actor, unit=member.unit, obj=project)
    return project


def _target(value: Any) -> int:
    try:
        target = int(value)
    except (TypeError, ValueError):
        raise ValidationError(_("The target must be a whole number between 1 and 10000000.")) from None
    if not 1 <= target <= 10_000_000:
        raise ValidationError(_("The target must be a whole number between 1 and 10000000."))
    return target


@transaction.atomic
def project_update(
    *, project: Project, actor: Actor, title: str, target_value: int, due_on: dt.date, target_unit: str = "个",
    target_item: str = "", description: str = "",
) -> Project:
    """The office or the member unit corrects a live project's title, target and due date (the year, the
    member unit and the platform figure stay: they decide which counters and which report the project is in)."""
    if not policies.can_act_project(actor, project):
        raise _denied()
    project = Project.objects.select_for_update(of=("self",)).select_related("member__unit").get(pk=project.pk)
    if project.status not in ("planned", "on_track", "late"):
        raise Conflict(_("This project has ended."))
    if due_on.year != project.year:
        raise ValidationError(_("The due date must fall in the project's year."))
    description = _text(description, _("the description"), 4000, required=False)
    values: dict[str, Any] = {
        "title": _text(title, _("the title")),
        "target_value": _target(target_value),
        "target_unit": _text(target_unit, _("the measure word"), 10),
        "target_item": _text(target_item, _("what is counted"), 50, required=False),
        "due_on": due_on,
    }
    detail = _changes(project, values)
    if description != project.description:
        project.description = description
        detail = "; ".join(filter(None, [detail, "description"]))  # long free text: only that it changed
    if detail:
        project.save(update_fields=[*values, "description"])
        audit_record(action="plans.project_update", actor=actor, unit=project.member.unit, obj=project, detail=detail)
    return project


@transaction.atomic
def milestone_add(*, project: Project, title: str, due_on: dt.date, actor: Actor) -> Milestone:
    if not policies.can_act_project(actor, project):
        raise _denied()
    if project.status not in ("planned", "on_track", "late"):
        raise Conflict(_("This project has ended."))
    milestone = Milestone.objects.create(project=project, title=_text(title, _("the milestone")), due_on=due_on)
    audit_record(action="plans.milestone_add", actor=actor, unit=project.member.unit, obj=project)
    return milestone


@transaction.atomic
def milestone_done(*, milestone: Milestone, actor: Actor, done_on: dt.date) -> Milestone:
    if not policies.can_act_project(actor, milestone.project):
        raise _denied()
    if milestone.done_on is not None:
        raise Conflict(_("This milestone is already done."))
    milestone.done_on = done_on
    milestone.save(update_fields=["done_on"])
    audit_record(action="plans.milestone_done", actor=actor, unit=milestone.project.member.unit, obj=milestone.project)
    return milestone


def _check_files(files: Sequence[Any]) -> list[tuple[Any, bool]]:
    if len(files) > MAX_FILES:
        raise ValidationError(_("At most %(n)s files.") % {"n": MAX_FILES})
    checked = []
    for f in files:
        kind = getattr(f, "content_type", "") or mimetypes.guess_type(f.name)[0] or ""
        if kind not in EVIDENCE_TYPES:
            raise ValidationError(_("“%(name)s” is not a photo, PDF, Word or Excel file.") % {"name": f.name})
        if f.size > MAX_FILE_BYTES:
            raise ValidationError(_("“%(name)s” is larger than 10 MB.") % {"name": f.name})
        checked.append((f, kind.startswith("image/")))
    return checked


@transaction.atomic
def progress_report_file(
    *, project: Project, quarter: int, figure: int | None, text: str, on_track: bool, actor: Actor,
    files: Sequence[Any] = (),
) -> ProgressReport:
    """A quarterly report: what was done, the figure reached (read from the platform when the target is a
    platform figure), evidence files; it moves the project on track or behind schedule in the same transaction."""
    if not policies.can_act_project(actor, project):
        raise _denied()
    # one report a quarter: the project row's lock makes a second concurrent report wait and then see the first
    project = Project.objects.select_for_update(of=("self",)).select_related("committee__unit", "member__unit", "metric_unit").get(pk=project.pk)
    if project.status not in ("planned", "on_track", "late"):
        raise Conflict(_("This project has ended."))
    if quarter not in (1, 2, 3, 4):
        raise ValidationError(_("Choose a quarter."))
    if project.reports.filter(quarter=quarter).exists():
        raise ValidationError(_("This quarter has been reported already."))
    text = _text(text, _("the progress"), 4000)
    platform = selectors.project_figure(project)
    if figure is None:
        figure = platform
    if figure is None:
        raise ValidationError(_("Enter the figure reached."))
    if not 0 <= int(figure) <= 10_000_000:
        raise ValidationError(_("The figure must be between 0 and 10000000."))
    checked = _check_files(files)
    report = ProgressReport.objects.create(
        project=project, quarter=quarter, figure=int(figure), platform_figure=platform, text=text,
        on_track=on_track, created_by=actor,
    )
    for f, is_photo in checked:
        Evidence.objects.create(report=report, file=f, name=f.name[:200], is_photo=is_photo)
    Project.objects.filter(pk=project.pk).update(achieved=int(figure))
    project.achieved = int(figure)
    step = "on_track" if on_track else "late"
    if project.status != step:
        PROJECT.apply(step, project, actor=actor, cleaned={"note": text[:300]})
    audit_record(action="plans.progress_report", actor=actor, unit=project.member.unit, obj=project, detail=f"Q{quarter}")
    return report


# --- year reports -----------------------------------------------------------------------------------------


@transaction.atomic
def year_report_save(*, member: Member, year: int, text: str, actor: Actor) -> YearReport:
    """Write (or rewrite, while drafting) a member unit's year report."""
    if not policies.acts_for(actor, member):
        raise _denied()
    year = _year(year)
    text = _text(text, _("the report"), 20000)
    Member.objects.select_for_update().get(pk=member.pk)  # one report a unit and year, even when saved twice at once
    report = YearReport.objects.select_for_update().filter(member=member, year=year).first()
    if report is None:
        report = YearReport.objects.create(
            committee=member.committee, member=member, unit_path=member.unit_path, year=year, text=text
        )
    elif report.status != "draft":
        raise Conflict(_("A submitted report cannot be changed."))
    else:
        report.text = text
        report.save(update_fields=["text"])
    audit_record(action="plans.year_report_save", actor=actor, unit=member.unit, obj=report)
    return report


# --- meetings ---------------------------------------------------------------------------------------------


@transaction.atomic
def meeting_create(
    *, committee: Committee, kind: str, title: str, held_at: dt.datetime, actor: Actor, mode: str = Meeting.Mode.ONSITE,
    place: str = "", branch_venues: str = "", attendees: Sequence[Member] = (),
) -> Meeting:
    if not policies.can_manage_committee(actor, committee):
        raise _denied()
    if kind not in Meeting.Kind.values or mode not in Meeting.Mode.values:
        raise ValidationError(_("Choose the kind of meeting and how it is held."))
    _members_of(committee, attendees)
    venues = _text(branch_venues, _("the branch venues"), 2000, required=False)
    if mode == Meeting.Mode.VIDEO and not venues:
        raise ValidationError(_("A video meeting needs at least one branch venue."))
    meeting = Meeting.objects.create(
        committee=committee, unit_path=committee.unit_path, kind=kind, title=_text(title, _("the title")),
        held_at=held_at, mode=mode, place=_text(place, _("the place"), 200, required=False), branch_venues=venues,
    )
    meeting.attendees.set(attendees)
    audit_record(action="plans.meeting_create", actor=actor, unit=committee.unit, obj=meeting)
    return meeting


@transaction.atomic
def meeting_update(
    *, meeting: Meeting, actor: Actor, kind: str, title: str, held_at: dt.datetime, mode: str = Meeting.Mode.ONSITE,
    place: str = "", branch_venues: str = "", attendees: Sequence[Member] = (),
) -> Meeting:
    """The office corrects a meeting's details and who attended (the same rules as when it was scheduled)."""
    if not policies.can_manage_meeting(actor, meeting):
        raise _denied()
    if kind not in Meeting.Kind.values or mode not in Meeting.Mode.values:
        raise ValidationError(_("Choose the kind of meeting and how it is held."))
    meeting = Meeting.objects.select_for_update().select_related("committee__unit").get(pk=meeting.pk)
    _members_of(meeting.committee, attendees)
    venues = _text(branch_venues, _("the branch venues"), 2000, required=False)
    if mode == Meeting.Mode.VIDEO and not venues:
        raise ValidationError(_("A video meeting needs at least one branch venue."))
    values = {
        "kind": kind, "title": _text(title, _("the title")), "held_at": held_at, "mode": mode,
        "place": _text(place, _("the place"), 200, required=False), "branch_venues": venues,
    }
    parts = [_changes(meeting, values)]
    before = set(meeting.attendees.values_list("pk", flat=True))
    after = {m.pk for m in attendees}
    if before != after:
        parts.append(f"attendees: +{sorted(after - before)} -{sorted(before - after)}")
        meeting.attendees.set(attendees)
    detail = "; ".join(p for p in parts if p)
    if detail:
        meeting.save(update_fields=list(values))
        audit_record(action="plans.meeting_update", actor=actor, unit=meeting.committee.unit, obj=meeting, detail=detail)
    return meeting


@transaction.atomic
def meeting_minutes(*, meeting: Meeting, minutes: str, actor: Actor, attendees: Sequence[Member] | None = None) -> Meeting:
    if not policies.can_manage_meeting(actor, meeting):
        raise _denied()
    meeting.minutes = _text(minutes, _("the minutes"), 20000, required=False)
    meeting.save(update_fields=["minutes"])
    if attendees is not None:
        _members_of(meeting.committee, attendees)
        meeting.attendees.set(attendees)
    audit_record(action="plans.meeting_minutes", actor=actor, unit=meeting.committee.unit, obj=meeting)
    return meeting


@transaction.atomic
def agenda_add(
    *, meeting: Meeting, title: str, actor: Actor, plan: Plan | None = None, project: Project | None = None,
    year_report: YearReport | None = None,
) -> AgendaItem:
    if not policies.can_manage_meeting(actor, meeting):
        raise _denied()
    for linked in (plan, project, year_report):
        if linked is not None and linked.committee_id != meeting.committee_id:
            raise ValidationError(_("Agenda items can link only this committee's documents, projects and reports."))
    position = (meeting.agenda.aggregate(n=Max("position"))["n"] or 0) + 1
    item = AgendaItem.objects.create(
        meeting=meeting, position=position, title=_text(title, _("the agenda item")), plan=plan, project=project,
        year_report=year_report,
    )
    audit_record(action="plans.agenda_add", actor=actor, unit=meeting.committee.unit, obj=meeting)
    return item


@transaction.atomic
def resolution_add(*, meeting: Meeting, text: str, actor: Actor) -> Resolution:
    if not policies.can_manage_meeting(actor, meeting):
        raise _denied()
    resolution = Resolution.objects.create(meeting=meeting, text=_text(text, _("the resolution"), 2000))
    audit_record(action="plans.resolution_add", actor=actor, unit=meeting.committee.unit, obj=meeting)
    return resolution


@transaction.atomic
def followup_add(*, meeting: Meeting, owner: Member, title: str, due_on: dt.date, actor: Actor) -> FollowUp:
    """A follow-up action becomes a task on the owner unit's page; its people are told through the outbox."""
    if not policies.can_manage_meeting(actor, meeting):
        raise _denied()
    if owner.committee_id != meeting.committee_id:
        raise ValidationError(_("The owner must be a member unit of this committee."))
    followup = FollowUp.objects.create(
        meeting=meeting, owner=owner, unit_path=owner.unit_path, title=_text(title, _("the task")), due_on=due_on
    )
    notify_queue(
        recipients=member_users([owner]),
        kind="plans_followup",
        title=Msg(gettext_noop("New task from “%(meeting)s”: %(task)s"), meeting=meeting.title, task=followup.title),
        url=followup.get_absolute_url(),
    )
    audit_record(action="plans.followup_add", actor=actor, unit=owner.unit, obj=followup)
    return followup
