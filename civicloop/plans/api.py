"""The committee's API: the twin of every page action, calling the same services and workflows with the same
rules and messages (400 input, 403 denied, 404, 409 wrong state). Step endpoints come from the declarations."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.http import HttpRequest
from django.shortcuts import get_object_or_404
from django.utils import timezone
from ninja import File, Form, Query, Router, Schema
from ninja.files import UploadedFile
from ninja.pagination import paginate
from ninja.responses import Status

from civicloop import access
from civicloop.core.pagination import Pages
from civicloop.core.schemas import MAX_ID, ErrorOut, Id
from civicloop.network.models import Unit
from civicloop.plans import lookups, policies, selectors, services
from civicloop.plans.models import Member, Milestone, Plan, PlanItem, Project, YearReport
from civicloop.plans.workflow import FOLLOW_UP, PLAN, PROJECT, YEAR_REPORT

router = Router(tags=["plans"])
ERR = {400: ErrorOut, 403: ErrorOut, 404: ErrorOut, 409: ErrorOut}


class CommitteeOut(Schema):
    id: int
    name: str
    unit_id: int
    group_name: str
    head_name: str
    head_title: str
    office_name: str


class CommitteeMemberOut(Schema):
    id: int
    unit_id: int
    unit_name: str
    role: str

    @staticmethod
    def resolve_unit_name(obj: Member) -> str:
        return obj.unit.name


class ItemOut(Schema):
    id: int
    position: int
    goal: str
    key_tasks: str
    measures: str
    requirements: str
    lead_id: int | None
    partner_ids: list[int]
    comments: list[dict[str, Any]]

    @staticmethod
    def resolve_partner_ids(obj: PlanItem) -> list[int]:
        return [m.pk for m in obj.partners.all()]

    @staticmethod
    def resolve_comments(obj: PlanItem) -> list[dict[str, Any]]:
        return [{"member_id": c.member_id, "text": c.text} for c in obj.comments.all()]


class PlanOut(Schema):
    id: int
    committee_id: int
    year: int
    kind: str
    title: str
    status: str
    edition: int
    meeting_id: int | None


class PlanDetailOut(PlanOut):
    items: list[ItemOut]

    @staticmethod
    def resolve_items(obj: Plan) -> list[PlanItem]:
        return list(obj.items.prefetch_related("partners", "comments"))


class ProjectOut(Schema):
    id: int
    committee_id: int
    member_id: int
    year: int
    title: str
    target_value: int
    target_unit: str
    target_item: str
    metric: str
    metric_unit_id: int | None
    kind: str
    achieved: int
    due_on: dt.date
    done_on: dt.date | None
    status: str
    platform_figure: int | None

    @staticmethod
    def resolve_platform_figure(obj: Project) -> int | None:
        return selectors.project_figure(obj)


class ProgressReportOut(Schema):
    id: int
    quarter: int
    figure: int
    platform_figure: int | None
    text: str
    on_track: bool
    evidence: list[str]

    @staticmethod
    def resolve_evidence(obj: Any) -> list[str]:
        return [e.name for e in obj.evidence.all()]


class YearReportOut(Schema):
    id: int
    member_id: int
    year: int
    text: str
    status: str
    score: float | None
    meeting_id: int | None


class MeetingOut(Schema):
    id: int
    committee_id: int
    kind: str
    title: str
    held_at: dt.datetime
    mode: str
    place: str
    venues: list[str]
    attendee_ids: list[int]
    minutes: str

    @staticmethod
    def resolve_attendee_ids(obj: Any) -> list[int]:
        return [m.pk for m in obj.attendees.all()]


class FollowUpOut(Schema):
    id: int
    meeting_id: int
    owner_id: int
    title: str
    due_on: dt.date
    status: str


# --- committees -------------------------------------------------------------------------------------------


class CommitteeIn(Schema):
    unit_id: Id
    name: str
    group_name: str = ""
    head_name: str = ""
    head_title: str = ""
    office_name: str = ""


@router.get("/committees", response=list[CommitteeOut])
@paginate(Pages, page_size=50)
def committees(request: HttpRequest) -> Any:
    return policies.visible_committees(request.user).order_by("unit_path", "id")


@router.post("/committees", response={201: CommitteeOut, **ERR})
def committee_create(request: HttpRequest, payload: CommitteeIn) -> Any:
    unit = get_object_or_404(Unit, pk=payload.unit_id)
    access.require(request, policies.can_create_committee(request.user, unit), action="plans.committee_create")
    data = payload.dict(exclude={"unit_id"})
    return Status(201, services.committee_create(unit=unit, actor=request.user, **data))


@router.get("/committees/{id}", response={200: CommitteeOut, **ERR})
def committee_detail(request: HttpRequest, id: Id) -> Any:
    return lookups.get_committee(request, id)


@router.get("/committees/{id}/members", response={200: list[CommitteeMemberOut], **ERR})
def members(request: HttpRequest, id: Id) -> Any:
    return list(lookups.get_committee(request, id).members.select_related("unit"))


class CommitteeEditIn(Schema):
    name: str
    group_name: str = ""
    head_name: str = ""
    head_title: str = ""
    office_name: str = ""


@router.put("/committees/{id}", response={200: CommitteeOut, **ERR}, summary="修改文明委及领导小组 · Edit the committee and its leading group")
def committee_update(request: HttpRequest, id: Id, payload: CommitteeEditIn) -> Any:
    c = lookups.get_committee(request, id)
    access.require(request, policies.can_manage_committee(request.user, c), action="plans.committee_update", obj=c)
    return services.committee_update(committee=c, actor=request.user, **payload.dict())


class MemberIn(Schema):
    unit_id: Id
    role: str = Member.Role.MEMBER
    contact_name: str = ""


@router.post("/committees/{id}/members", response={201: CommitteeMemberOut, **ERR})
def member_add(request: HttpRequest, id: Id, payload: MemberIn) -> Any:
    c = lookups.get_committee(request, id)
    access.require(request, policies.can_manage_committee(request.user, c), action="plans.member_add", obj=c)
    unit = get_object_or_404(Unit, pk=payload.unit_id)
    return Status(201, services.member_add(committee=c, unit=unit, role=payload.role, contact_name=payload.contact_name, actor=request.user))


class MemberEditIn(Schema):
    role: str
    contact_name: str = ""


def _managed_member(request: HttpRequest, id: int, action: str) -> Member:
    member = get_object_or_404(Member.objects.select_related("unit"), pk=id)
    c = lookups.get_committee(request, member.committee_id)
    access.require(request, policies.can_manage_committee(request.user, c), action=action, obj=c)
    member.committee = c
    return member


@router.put("/members/{id}", response={200: CommitteeMemberOut, **ERR}, summary="修改成员单位角色 · Change a member unit's role or contact")
def member_update(request: HttpRequest, id: Id, payload: MemberEditIn) -> Any:
    member = _managed_member(request, id, "plans.member_update")
    return services.member_update(member=member, actor=request.user, role=payload.role, contact_name=payload.contact_name)


@router.delete("/members/{id}", response={204: None, **ERR}, summary="移除成员单位 · Remove a member unit")
def member_remove(request: HttpRequest, id: Id) -> Any:
    member = _managed_member(request, id, "plans.member_remove")
    services.member_remove(member=member, actor=request.user)
    return Status(204, None)


class CompletionRow(Schema):
    member_id: int
    unit_name: str
    total: int
    on_time: int
    late: int
    open: int
    dropped: int
    projects: list[dict[str, Any]]


@router.get("/committees/{id}/completion", response={200: list[CompletionRow], **ERR})
def completion(request: HttpRequest, id: Id, year: int = Query(..., ge=2000, le=2100), member: int | None = Query(None, ge=1, le=MAX_ID)) -> Any:
    c = lookups.get_committee(request, id)
    members = policies.completion_members(request.user, c)
    access.require(request, members is not None, action="plans.completion", obj=c)
    assert members is not None
    if member:
        members = members.filter(pk=member)
    report = selectors.completion(c, year, members)
    return [
        {
            "member_id": u.member.pk, "unit_name": u.member.unit.name, "total": u.total, "on_time": u.on_time,
            "late": u.late, "open": u.open, "dropped": u.dropped,
            "projects": [{"id": p.pk, "title": p.title, "completion": k} for p, k in u.projects],
        }
        for u in report.units
    ]


# --- plans ------------------------------------------------------------------------------------------------


class PlanIn(Schema):
    committee_id: Id
    year: int
    kind: str = Plan.Kind.WORK_POINTS
    title: str


class ItemIn(Schema):
    goal: str
    key_tasks: str = ""
    measures: str = ""
    requirements: str = ""
    lead_id: Id | None = None
    partner_ids: list[Id] = []


def _plan_lookup(request: HttpRequest, id: int) -> Plan:
    return lookups.get_plan(request, id)


@router.get("/plans", response=list[PlanOut])
@paginate(Pages, page_size=50)
def plans(request: HttpRequest, committee: int | None = Query(None, ge=1, le=MAX_ID), year: int | None = Query(None, ge=2000, le=2100)) -> Any:
    qs = policies.visible_plans(request.user).order_by("-year", "id")
    if committee:
        qs = qs.filter(committee_id=committee)
    return qs.filter(year=year) if year else qs


@router.post("/plans", response={201: PlanOut, **ERR})
def plan_create(request: HttpRequest, payload: PlanIn) -> Any:
    c = lookups.get_committee(request, payload.committee_id)
    return Status(201, services.plan_create(committee=c, year=payload.year, kind=payload.kind, title=payload.title, actor=request.user))


@router.get("/plans/{id}", response={200: PlanDetailOut, **ERR})
def plan_detail(request: HttpRequest, id: Id) -> Any:
    return lookups.get_plan(request, id)


def _owners(plan: Plan, payload: ItemIn) -> dict[str, Any]:
    members = {m.pk: m for m in plan.committee.members.all()}
    ids = [*([payload.lead_id] if payload.lead_id else []), *payload.partner_ids]
    if any(i not in members for i in ids):
        from django.core.exceptions import ValidationError
        from django.utils.translation import gettext as _

        raise ValidationError(_("Owners must be member units of this committee."))
    return {"lead": members.get(payload.lead_id or 0), "partners": [members[i] for i in payload.partner_ids]}


@router.post("/plans/{id}/items", response={201: ItemOut, **ERR})
def plan_item_add(request: HttpRequest, id: Id, payload: ItemIn) -> Any:
    plan = lookups.get_plan(request, id)
    access.require(request, policies.can_edit_plan(request.user, plan), action="plans.plan_item_save", obj=plan)
    item = services.plan_item_save(
        plan=plan, actor=request.user, goal=payload.goal, key_tasks=payload.key_tasks, measures=payload.measures,
        requirements=payload.requirements, **_owners(plan, payload),
    )
    return Status(201, item)


@router.put("/items/{id}", response={200: ItemOut, **ERR})
def plan_item_edit(request: HttpRequest, id: Id, payload: ItemIn) -> Any:
    item = get_object_or_404(PlanItem, pk=id)
    plan = lookups.get_plan(request, item.plan_id)
    access.require(request, policies.can_edit_plan(request.user, plan), action="plans.plan_item_save", obj=plan)
    return services.plan_item_save(
        plan=plan, item=item, actor=request.user, goal=payload.goal, key_tasks=payload.key_tasks,
        measures=payload.measures, requirements=payload.requirements, **_owners(plan, payload),
    )


PLAN.add_api_steps(router, "/plans", _plan_lookup, tags=["plans"])


# --- projects ---------------------------------------------------------------------------------------------


class ProjectIn(Schema):
    member_id: Id
    year: int
    title: str
    target_value: int
    target_unit: str = "个"
    target_item: str = ""
    metric: str = ""
    metric_unit_id: Id | None = None
    kind: str = ""
    due_on: dt.date
    description: str = ""


@router.get("/projects", response=list[ProjectOut])
@paginate(Pages, page_size=50)
def projects(request: HttpRequest, year: int | None = Query(None, ge=2000, le=2100), status: str = "") -> Any:
    qs = policies.visible_projects(request.user).select_related("committee__unit", "metric_unit").order_by("year", "unit_path", "id")
    if year:
        qs = qs.filter(year=year)
    return qs.filter(status=status) if status else qs


@router.post("/projects", response={201: ProjectOut, **ERR})
def project_create(request: HttpRequest, payload: ProjectIn) -> Any:
    member = get_object_or_404(Member.objects.select_related("committee__unit"), pk=payload.member_id)
    access.require(request, policies.can_create_project(request.user, member), action="plans.project_create")
    metric_unit = get_object_or_404(Unit, pk=payload.metric_unit_id) if payload.metric_unit_id else None
    data = payload.dict(exclude={"member_id", "metric_unit_id"})
    return Status(201, services.project_create(member=member, actor=request.user, metric_unit=metric_unit, **data))


@router.get("/projects/{id}", response={200: ProjectOut, **ERR})
def project_detail(request: HttpRequest, id: Id) -> Any:
    return lookups.get_project(request, id)


class ProjectEditIn(Schema):
    title: str
    target_value: int
    target_unit: str = "个"
    target_item: str = ""
    due_on: dt.date
    description: str = ""


@router.put("/projects/{id}", response={200: ProjectOut, **ERR}, summary="修改实事项目目标 · Edit a practical project's target")
def project_update(request: HttpRequest, id: Id, payload: ProjectEditIn) -> Any:
    p = lookups.get_project(request, id)
    access.require(request, policies.can_act_project(request.user, p), action="plans.project_update", obj=p)
    return services.project_update(project=p, actor=request.user, **payload.dict())


class MilestoneIn(Schema):
    title: str
    due_on: dt.date


@router.post("/projects/{id}/milestones", response={201: dict, **ERR})
def milestone_add(request: HttpRequest, id: Id, payload: MilestoneIn) -> Any:
    p = lookups.get_project(request, id)
    access.require(request, policies.can_act_project(request.user, p), action="plans.milestone_add", obj=p)
    m = services.milestone_add(project=p, title=payload.title, due_on=payload.due_on, actor=request.user)
    return Status(201, {"id": m.pk, "title": m.title, "due_on": m.due_on.isoformat()})


@router.post("/milestones/{id}/done", response={200: dict, **ERR})
def milestone_done(request: HttpRequest, id: Id) -> Any:
    m = get_object_or_404(Milestone, pk=id)
    p = lookups.get_project(request, m.project_id)
    access.require(request, policies.can_act_project(request.user, p), action="plans.milestone_done", obj=p)
    m = services.milestone_done(milestone=m, actor=request.user, done_on=timezone.localdate())
    return {"id": m.pk, "title": m.title, "done_on": m.done_on.isoformat() if m.done_on else None}


@router.get("/projects/{id}/reports", response={200: list[ProgressReportOut], **ERR})
def reports(request: HttpRequest, id: Id) -> Any:
    return list(lookups.get_project(request, id).reports.prefetch_related("evidence"))


@router.post("/projects/{id}/reports", response={201: ProgressReportOut, **ERR})
def report_file(
    request: HttpRequest, id: Id, quarter: int = Form(..., ge=1, le=4), text: str = Form(...),
    on_track: bool = Form(True), figure: int | None = Form(None, ge=0, le=10_000_000),
    files: list[UploadedFile] = File(None),  # noqa: B008
) -> Any:
    """Multipart form: the same fields as the page's quarterly report, evidence as `files`."""
    p = lookups.get_project(request, id)
    access.require(request, policies.can_act_project(request.user, p), action="plans.progress_report", obj=p)
    return Status(201, services.progress_report_file(project=p, quarter=quarter, figure=figure, text=text, on_track=on_track, files=files or [], actor=request.user))


