"""Pages of the committee's year. Thin: the lookups decide who sees what, the services write, the declared
workflows run the steps. Small forms on a detail page post to their own URL and come back with a message."""

from __future__ import annotations

import mimetypes
from collections.abc import Callable
from typing import Any

from django import forms
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.http import FileResponse, Http404, HttpRequest, HttpResponse, HttpResponseBase
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from civicloop import access
from civicloop.core.exceptions import Conflict
from civicloop.core.forms import error_text, parse_id
from civicloop.core.workflow import Workflow
from civicloop.network.models import Unit
from civicloop.plans import exports, lookups, policies, selectors, services
from civicloop.plans import forms as f
from civicloop.plans.models import Evidence, Member, Milestone, Plan, PlanItem, Project, YearReport
from civicloop.plans.workflow import FOLLOW_UP, PLAN, PROJECT, YEAR_REPORT, form_kwargs


def _form_errors(form: forms.Form) -> str:
    return "；".join(f"{form.fields[k].label if k in form.fields else ''}：{e}" if k != "__all__" else str(e) for k, errs in form.errors.items() for e in errs)


def _attempt(request: HttpRequest, fn: Callable[[], Any], success: str) -> Any:
    """Run a service; a refusal becomes an error message (PermissionDenied goes on to the 403 page)."""
    try:
        result = fn()
    except ValidationError as exc:
        messages.error(request, error_text(exc))
    except Conflict as exc:
        messages.error(request, exc.message)
    else:
        messages.success(request, success)
        return result
    return None


def _steps(request: HttpRequest, wf: Workflow, obj: Any, url: str) -> list[dict[str, Any]]:
    """The workflow panel's steps, each form narrowed to this object's committee."""
    return [
        {"step": s, "form": wf.form_for(s, **form_kwargs(wf, s.name, obj)), "url": url.replace("STEP", s.name)}
        for s in wf.available(request.user, obj)
    ]


def _done(wf: Workflow, step: str) -> str:
    """The success message of a step (the engine's default message is not in any catalogue yet)."""
    label = wf.steps[step].label if step in wf.steps else step
    return _("Done: %(step)s") % {"step": label}


def _year(request: HttpRequest, default: int) -> int:
    year = parse_id(request.GET.get("year"))
    return year if year is not None and 2000 <= year <= 2100 else default


# --- home and committee ---------------------------------------------------------------------------------


@login_required
def home(request: HttpRequest) -> HttpResponse:
    committees = list(policies.visible_committees(request.user).order_by("unit_path"))
    can_create = _committee_units(request).exists()
    access.require(request, bool(committees) or can_create, action="plans.home")
    seats = policies.seats(request.user)
    return render(request, "plans/home.html", {
        "committees": committees,
        "followups": selectors.open_followups(seats)[:50],
        "projects": Project.objects.filter(member__in=seats).exclude(status__in=["done", "dropped"]).select_related("member__unit").order_by("due_on")[:50],
        "reports": YearReport.objects.filter(member__in=seats).select_related("member__unit").order_by("-year")[:20],
        "seats": seats, "can_create": can_create,
    })


@login_required
def committee(request: HttpRequest, pk: int) -> HttpResponse:
    c = lookups.get_committee(request, pk)
    office = policies.is_office(request.user, c)
    year = _year(request, timezone.localdate().year)
    projects = Project.objects.filter(committee=c, year=year).select_related("member__unit").order_by("unit_path", "due_on")
    if not office:
        projects = projects.filter(member__in=policies.seats(request.user))
    members = c.members.select_related("unit").order_by("role", "unit__path")
    units = access.visible_units(request.user).filter(path__startswith=c.unit_path, is_active=True).exclude(pk__in=members.values("unit")).order_by("path")
    return render(request, "plans/committee.html", {
        "c": c, "office": office, "year": year, "members": members, "projects": projects,
        "plans": c.plans.order_by("-year", "id"), "meetings": c.meetings.order_by("-held_at")[:20],
        "tracker": selectors.report_tracker(c, year) if office else [],
        "seat": policies.seat_in(request.user, c),
        "member_form": f.MemberForm(units=units) if office else None,
        "plan_form": f.PlanForm(initial={"year": year, "kind": Plan.Kind.WORK_POINTS}) if office else None,
        "project_badges": PROJECT,
    })


