"""Campaign pages: thin views over campaigns.services / selectors; access through campaigns.policies."""

from __future__ import annotations

import datetime as dt
import mimetypes
from collections.abc import Callable

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.db.models import Q
from django.http import FileResponse, Http404, HttpRequest, HttpResponse, HttpResponseBase
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from civicloop import access
from civicloop.campaigns import exports, selectors, services
from civicloop.campaigns import policies as policy
from civicloop.campaigns.forms import (
    ActionForm,
    CampaignForm,
    ExposureForm,
    InspectionForm,
    ResidentReportForm,
    TaskForm,
    VisitForm,
    WeightsForm,
)
from civicloop.campaigns.models import (
    Action,
    Bulletin,
    Campaign,
    Exposure,
    Liaison,
    Problem,
    ProblemPhoto,
    StandardItem,
    Task,
    UnitDay,
)
from civicloop.campaigns.workflow import EXPOSURE, PROBLEM, TASK
from civicloop.core.exceptions import Conflict
from civicloop.core.forms import error_text, page_of, parse_id
from civicloop.core.workflow import form_errors
from civicloop.network.models import Unit
from civicloop.people.models import User


def _campaign(request: HttpRequest, pk: int, action: str) -> Campaign:
    campaign = get_object_or_404(Campaign.objects.select_related("command_unit"), pk=pk)
    access.require(request, policy.can_view_campaign(request.user, campaign), action=action, obj=campaign)
    return campaign


def _problem(request: HttpRequest, pk: int, action: str) -> Problem:
    problem = get_object_or_404(Problem.objects.select_related("campaign", "unit", "escalated_to"), pk=pk)
    access.require(request, policy.can_view_problem(request.user, problem), action=action, obj=problem)
    return problem


def _task(request: HttpRequest, pk: int, action: str) -> Task:
    task = get_object_or_404(Task.objects.select_related("campaign", "action", "lead_department"), pk=pk)
    access.require(request, policy.can_view_task(request.user, task), action=action, obj=task)
    return task


def _exposure(request: HttpRequest, pk: int, action: str) -> Exposure:
    exposure = get_object_or_404(Exposure.objects.select_related("campaign", "unit", "problem"), pk=pk)
    access.require(request, policy.can_view_exposure(request.user, exposure), action=action, obj=exposure)
    return exposure


def _date(raw: str | None) -> dt.date | None:
    try:
        return dt.date.fromisoformat(raw) if raw else None
    except ValueError:
        return None


def _default_month(campaign: Campaign | None) -> dt.date:
    """The campaign's last month with figures up to today (a past campaign opens where it ended), else this
    month."""
    today = timezone.localdate()
    if campaign is None:
        return today.replace(day=1)
    last = (
        UnitDay.objects.filter(campaign=campaign, path=campaign.unit_path, day__lte=today)
        .filter(Q(registered__gt=0) | Q(closed__gt=0) | Q(checks__gt=0) | Q(visits__gt=0))
        .order_by("-day").values_list("day", flat=True).first()
    )
    return (last or today).replace(day=1)


def period_of(request: HttpRequest, campaign: Campaign | None = None) -> tuple[dt.date, dt.date, str]:
    """?month=YYYY-MM (default this month), or ?start=&end=; returns (start, end, month string)."""
    month = request.GET.get("month", "")
    start, end = _date(request.GET.get("start")), _date(request.GET.get("end"))
    if start and end and start <= end and (end - start).days <= 366 * 3:
        return start, end, ""
    try:
        first = dt.datetime.strptime(month, "%Y-%m").date() if month else _default_month(campaign)
    except ValueError:
        first = _default_month(campaign)
    s, e = selectors.month_range(first)
    return s, e, first.strftime("%Y-%m")


# --- campaigns and tasks -----------------------------------------------------------------------------------


@login_required
def campaign_list(request: HttpRequest) -> HttpResponse:
    campaigns = policy.visible_campaigns(request.user).select_related("command_unit")
    access.require(request, access.is_staff(request.user) or campaigns.exists(), action="campaign_list")
    return render(request, "campaigns/list.html", {
        "campaigns": campaigns, "can_create": policy.can_create_campaign(request.user),
    })