@router.get("/evidence/{id}", response={200: None, **ERR})
def evidence(request: HttpRequest, id: Id) -> Any:
    """An evidence file, to people who may see its project (the same check as the page's download)."""
    import mimetypes

    from django.http import FileResponse, Http404

    from civicloop.plans.models import Evidence

    item = get_object_or_404(Evidence.objects.select_related("report"), pk=id)
    lookups.get_project(request, item.report.project_id)
    try:
        return FileResponse(item.file.open("rb"), content_type=mimetypes.guess_type(item.name)[0], filename=item.name)
    except FileNotFoundError:
        raise Http404 from None


PROJECT.add_api_steps(router, "/projects", lambda request, id: lookups.get_project(request, id), tags=["plans"])


# --- year reports -----------------------------------------------------------------------------------------


class YearReportIn(Schema):
    member_id: Id
    year: int
    text: str


@router.get("/year-reports", response=list[YearReportOut])
@paginate(Pages, page_size=50)
def year_reports(request: HttpRequest, year: int | None = Query(None, ge=2000, le=2100)) -> Any:
    qs = policies.visible_year_reports(request.user).order_by("-year", "unit_path")
    return qs.filter(year=year) if year else qs


@router.post("/year-reports", response={200: YearReportOut, **ERR})
def year_report_save(request: HttpRequest, payload: YearReportIn) -> Any:
    member = get_object_or_404(Member, pk=payload.member_id)
    access.require(request, policies.acts_for(request.user, member), action="plans.year_report_save")
    return services.year_report_save(member=member, year=payload.year, text=payload.text, actor=request.user)