@login_required
@require_POST
def member_add(request: HttpRequest, pk: int) -> HttpResponse:
    c = lookups.get_committee(request, pk)
    access.require(request, policies.can_manage_committee(request.user, c), action="plans.member_add", obj=c)
    form = f.MemberForm(request.POST, units=access.visible_units(request.user))
    if not form.is_valid():
        messages.error(request, _form_errors(form))
    else:
        d = form.cleaned_data
        _attempt(request, lambda: services.member_add(committee=c, unit=d["unit"], role=d["role"], contact_name=d["contact_name"], actor=request.user), _("The member unit is added."))
    return redirect("plans:committee", c.pk)


def _committee_units(request: HttpRequest) -> Any:
    """Where this user may set up a committee: practice centres in their scope (a committee sits at a
    province, city or district centre)."""
    return access.visible_units(request.user).filter(is_active=True, kind=Unit.Kind.PRACTICE, level=Unit.Level.CENTER).order_by("path")


@login_required
def committee_create(request: HttpRequest) -> HttpResponse:
    units = _committee_units(request)
    access.require(request, units.exists(), action="plans.committee_create")
    form = f.CommitteeForm(request.POST or None, units=units)
    if request.method == "POST" and form.is_valid():
        d = form.cleaned_data
        access.require(request, policies.can_create_committee(request.user, d["unit"]), action="plans.committee_create")
        created = _attempt(request, lambda: services.committee_create(actor=request.user, **d), _("The committee is set up; add its member units."))
        if created:
            return redirect("plans:committee", created.pk)
    return render(request, "plans/form.html", {"form": form, "title": _("Set up a civilisation committee"), "back": "/plans/"})


@login_required
def committee_edit(request: HttpRequest, pk: int) -> HttpResponse:
    c = lookups.get_committee(request, pk)
    access.require(request, policies.can_manage_committee(request.user, c), action="plans.committee_update", obj=c)
    fields = ("name", "group_name", "head_name", "head_title", "office_name")
    form = f.CommitteeForm(request.POST or None, initial={k: getattr(c, k) for k in fields})
    if request.method == "POST" and form.is_valid() and _attempt(
        request, lambda: services.committee_update(committee=c, actor=request.user, **form.cleaned_data), _("The committee is saved.")
    ):
        return redirect("plans:committee", c.pk)
    return render(request, "plans/form.html", {"form": form, "title": _("Edit the committee and its leading group"), "back": c.get_absolute_url()})


def _managed_member(request: HttpRequest, pk: int, action: str) -> Member:
    member = get_object_or_404(Member.objects.select_related("unit"), pk=pk)
    c = lookups.get_committee(request, member.committee_id)
    access.require(request, policies.can_manage_committee(request.user, c), action=action, obj=c)
    member.committee = c
    return member


@login_required
def member_edit(request: HttpRequest, pk: int) -> HttpResponse:
    member = _managed_member(request, pk, "plans.member_update")
    form = f.MemberEditForm(request.POST or None, initial={"role": member.role, "contact_name": member.contact_name})
    if request.method == "POST" and form.is_valid() and _attempt(
        request, lambda: services.member_update(member=member, actor=request.user, **form.cleaned_data), _("The member unit is saved.")
    ):
        return redirect(f"{member.committee.get_absolute_url()}#members")
    return render(request, "plans/form.html", {"form": form, "title": _("Member unit: %(unit)s") % {"unit": member.unit.name}, "back": member.committee.get_absolute_url()})


@login_required
@require_POST
def member_remove(request: HttpRequest, pk: int) -> HttpResponse:
    member = _managed_member(request, pk, "plans.member_remove")
    _attempt(request, lambda: services.member_remove(member=member, actor=request.user), _("The unit is no longer a member."))
    return redirect(f"{member.committee.get_absolute_url()}#members")


# --- plans ----------------------------------------------------------------------------------------------


@login_required
@require_POST
def plan_create(request: HttpRequest, pk: int) -> HttpResponse:
    c = lookups.get_committee(request, pk)
    access.require(request, policies.can_manage_committee(request.user, c), action="plans.plan_create", obj=c)
    form = f.PlanForm(request.POST)
    if not form.is_valid():
        messages.error(request, _form_errors(form))
        return redirect("plans:committee", c.pk)
    d = form.cleaned_data
    plan = _attempt(request, lambda: services.plan_create(committee=c, year=d["year"], kind=d["kind"], title=d["title"], actor=request.user), _("The draft is created; add its items."))
    return redirect("plans:plan", plan.pk) if plan else redirect("plans:committee", c.pk)