def _settings(d: dict) -> dict:
    return {k: d[k] for k in services.CAMPAIGN_SETTINGS if k in d}


@login_required
def campaign_new(request: HttpRequest) -> HttpResponse:
    """The office opens a campaign with its actions (八大行动)."""
    units = policy.command_units(request.user)
    access.require(request, units.exists(), action="campaign_create")
    form = CampaignForm(request.POST or None, units=units, initial={"year": timezone.localdate().year})
    if request.method == "POST" and form.is_valid():
        d = form.cleaned_data
        try:
            campaign = services.campaign_create(actor=request.user, command_unit=d["command_unit"],
                                                actions=d["actions"], **_settings(d))
        except ValidationError as exc:
            messages.error(request, error_text(exc))
        else:
            messages.success(request, _("Campaign opened. Now set its tasks."))
            return redirect(campaign.get_absolute_url())
    return render(request, "campaigns/campaign_form.html", {"form": form, "campaign": None})


@login_required
def campaign_edit(request: HttpRequest, pk: int) -> HttpResponse:
    """The command unit's staff change the campaign's settings and add or rename its actions."""
    campaign = _campaign(request, pk, "campaign_edit")
    access.require(request, policy.can_manage_campaign(request.user, campaign), action="campaign_edit", obj=campaign)
    initial = {k: getattr(campaign, k) for k in services.CAMPAIGN_SETTINGS}
    form = CampaignForm(request.POST or None, initial=initial, editing=True)
    if request.method == "POST" and form.is_valid():
        try:
            services.campaign_update(actor=request.user, campaign=campaign, **_settings(form.cleaned_data))
        except ValidationError as exc:
            messages.error(request, error_text(exc))
        else:
            messages.success(request, _("Campaign saved."))
            return redirect(reverse("campaigns:edit", args=[campaign.pk]))
    return render(request, "campaigns/campaign_form.html", {
        "form": form, "campaign": campaign, "actions": campaign.actions.all(), "action_form": ActionForm(),
    })


def _action_post(request: HttpRequest, campaign: Campaign, save: Callable[[str], object], done: str) -> HttpResponse:
    """The action forms of the edit page: validate the name, run the service, say how it went, back to the page."""
    form = ActionForm(request.POST)
    try:
        if not form.is_valid():
            raise form_errors(form)
        save(form.cleaned_data["name"])
    except ValidationError as exc:
        messages.error(request, error_text(exc))
    else:
        messages.success(request, done)
    return redirect(reverse("campaigns:edit", args=[campaign.pk]))


@login_required
@require_POST
def action_add(request: HttpRequest, pk: int) -> HttpResponse:
    campaign = _campaign(request, pk, "campaign_action_add")
    access.require(request, policy.can_manage_campaign(request.user, campaign), action="campaign_action_add",
                   obj=campaign)
    return _action_post(request, campaign, lambda name: services.action_add(
        actor=request.user, campaign=campaign, name=name), _("Action added."))


@login_required
@require_POST
def action_edit(request: HttpRequest, pk: int) -> HttpResponse:
    action = get_object_or_404(Action.objects.select_related("campaign__command_unit"), pk=pk)
    campaign = action.campaign
    access.require(request, policy.can_view_campaign(request.user, campaign) and policy.can_manage_campaign(
        request.user, campaign), action="campaign_action_edit", obj=campaign)
    return _action_post(request, campaign, lambda name: services.action_update(
        actor=request.user, action=action, name=name), _("Action renamed."))