@router.get("/year-reports/{id}", response={200: YearReportOut, **ERR})
def year_report_detail(request: HttpRequest, id: Id) -> Any:
    return lookups.get_year_report(request, id)


YEAR_REPORT.add_api_steps(router, "/year-reports", lambda request, id: lookups.get_year_report(request, id), tags=["plans"])


# --- meetings and follow-ups ------------------------------------------------------------------------------


class MeetingIn(Schema):
    committee_id: Id
    kind: str
    title: str
    held_at: dt.datetime
    mode: str = "onsite"
    place: str = ""
    branch_venues: str = ""
    attendee_ids: list[Id] = []


@router.get("/meetings", response=list[MeetingOut])
@paginate(Pages, page_size=50)
def meetings(request: HttpRequest, committee: int | None = Query(None, ge=1, le=MAX_ID)) -> Any:
    qs = policies.visible_meetings(request.user).order_by("-held_at", "id")
    return qs.filter(committee_id=committee) if committee else qs


def _attendees(committee: Any, ids: list[int]) -> list[Member]:
    found = list(committee.members.filter(pk__in=ids))
    if len(found) != len(set(ids)):
        from django.core.exceptions import ValidationError
        from django.utils.translation import gettext as _

        raise ValidationError(_("Owners must be member units of this committee."))
    return found