@login_required
def plan(request: HttpRequest, pk: int) -> HttpResponse:
    p = lookups.get_plan(request, pk)
    members = p.committee.members.select_related("unit")
    editable = policies.can_edit_plan(request.user, p) and p.status in ("draft", "circulated")
    items = p.items.select_related("lead__unit").prefetch_related("partners__unit", "comments__member__unit")
    return render(request, "plans/plan.html", {
        "p": p, "items": items, "editable": editable,
        "item_form": f.ItemForm(members=members) if editable else None,
        "steps": _steps(request, PLAN, p, f"/plans/plan/{p.pk}/STEP/"),
        "versions": p.versions.select_related("created_by").order_by("-number"),
    })


@login_required
@require_POST
def plan_item_add(request: HttpRequest, pk: int) -> HttpResponse:
    p = lookups.get_plan(request, pk)
    access.require(request, policies.can_edit_plan(request.user, p), action="plans.plan_item_save", obj=p)
    form = f.ItemForm(request.POST, members=p.committee.members.all())
    if not form.is_valid():
        messages.error(request, _form_errors(form))
    else:
        _attempt(request, lambda: services.plan_item_save(plan=p, actor=request.user, **form.cleaned_data), _("The item is saved."))
    return redirect("plans:plan", p.pk)


@login_required
def plan_item_edit(request: HttpRequest, pk: int) -> HttpResponse:
    item = get_object_or_404(PlanItem, pk=pk)
    p = lookups.get_plan(request, item.plan_id)
    access.require(request, policies.can_edit_plan(request.user, p), action="plans.plan_item_save", obj=p)
    members = p.committee.members.select_related("unit")
    initial = {
        "goal": item.goal, "key_tasks": item.key_tasks, "measures": item.measures, "requirements": item.requirements,
        "lead": item.lead_id, "partners": list(item.partners.values_list("pk", flat=True)),
    }
    form = f.ItemForm(request.POST or None, members=members, initial=initial)
    saved = request.method == "POST" and form.is_valid() and _attempt(
        request, lambda: services.plan_item_save(plan=p, item=item, actor=request.user, **form.cleaned_data), _("The item is saved.")
    )
    if saved:
        return redirect("plans:plan", p.pk)
    return render(request, "plans/form.html", {"form": form, "title": _("Edit item %(n)s") % {"n": item.position}, "back": p.get_absolute_url()})


@login_required
def plan_step(request: HttpRequest, pk: int, step: str) -> HttpResponse:
    p = lookups.get_plan(request, pk)
    return PLAN.handle_page(request, p, step, next_url=p.get_absolute_url(), success=_done(PLAN, step), form_kwargs=form_kwargs(PLAN, step, p) if step in PLAN.steps else None)


# --- projects -------------------------------------------------------------------------------------------


def _project_members(request: HttpRequest, c: Any) -> Any:
    if policies.is_office(request.user, c):
        return c.members.select_related("unit")
    return policies.seats(request.user).filter(committee=c)


@login_required
def project_create(request: HttpRequest, pk: int) -> HttpResponse:
    c = lookups.get_committee(request, pk)
    members = _project_members(request, c)
    access.require(request, members.exists(), action="plans.project_create", obj=c)
    year = timezone.localdate().year
    units = Unit.objects.filter(path__startswith=c.unit_path, is_active=True, kind=Unit.Kind.PRACTICE).order_by("path")
    form = f.ProjectForm(request.POST or None, members=members, units=units, initial={"year": year, "due_on": f"{year}-12-31", "target_unit": "个"})
    if request.method == "POST" and form.is_valid():
        d = form.cleaned_data
        project = _attempt(request, lambda: services.project_create(actor=request.user, **d), _("The practical project is registered."))
        if project:
            return redirect("plans:project", project.pk)
    return render(request, "plans/form.html", {"form": form, "title": _("Register a practical project"), "back": c.get_absolute_url()})