@login_required
def campaign_detail(request: HttpRequest, pk: int) -> HttpResponse:
    campaign = _campaign(request, pk, "campaign_view")
    tasks = policy.visible_tasks(request.user).filter(campaign=campaign).select_related("action", "lead_department")
    now = timezone.now()
    manage = policy.can_manage_campaign(request.user, campaign)
    form = TaskForm(request.POST or None, campaign=campaign) if manage else None
    if request.method == "POST":
        access.require(request, manage, action="campaign_task_create", obj=campaign)
        assert form is not None
        if form.is_valid():
            d = form.cleaned_data
            try:
                task = services.task_create(actor=request.user, action=d["action"], title=d["title"],
                                            due_at=d["due_at"], lead_department=d["lead_department"],
                                            units=list(d["units"]), items=d["items"])
            except ValidationError as exc:
                messages.error(request, error_text(exc))
            else:
                messages.success(request, _("Task set."))
                return redirect(task.get_absolute_url())
    return render(request, "campaigns/detail.html", {
        "form": form,
        "campaign": campaign,
        "actions": campaign.actions.all(),
        "tasks": tasks.prefetch_related("units"),
        "now": now,
        "can_inspect": policy.can_inspect(request.user, campaign),
        "can_manage": manage,
    })


@login_required
def task_detail(request: HttpRequest, pk: int) -> HttpResponse:
    task = _task(request, pk, "campaign_task_view")
    return render(request, "campaigns/task.html", {
        "task": task, "items": task.items.all(), "reports": task.reports.select_related("unit", "author"),
        "units": task.units.all(), "overdue": task.status != "done" and task.due_at < timezone.now(),
        "step_url": f"/campaigns/tasks/{task.pk}/STEP/",
    })


@login_required
def task_step(request: HttpRequest, pk: int, step: str) -> HttpResponse:
    task = _task(request, pk, "campaign_task_step")
    return TASK.handle_page(request, task, step, next_url=task.get_absolute_url())


# --- problems ----------------------------------------------------------------------------------------------


@login_required
def problem_list(request: HttpRequest, pk: int) -> HttpResponse:
    campaign = _campaign(request, pk, "campaign_problems")
    access.require(request, access.is_staff(request.user), action="campaign_problems", obj=campaign)
    tab = request.GET.get("tab", "")
    tabs = PROBLEM.tabs()
    codes = next((c for code, _label, c in tabs if code == tab), None)
    unit = None
    unit_id = parse_id(request.GET.get("unit"))
    if unit_id:
        unit = access.visible_units(request.user).filter(pk=unit_id).first()
    overdue = request.GET.get("overdue") == "1"
    qs = selectors.problem_list(request.user, campaign, status=codes, unit=unit, overdue=overdue)
    return render(request, "campaigns/problems.html", {
        "campaign": campaign, "page": page_of(request, qs, 50), "tabs": tabs, "tab": tab, "unit": unit,
        "overdue": overdue, "now": timezone.now(),
        "units": access.visible_units(request.user).filter(path__startswith=campaign.unit_path, depth__lte=4)[:300],
    })


def _items(campaign: Campaign) -> list[tuple[int, str]]:
    return [(i.pk, f"{i.task.title} · {i.text}") for i in StandardItem.objects.filter(task__campaign=campaign)
            .select_related("task")[:200]]


@login_required
def problem_new(request: HttpRequest, pk: int) -> HttpResponse:
    """The inspector's phone form: camera photo, browser position (or an address), category and unit."""
    campaign = _campaign(request, pk, "campaign_inspect")
    access.require(request, policy.can_inspect(request.user, campaign), action="campaign_inspect", obj=campaign)
    units = policy.inspection_units(request.user, campaign)
    form = InspectionForm(request.POST or None, request.FILES or None, units=units, items=_items(campaign))
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        item = StandardItem.objects.filter(pk=data["item"], task__campaign=campaign).first() if data["item"] else None
        try:
            problem = services.problem_inspect(
                actor=request.user, campaign=campaign, category=data["category"], unit=data["unit"],
                description=data["description"], photo=data["photo"], place=data["place"], lat=data["lat"],
                lng=data["lng"], item=item, request=request,
            )
        except ValidationError as exc:
            messages.error(request, error_text(exc))
        else:
            messages.success(request, _("Problem recorded and assigned to %(unit)s.") % {"unit": problem.unit.name})
            return redirect(problem.get_absolute_url())
    return render(request, "campaigns/inspect.html", {"campaign": campaign, "form": form})