@router.post("/meetings", response={201: MeetingOut, **ERR})
def meeting_create(request: HttpRequest, payload: MeetingIn) -> Any:
    c = lookups.get_committee(request, payload.committee_id)
    access.require(request, policies.can_manage_committee(request.user, c), action="plans.meeting_create", obj=c)
    held_at = payload.held_at if timezone.is_aware(payload.held_at) else timezone.make_aware(payload.held_at)
    meeting = services.meeting_create(
        committee=c, kind=payload.kind, title=payload.title, held_at=held_at, mode=payload.mode, place=payload.place,
        branch_venues=payload.branch_venues, attendees=_attendees(c, payload.attendee_ids), actor=request.user,
    )
    return Status(201, meeting)


@router.get("/meetings/{id}", response={200: MeetingOut, **ERR})
def meeting_detail(request: HttpRequest, id: Id) -> Any:
    return lookups.get_meeting(request, id)


@router.put("/meetings/{id}", response={200: MeetingOut, **ERR}, summary="修改会议及参会单位 · Edit a meeting and its attendees")
def meeting_update(request: HttpRequest, id: Id, payload: MeetingIn) -> Any:
    """The same body as scheduling; `committee_id` must be the meeting's own committee."""
    m = _managed_meeting(request, id, "update")
    if payload.committee_id != m.committee_id:
        from django.core.exceptions import ValidationError
        from django.utils.translation import gettext as _

        raise ValidationError(_("A meeting cannot move to another committee."))
    held_at = payload.held_at if timezone.is_aware(payload.held_at) else timezone.make_aware(payload.held_at)
    return services.meeting_update(
        meeting=m, kind=payload.kind, title=payload.title, held_at=held_at, mode=payload.mode, place=payload.place,
        branch_venues=payload.branch_venues, attendees=_attendees(m.committee, payload.attendee_ids), actor=request.user,
    )