@login_required
def project(request: HttpRequest, pk: int) -> HttpResponse:
    p = lookups.get_project(request, pk)
    live = p.status in ("planned", "on_track", "late")
    can_act = policies.can_act_project(request.user, p) and live
    return render(request, "plans/project.html", {
        "p": p, "figure": selectors.project_figure(p), "progress": selectors.progress(p),
        "milestones": p.milestones.all(), "reports": p.reports.prefetch_related("evidence").select_related("created_by"),
        "can_act": can_act, "report_form": f.ProgressForm() if can_act else None,
        "milestone_form": f.MilestoneForm() if can_act else None,
        "steps": _steps(request, PROJECT, p, f"/plans/project/{p.pk}/STEP/"),
        "today": timezone.localdate(),
    })


@login_required
def project_edit(request: HttpRequest, pk: int) -> HttpResponse:
    p = lookups.get_project(request, pk)
    access.require(request, policies.can_act_project(request.user, p), action="plans.project_update", obj=p)
    fields = ("title", "target_value", "target_unit", "target_item", "due_on", "description")
    form = f.ProjectEditForm(request.POST or None, initial={k: getattr(p, k) for k in fields})
    if request.method == "POST" and form.is_valid() and _attempt(
        request, lambda: services.project_update(project=p, actor=request.user, **form.cleaned_data), _("The practical project is saved.")
    ):
        return redirect("plans:project", p.pk)
    return render(request, "plans/form.html", {"form": form, "title": _("Edit the practical project"), "back": p.get_absolute_url()})


@login_required
@require_POST
def project_report(request: HttpRequest, pk: int) -> HttpResponse:
    p = lookups.get_project(request, pk)
    access.require(request, policies.can_act_project(request.user, p), action="plans.progress_report", obj=p)
    form = f.ProgressForm(request.POST, request.FILES)
    if not form.is_valid():
        messages.error(request, _form_errors(form))
    else:
        d = form.cleaned_data
        _attempt(request, lambda: services.progress_report_file(project=p, quarter=d["quarter"], figure=d["figure"], text=d["text"], on_track=d["on_track"], files=d["files"], actor=request.user), _("The quarterly report is filed."))
    return redirect("plans:project", p.pk)


@login_required
@require_POST
def milestone_add(request: HttpRequest, pk: int) -> HttpResponse:
    p = lookups.get_project(request, pk)
    access.require(request, policies.can_act_project(request.user, p), action="plans.milestone_add", obj=p)
    form = f.MilestoneForm(request.POST)
    if not form.is_valid():
        messages.error(request, _form_errors(form))
    else:
        _attempt(request, lambda: services.milestone_add(project=p, actor=request.user, **form.cleaned_data), _("The milestone is added."))
    return redirect("plans:project", p.pk)


@login_required
@require_POST
def milestone_done(request: HttpRequest, pk: int) -> HttpResponse:
    m = get_object_or_404(Milestone, pk=pk)
    p = lookups.get_project(request, m.project_id)
    access.require(request, policies.can_act_project(request.user, p), action="plans.milestone_done", obj=p)
    _attempt(request, lambda: services.milestone_done(milestone=m, actor=request.user, done_on=timezone.localdate()), _("The milestone is done."))
    return redirect("plans:project", p.pk)


@login_required
def project_step(request: HttpRequest, pk: int, step: str) -> HttpResponse:
    p = lookups.get_project(request, pk)
    return PROJECT.handle_page(request, p, step, next_url=p.get_absolute_url(), success=_done(PROJECT, step))


@login_required
def evidence(request: HttpRequest, pk: int) -> HttpResponseBase:
    """An evidence file, only to people who may see the project (the file is not reachable any other way)."""
    item = get_object_or_404(Evidence.objects.select_related("report"), pk=pk)
    lookups.get_project(request, item.report.project_id)
    try:
        return FileResponse(item.file.open("rb"), content_type=mimetypes.guess_type(item.name)[0], filename=item.name, as_attachment=not item.is_photo)
    except FileNotFoundError:
        raise Http404 from None


# --- year reports ---------------------------------------------------------------------------------------