@login_required
def report_new(request: HttpRequest, pk: int) -> HttpResponse:
    """随手拍 for residents."""
    campaign = get_object_or_404(Campaign, pk=pk)
    access.require(request, access.resident_of(request.user) is not None, action="campaign_report", obj=campaign)
    form = ResidentReportForm(request.POST or None, request.FILES or None)
    if request.method == "POST" and form.is_valid():
        d = form.cleaned_data
        services.problem_report_resident(
            actor=request.user, campaign=campaign, category=d["category"], description=d["description"],
            photo=d["photo"], place=d["place"], lat=d["lat"], lng=d["lng"],
        )
        messages.success(request, _("Thank you. Your report was sent; staff will check it."))
        return redirect(reverse("campaigns:report", args=[campaign.pk]))
    mine = Problem.objects.filter(campaign=campaign, reporter=request.user, source=Problem.Source.RESIDENT)[:20]
    return render(request, "campaigns/report.html", {"campaign": campaign, "form": form, "mine": mine})


@login_required
def report_current(request: HttpRequest) -> HttpResponse:
    """The nav's 随手拍 link: the latest campaign covering the resident's community."""
    resident = access.resident_of(request.user)
    access.require(request, resident is not None, action="campaign_report")
    path = resident.unit_path if resident is not None else ""
    campaign = (
        Campaign.objects.filter(unit_path__in=[path[:i] for i in range(4, len(path) + 1, 4)])
        .order_by("-year", "-pk").first()
    )
    if campaign is None:
        raise Http404
    return redirect(reverse("campaigns:report", args=[campaign.pk]))


@login_required
def problem_detail(request: HttpRequest, pk: int) -> HttpResponse:
    problem = _problem(request, pk, "campaign_problem_view")
    return render(request, "campaigns/problem.html", {
        "problem": problem,
        "photos": problem.photos.all(),
        "overdue": problem.status == "assigned" and problem.due_at and problem.due_at < timezone.now(),
        "step_url": f"/campaigns/problems/{problem.pk}/STEP/",
        "recurrences": problem.recurrences.all()[:10],
    })


@login_required
def problem_step(request: HttpRequest, pk: int, step: str) -> HttpResponse:
    problem = _problem(request, pk, "campaign_problem_step")
    return PROBLEM.handle_page(request, problem, step, next_url=problem.get_absolute_url())


@login_required
def problem_photo(request: HttpRequest, pk: int, photo: int) -> HttpResponseBase:
    """A problem photo, only to people who may see the problem (or the resident who sent it)."""
    problem = get_object_or_404(Problem, pk=pk)
    access.require(request, policy.can_view_photo(request.user, problem), action="campaign_photo", obj=problem)
    row = get_object_or_404(ProblemPhoto, pk=photo, problem=problem)
    try:
        return FileResponse(row.image.open("rb"), content_type=mimetypes.guess_type(row.image.name)[0])
    except FileNotFoundError as exc:
        raise Http404 from exc


# --- 考核 ---------------------------------------------------------------------------------------------------


@login_required
def assessment(request: HttpRequest, pk: int) -> HttpResponse:
    campaign = _campaign(request, pk, "campaign_assessment")
    root = selectors.scope_root(request.user, campaign)
    access.require(request, root is not None, action="campaign_assessment", obj=campaign)
    assert root is not None
    unit_id = parse_id(request.GET.get("unit"))
    if unit_id:
        chosen = access.visible_units(request.user).filter(pk=unit_id, path__startswith=campaign.unit_path).first()
        root = chosen or root
    start, end, month = period_of(request, campaign)
    manage = policy.can_manage_campaign(request.user, campaign)
    rows = selectors.ranking(campaign, root, start, end)
    weights_form = WeightsForm(initial=campaign.score_weights())
    if request.method == "POST" and manage:
        weights_form = WeightsForm(request.POST)
        if weights_form.is_valid():
            try:
                services.weights_set(actor=request.user, campaign=campaign, weights=weights_form.cleaned_data)
            except ValidationError as exc:
                messages.error(request, error_text(exc))
            else:
                messages.success(request, _("Weights saved."))
                return redirect(request.get_full_path())
    return render(request, "campaigns/assessment.html", {
        "campaign": campaign, "root": root, "rows": [r for r in rows if r["unit"].pk != root.pk],
        "total": selectors.ranking(campaign, root, start, end, units=[root])[0],
        "start": start, "end": end, "month": month, "manage": manage, "weights_form": weights_form,
        "bulletins": campaign.bulletins.filter(unit__path__startswith=root.path).select_related("unit")[:24],
        "year": start.year,
    })