class AgendaIn(Schema):
    title: str
    plan_id: Id | None = None
    project_id: Id | None = None
    year_report_id: Id | None = None


class PlanTextIn(Schema):
    text: str


class FollowUpIn(Schema):
    owner_id: Id
    title: str
    due_on: dt.date


def _managed_meeting(request: HttpRequest, id: int, part: str) -> Any:
    m = lookups.get_meeting(request, id)
    access.require(request, policies.can_manage_meeting(request.user, m), action=f"plans.meeting_{part}", obj=m)
    return m


@router.post("/meetings/{id}/agenda", response={201: dict, **ERR})
def agenda_add(request: HttpRequest, id: Id, payload: AgendaIn) -> Any:
    m = _managed_meeting(request, id, "agenda")
    links = {
        "plan": get_object_or_404(Plan, pk=payload.plan_id) if payload.plan_id else None,
        "project": get_object_or_404(Project, pk=payload.project_id) if payload.project_id else None,
        "year_report": get_object_or_404(YearReport, pk=payload.year_report_id) if payload.year_report_id else None,
    }
    item = services.agenda_add(meeting=m, title=payload.title, actor=request.user, **links)
    return Status(201, {"id": item.pk, "position": item.position, "title": item.title})


@router.post("/meetings/{id}/resolutions", response={201: dict, **ERR})
def resolution_add(request: HttpRequest, id: Id, payload: PlanTextIn) -> Any:
    m = _managed_meeting(request, id, "resolution")
    r = services.resolution_add(meeting=m, text=payload.text, actor=request.user)
    return Status(201, {"id": r.pk, "text": r.text})