@login_required
def year_report_write(request: HttpRequest, pk: int) -> HttpResponse:
    """A member unit writes (or rewrites while drafting) its year report for a committee."""
    c = lookups.get_committee(request, pk)
    seat = policies.seat_in(request.user, c)
    access.require(request, seat is not None, action="plans.year_report_save", obj=c)
    year = _year(request, timezone.localdate().year)
    existing = YearReport.objects.filter(member=seat, year=year).first()
    form = f.YearReportForm(request.POST or None, initial={"text": existing.text if existing else ""})
    if request.method == "POST" and form.is_valid():
        report = _attempt(request, lambda: services.year_report_save(member=seat, year=year, text=form.cleaned_data["text"], actor=request.user), _("The year report is saved."))
        if report:
            return redirect("plans:year_report", report.pk)
    return render(request, "plans/form.html", {"form": form, "title": _("%(year)s year report of %(unit)s") % {"year": year, "unit": seat.unit.name}, "back": c.get_absolute_url()})


@login_required
def year_report(request: HttpRequest, pk: int) -> HttpResponse:
    r = lookups.get_year_report(request, pk)
    projects = Project.objects.filter(member=r.member, year=r.year).order_by("due_on")
    return render(request, "plans/year_report.html", {
        "r": r, "projects": projects, "today": timezone.localdate(),
        "can_edit": policies.can_write_year_report(request.user, r) and r.status == "draft",
        "steps": _steps(request, YEAR_REPORT, r, f"/plans/report/{r.pk}/STEP/"),
    })


@login_required
def year_report_step(request: HttpRequest, pk: int, step: str) -> HttpResponse:
    r = lookups.get_year_report(request, pk)
    return YEAR_REPORT.handle_page(request, r, step, next_url=r.get_absolute_url(), success=_done(YEAR_REPORT, step), form_kwargs=form_kwargs(YEAR_REPORT, step, r) if step in YEAR_REPORT.steps else None)


# --- meetings and follow-ups ----------------------------------------------------------------------------


@login_required
def meeting_create(request: HttpRequest, pk: int) -> HttpResponse:
    c = lookups.get_committee(request, pk)
    access.require(request, policies.can_manage_committee(request.user, c), action="plans.meeting_create", obj=c)
    members = c.members.select_related("unit")
    form = f.MeetingCreateForm(request.POST or None, members=members, initial={"attendees": [m.pk for m in members]})
    if request.method == "POST" and form.is_valid():
        meeting = _attempt(request, lambda: services.meeting_create(committee=c, actor=request.user, **form.cleaned_data), _("The meeting is scheduled."))
        if meeting:
            return redirect("plans:meeting", meeting.pk)
    return render(request, "plans/form.html", {"form": form, "title": _("New meeting"), "back": c.get_absolute_url()})


@login_required
def meeting_edit(request: HttpRequest, pk: int) -> HttpResponse:
    m = lookups.get_meeting(request, pk)
    access.require(request, policies.can_manage_meeting(request.user, m), action="plans.meeting_update", obj=m)
    members = m.committee.members.select_related("unit")
    initial = {k: getattr(m, k) for k in ("kind", "title", "mode", "place", "branch_venues")}
    initial["held_at"] = timezone.localtime(m.held_at).strftime("%Y-%m-%dT%H:%M")
    initial["attendees"] = [a.pk for a in m.attendees.all()]
    form = f.MeetingCreateForm(request.POST or None, members=members, initial=initial)
    if request.method == "POST" and form.is_valid() and _attempt(
        request, lambda: services.meeting_update(meeting=m, actor=request.user, **form.cleaned_data), _("The meeting is saved.")
    ):
        return redirect("plans:meeting", m.pk)
    return render(request, "plans/form.html", {"form": form, "title": _("Edit the meeting"), "back": m.get_absolute_url()})


@login_required
def meeting(request: HttpRequest, pk: int) -> HttpResponse:
    m = lookups.get_meeting(request, pk)
    office = policies.can_manage_meeting(request.user, m)
    members = m.committee.members.select_related("unit")
    followups = [
        {"f": fu, "steps": _steps(request, FOLLOW_UP, fu, f"/plans/followup/{fu.pk}/STEP/")}
        for fu in m.followups.select_related("owner__unit")
    ]
    agenda = m.agenda.select_related("plan", "project", "year_report__member__unit")
    adoptable = [a.plan for a in agenda if a.plan and a.plan.status == "circulated" and office]
    return render(request, "plans/meeting.html", {
        "m": m, "office": office, "agenda": agenda, "followups": followups, "adoptable": adoptable,
        "attendees": m.attendees.select_related("unit"),
        "agenda_form": f.AgendaForm(committee=m.committee) if office else None,
        "resolution_form": f.ResolutionForm() if office else None,
        "followup_form": f.FollowUpForm(members=members) if office else None,
        "minutes_form": f.MinutesForm(initial={"minutes": m.minutes}) if office else None,
    })