@login_required
@require_POST
def bulletin_issue(request: HttpRequest, pk: int) -> HttpResponse:
    campaign = _campaign(request, pk, "campaign_bulletin")
    root = selectors.scope_root(request.user, campaign)
    access.require(request, root is not None and policy.can_manage_campaign(request.user, campaign),
                   action="campaign_bulletin", obj=campaign)
    assert root is not None
    try:
        month = dt.datetime.strptime(request.POST.get("month", ""), "%Y-%m").date()
    except ValueError:
        messages.error(request, _("Choose a month."))
        return redirect(reverse("campaigns:assessment", args=[campaign.pk]))
    try:
        services.bulletin_issue(actor=request.user, campaign=campaign, unit=root, month=month)
    except (ValidationError, Conflict) as exc:
        messages.error(request, exc.message if isinstance(exc, Conflict) else error_text(exc))
    else:
        messages.success(request, _("Bulletin issued."))
    return redirect(reverse("campaigns:assessment", args=[campaign.pk]) + f"?month={month:%Y-%m}")


@login_required
def bulletin_download(request: HttpRequest, pk: int, fmt: str) -> HttpResponse:
    bulletin = get_object_or_404(Bulletin.objects.select_related("campaign", "unit"), pk=pk)
    access.require(request, policy.covers_path(request.user, bulletin.unit.path)
                   or policy.can_manage_campaign(request.user, bulletin.campaign), action="campaign_bulletin_get",
                   obj=bulletin)
    name = f"bulletin-{bulletin.month:%Y-%m}"
    if fmt == "pdf":
        response = HttpResponse(exports.bulletin_pdf(bulletin), content_type="application/pdf")
    else:
        response = HttpResponse(
            exports.bulletin_xlsx(bulletin),
            content_type="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
        )
    response["Content-Disposition"] = f'attachment; filename="{name}.{fmt}"'
    return response


@login_required
def annual_export(request: HttpRequest, pk: int) -> HttpResponse:
    campaign = _campaign(request, pk, "campaign_annual")
    root = selectors.scope_root(request.user, campaign)
    access.require(request, root is not None, action="campaign_annual", obj=campaign)
    assert root is not None
    year = parse_id(request.GET.get("year")) or campaign.year
    year = min(max(year, 2000), 2100)
    response = HttpResponse(
        exports.annual_xlsx(campaign, root, year),
        content_type="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
    )
    response["Content-Disposition"] = f'attachment; filename="assessment-{year}.xlsx"'
    return response


# --- 包联 ---------------------------------------------------------------------------------------------------