@router.put("/meetings/{id}/minutes", response={200: MeetingOut, **ERR})
def minutes(request: HttpRequest, id: Id, payload: PlanTextIn) -> Any:
    m = _managed_meeting(request, id, "minutes")
    return services.meeting_minutes(meeting=m, minutes=payload.text, actor=request.user)


@router.post("/meetings/{id}/followups", response={201: FollowUpOut, **ERR})
def followup_add(request: HttpRequest, id: Id, payload: FollowUpIn) -> Any:
    m = _managed_meeting(request, id, "followup")
    owner = get_object_or_404(Member, pk=payload.owner_id)
    return Status(201, services.followup_add(meeting=m, owner=owner, title=payload.title, due_on=payload.due_on, actor=request.user))


@router.get("/followups", response=list[FollowUpOut])
@paginate(Pages, page_size=50)
def followups(request: HttpRequest, status: str = "") -> Any:
    qs = policies.visible_followups(request.user).order_by("due_on", "id")
    return qs.filter(status=status) if status else qs


@router.get("/followups/{id}", response={200: FollowUpOut, **ERR})
def followup_detail(request: HttpRequest, id: Id) -> Any:
    return lookups.get_followup(request, id)


FOLLOW_UP.add_api_steps(router, "/followups", lambda request, id: lookups.get_followup(request, id), tags=["plans"])