@login_required
@require_POST
def meeting_part(request: HttpRequest, pk: int, part: str) -> HttpResponse:
    """The office adds an agenda item, a resolution or a follow-up, or saves the minutes."""
    m = lookups.get_meeting(request, pk)
    access.require(request, policies.can_manage_meeting(request.user, m), action=f"plans.meeting_{part}", obj=m)
    members = m.committee.members.all()
    builders: dict[str, tuple[Callable[[], forms.Form], Callable[[dict[str, Any]], Any], str]] = {
        "agenda": (lambda: f.AgendaForm(request.POST, committee=m.committee), lambda d: services.agenda_add(meeting=m, actor=request.user, title=d["title"], **_link(d["link"])), _("The agenda item is added.")),
        "resolution": (lambda: f.ResolutionForm(request.POST), lambda d: services.resolution_add(meeting=m, actor=request.user, text=d["text"]), _("The resolution is recorded.")),
        "followup": (lambda: f.FollowUpForm(request.POST, members=members), lambda d: services.followup_add(meeting=m, actor=request.user, **d), _("The follow-up task is assigned.")),
        "minutes": (lambda: f.MinutesForm(request.POST), lambda d: services.meeting_minutes(meeting=m, actor=request.user, minutes=d["minutes"]), _("The minutes are saved.")),
    }
    if part not in builders:
        raise Http404
    build, run, success = builders[part]
    form = build()
    if not form.is_valid():
        messages.error(request, _form_errors(form))
    else:
        _attempt(request, lambda: run(form.cleaned_data), success)
    return redirect("plans:meeting", m.pk)


def _link(value: str) -> dict[str, Any]:
    from civicloop.plans.models import YearReport as YR

    kind, _sep, raw = (value or "").partition(":")
    pk = parse_id(raw)
    models_by_kind = {"plan": Plan, "project": Project, "year_report": YR}
    if not kind or pk is None or kind not in models_by_kind:
        return {}
    return {kind: get_object_or_404(models_by_kind[kind], pk=pk)}


@login_required
def followup_step(request: HttpRequest, pk: int, step: str) -> HttpResponse:
    fu = lookups.get_followup(request, pk)
    return FOLLOW_UP.handle_page(request, fu, step, success=_done(FOLLOW_UP, step), next_url=request.POST.get("next") if str(request.POST.get("next", "")).startswith("/plans/") else fu.get_absolute_url())


# --- completion report ----------------------------------------------------------------------------------


@login_required
def completion(request: HttpRequest, pk: int) -> HttpResponseBase:
    c = lookups.get_committee(request, pk)
    members = policies.completion_members(request.user, c)
    access.require(request, members is not None, action="plans.completion", obj=c)
    assert members is not None
    year = _year(request, timezone.localdate().year)
    choices = list(members.select_related("unit").order_by("unit__path"))
    member_id = parse_id(request.GET.get("member"))
    if member_id is not None:  # one unit's report (an id outside the allowed members gives an empty one)
        members = members.filter(pk=member_id)
    report = selectors.completion(c, year, members)
    fmt = request.GET.get("format", "")
    if fmt == "pdf":
        return HttpResponse(exports.completion_pdf(report), content_type="application/pdf", headers={"Content-Disposition": f'attachment; filename="completion-{year}.pdf"'})
    if fmt == "xlsx":
        return HttpResponse(
            exports.completion_xlsx(report),
            content_type="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
            headers={"Content-Disposition": f'attachment; filename="completion-{year}.xlsx"'},
        )
    rows = [(u, [(p, k, exports.timeliness_label(k)) for p, k in u.projects]) for u in report.units]
    return render(request, "plans/completion.html", {"c": c, "report": report, "rows": rows, "year": year, "years": range(year - 3, year + 2), "choices": choices, "member_id": member_id})