@login_required
def liaisons(request: HttpRequest, pk: int) -> HttpResponse:
    campaign = _campaign(request, pk, "campaign_liaisons")
    manage = policy.can_manage_campaign(request.user, campaign)
    rows = Liaison.objects.filter(campaign=campaign).select_related("leader", "unit")
    if not manage:
        rows = rows.filter(leader=request.user)
    mine = [r for r in rows if r.leader_id == request.user.pk]
    visit_form = None
    if mine:
        area = Unit.objects.none()
        for r in mine:
            area = area | Unit.objects.filter(path__startswith=r.unit_path, is_active=True)
        visit_form = VisitForm(request.POST or None, request.FILES or None, units=area.order_by("path"))
        if request.method == "POST" and request.POST.get("form") == "visit" and visit_form.is_valid():
            d = visit_form.cleaned_data
            liaison = next(r for r in mine if d["unit"].path.startswith(r.unit_path))
            try:
                services.visit_log(actor=request.user, liaison=liaison, unit=d["unit"], visited_on=d["visited_on"],
                                   place=d["place"], findings=d["findings"], photo=d.get("photo"))
            except ValidationError as exc:
                messages.error(request, error_text(exc))
            else:
                messages.success(request, _("Visit logged."))
                return redirect(reverse("campaigns:liaisons", args=[campaign.pk]))
    if request.method == "POST" and request.POST.get("form") == "assign":
        access.require(request, manage, action="campaign_liaison_assign", obj=campaign)
        leader = User.objects.filter(pk=parse_id(request.POST.get("leader"))).first()
        unit = Unit.objects.filter(pk=parse_id(request.POST.get("unit"))).first()
        if leader is None or unit is None:
            messages.error(request, _("Choose a leader and a unit."))
        else:
            try:
                services.liaison_assign(actor=request.user, campaign=campaign, leader=leader, unit=unit)
            except ValidationError as exc:
                messages.error(request, error_text(exc))
            else:
                messages.success(request, _("Leader assigned."))
                return redirect(reverse("campaigns:liaisons", args=[campaign.pk]))
    from django.db.models import Count

    counts = dict(rows.annotate(n=Count("visits")).values_list("pk", "n"))
    visits = policy.visible_visits(request.user).filter(liaison__campaign=campaign).select_related(
        "unit", "liaison__leader")[:50]
    leaders = User.objects.filter(memberships__unit__depth=1, memberships__role="staff").distinct() if manage else []
    return render(request, "campaigns/liaisons.html", {
        "campaign": campaign, "rows": [(r, counts.get(r.pk, 0)) for r in rows], "visits": visits,
        "visit_form": visit_form, "manage": manage, "leaders": leaders,
        "units": Unit.objects.filter(path__startswith=campaign.unit_path, depth__lte=3).order_by("path")[:200]
        if manage else [],
    })


# --- 曝光台 -------------------------------------------------------------------------------------------------


@login_required
def exposure_list(request: HttpRequest, pk: int) -> HttpResponse:
    campaign = _campaign(request, pk, "campaign_exposures")
    access.require(request, policy.can_propose_exposure(request.user, campaign), action="campaign_exposures",
                   obj=campaign)
    units = access.visible_units(request.user).filter(path__startswith=campaign.unit_path).order_by("path")
    form = ExposureForm(request.POST or None, units=units)
    if request.method == "POST" and form.is_valid():
        d = form.cleaned_data
        try:
            exposure = services.exposure_propose(
                actor=request.user, campaign=campaign, kind=d["kind"], title=d["title"], text=d["text"],
                photo_mode=d["photo_mode"], unit=d.get("unit"), problem_id=d.get("problem"),
            )
        except ValidationError as exc:
            messages.error(request, error_text(exc))
        else:
            messages.success(request, _("Proposed; a second person must approve it before it is published."))
            return redirect(exposure.get_absolute_url())
    entries = Exposure.objects.filter(campaign=campaign).select_related("unit", "proposed_by")
    return render(request, "campaigns/exposures.html", {"campaign": campaign, "form": form, "entries": entries})


@login_required
def exposure_detail(request: HttpRequest, pk: int) -> HttpResponse:
    exposure = _exposure(request, pk, "campaign_exposure_view")
    return render(request, "campaigns/exposure.html", {
        "exposure": exposure, "step_url": f"/campaigns/exposures/{exposure.pk}/STEP/",
    })


@login_required
def exposure_step(request: HttpRequest, pk: int, step: str) -> HttpResponse:
    exposure = _exposure(request, pk, "campaign_exposure_step")
    return EXPOSURE.handle_page(request, exposure, step, next_url=exposure.get_absolute_url())


def exposure_public(request: HttpRequest) -> HttpResponse:
    """曝光台: what was approved by two people, without any resident's data; withdrawn entries disappear."""
    entries = Exposure.objects.filter(status="published").select_related("unit", "campaign")
    return render(request, "campaigns/public.html", {"page": page_of(request, entries, 20)})
