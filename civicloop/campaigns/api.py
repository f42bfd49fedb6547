"""Campaign API: the twin of every page action, calling the same services with the same policies and messages
(400 validation, 403 denied, 404, 409 wrong state). Workflow steps come from the declarations
(`add_api_steps`); files (photos) are multipart uploads."""


import datetime as dt
from typing import Any

from django.core.exceptions import ValidationError
from django.http import Http404, HttpRequest
from django.shortcuts import get_object_or_404
from django.utils.translation import gettext as _
from ninja import Field, File, Form, Query, Router, Schema
from ninja.files import UploadedFile
from ninja.pagination import paginate

from civicloop import access
from civicloop.campaigns import policies as policy
from civicloop.campaigns import selectors, services
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
from civicloop.campaigns.models import Action, Campaign, Exposure, Liaison, Problem, StandardItem, Task
from civicloop.campaigns.workflow import EXPOSURE, PROBLEM, TASK
from civicloop.core.forms import form_data, valid_or_400
from civicloop.core.pagination import Pages
from civicloop.core.schemas import MAX_ID, Id
from civicloop.core.workflow import form_errors
from civicloop.network.models import Unit

router = Router(tags=["campaigns"])


class CampaignOut(Schema):
    id: int
    year: int
    name: str
    goal: str
    command_unit_id: int
    weights: dict[str, int]


class TaskOut(Schema):
    id: int
    title: str
    action: str
    status: str
    due_at: dt.datetime
    lead_department_id: int
    unit_ids: list[int]
    escalation_level: int
    standard: list[str]


class ActionOut(Schema):
    id: int
    name: str
    position: int


class CampaignDetailOut(CampaignOut):
    actions: list[str]
    action_list: list[ActionOut] = Field(default_factory=list)
    visit_target: int
    recurrence_days: int
    recurrence_metres: int
    tasks: list[TaskOut]


class CampaignIn(Schema):
    year: int
    name: str
    goal: str = ""
    command_unit_id: Id
    actions: list[str] = Field(default_factory=list)
    visit_target: int = 2
    recurrence_days: int = 30
    recurrence_metres: int = 50


class CampaignPatch(Schema):
    year: int | None = None
    name: str | None = None
    goal: str | None = None
    visit_target: int | None = None
    recurrence_days: int | None = None
    recurrence_metres: int | None = None


class ActionIn(Schema):
    name: str


class ProblemOut(Schema):
    id: int
    campaign_id: int
    category: str
    description: str
    place: str
    lat: float | None
    lng: float | None
    source: str
    unit_id: int | None
    status: str
    due_at: dt.datetime | None
    rework_count: int
    extension_count: int
    escalation_level: int
    escalated_to_id: int | None
    recurrence_of_id: int | None
    closed_on_time: bool | None
    created_at: dt.datetime
    photo_ids: list[int] = Field(default_factory=list)


class RankRow(Schema):
    rank: int
    unit_id: int
    unit: str
    score: float
    counts: dict[str, int]
    rates: dict[str, float | None]
    overdue: int


class BulletinOut(Schema):
    id: int
    month: dt.date
    unit_id: int
    rows: list[dict[str, Any]]


class WeightsIn(Schema):
    on_time: int
    rework: int
    extension: int
    recurrence: int
    tasks: int
    visits: int


class BulletinIn(Schema):
    month: str = Field(..., description="YYYY-MM", max_length=7)


class LiaisonIn(Schema):
    leader_id: Id
    unit_id: Id


class LiaisonOut(Schema):
    id: int
    leader_id: int
    unit_id: int
    visits: int


class VisitOut(Schema):
    id: int
    liaison_id: int
    unit_id: int
    visited_on: dt.date
    place: str
    findings: str


class ExposureIn(Schema):
    kind: str
    title: str
    text: str
    unit_id: Id | None = None
    problem_id: Id | None = None
    photo_mode: str = "none"


class ExposureOut(Schema):
    id: int
    kind: str
    title: str
    text: str
    unit_id: int
    unit: str
    status: str
    photo_mode: str
    published_at: dt.datetime | None
    image_url: str = ""


# --- lookups (404 when unseen, 403 through the policies) ---------------------------------------------------


def _campaign(request: HttpRequest, id: int) -> Campaign:
    campaign = get_object_or_404(Campaign, pk=id)
    access.require(request, policy.can_view_campaign(request.user, campaign), action="campaign_view", obj=campaign)
    return campaign


def _problem(request: HttpRequest, id: int) -> Problem:
    problem = get_object_or_404(Problem.objects.select_related("campaign", "unit"), pk=id)
    access.require(request, policy.can_view_problem(request.user, problem), action="campaign_problem_view",
                   obj=problem)
    return problem


def _task(request: HttpRequest, id: int) -> Task:
    task = get_object_or_404(Task.objects.select_related("campaign", "lead_department"), pk=id)
    access.require(request, policy.can_view_task(request.user, task), action="campaign_task_view", obj=task)
    return task


def _exposure(request: HttpRequest, id: int) -> Exposure:
    exposure = get_object_or_404(Exposure.objects.select_related("campaign", "unit", "problem"), pk=id)
    access.require(request, policy.can_view_exposure(request.user, exposure), action="campaign_exposure_view",
                   obj=exposure)
    return exposure


def task_out(t: Task) -> dict[str, Any]:
    return {
        "id": t.pk, "title": t.title, "action": t.action.name, "status": t.status, "due_at": t.due_at,
        "lead_department_id": t.lead_department_id, "unit_ids": [u.pk for u in t.units.all()],
        "escalation_level": t.escalation_level, "standard": [i.text for i in t.items.all()],
    }


def problem_out(p: Problem) -> dict[str, Any]:
    data = {f: getattr(p, f) for f in ProblemOut.model_fields if f != "photo_ids"}
    data["photo_ids"] = list(p.photos.values_list("pk", flat=True))
    return data


def exposure_out(e: Exposure) -> dict[str, Any]:
    return {
        "id": e.pk, "kind": e.kind, "title": e.title, "text": e.text, "unit_id": e.unit_id, "unit": e.unit.name,
        "status": e.status, "photo_mode": e.photo_mode, "published_at": e.published_at,
        "image_url": e.public_image.url if e.public_image else "",
    }


def _valid(form: Any) -> dict[str, Any]:
    if not form.is_valid():
        raise form_errors(form)
    return dict(form.cleaned_data)


# --- campaigns and tasks -----------------------------------------------------------------------------------


@router.get("/campaigns", response=list[CampaignOut])
def campaign_list(request: HttpRequest) -> Any:
    return [{**c.__dict__, "weights": c.score_weights()} for c in policy.visible_campaigns(request.user)]


def campaign_out(request: HttpRequest, c: Campaign) -> dict[str, Any]:
    tasks = policy.visible_tasks(request.user).filter(campaign=c).select_related("action").prefetch_related(
        "units", "items")
    actions = list(c.actions.all())
    return {**c.__dict__, "weights": c.score_weights(), "actions": [a.name for a in actions],
            "action_list": [{"id": a.pk, "name": a.name, "position": a.position} for a in actions],
            "tasks": [task_out(t) for t in tasks]}


@router.get("/campaigns/{id}", response=CampaignDetailOut)
def campaign_detail(request: HttpRequest, id: Id) -> Any:
    return campaign_out(request, _campaign(request, id))


@router.post("/campaigns", response={201: CampaignDetailOut}, summary="创建创城活动 · Open a campaign")
def campaign_create(request: HttpRequest, payload: CampaignIn) -> Any:
    """The office (or a town's 所) opens a campaign with its actions; the command unit must be in the caller's
    own scope (same form and rules as the page)."""
    units = policy.command_units(request.user)
    access.require(request, units.exists(), action="campaign_create")
    body = payload.dict()
    body["command_unit"] = body.pop("command_unit_id")
    body["actions"] = "\n".join(body["actions"])
    d = valid_or_400(CampaignForm(form_data(body), units=units))
    campaign = services.campaign_create(
        actor=request.user, command_unit=d["command_unit"], actions=d["actions"],
        **{k: d[k] for k in services.CAMPAIGN_SETTINGS},
    )
    return 201, campaign_out(request, campaign)


@router.patch("/campaigns/{id}", response=CampaignDetailOut, summary="修改创城活动 · Edit a campaign")
def campaign_update(request: HttpRequest, id: Id, payload: CampaignPatch) -> Any:
    """Change the given settings (the command unit stays: the 考核 figures hang off it)."""
    campaign = _campaign(request, id)
    access.require(request, policy.can_manage_campaign(request.user, campaign), action="campaign_edit",
                   obj=campaign)
    current = {k: getattr(campaign, k) for k in services.CAMPAIGN_SETTINGS}
    given = payload.dict(exclude_unset=True)
    d = valid_or_400(CampaignForm(form_data({**current, **given}), editing=True))
    services.campaign_update(actor=request.user, campaign=campaign, **{k: d[k] for k in given})
    return campaign_out(request, campaign)


@router.post("/campaigns/{id}/actions", response={201: ActionOut}, summary="添加创城行动 · Add a campaign action")
def action_add(request: HttpRequest, id: Id, payload: ActionIn) -> Any:
    campaign = _campaign(request, id)
    access.require(request, policy.can_manage_campaign(request.user, campaign), action="campaign_action_add",
                   obj=campaign)
    d = valid_or_400(ActionForm(form_data(payload.dict())))
    a = services.action_add(actor=request.user, campaign=campaign, name=d["name"])
    return 201, {"id": a.pk, "name": a.name, "position": a.position}


@router.patch("/actions/{id}", response=ActionOut, summary="修改行动名称 · Rename a campaign action")
def action_update(request: HttpRequest, id: Id, payload: ActionIn) -> Any:
    action = get_object_or_404(Action.objects.select_related("campaign"), pk=id)
    campaign = action.campaign
    access.require(request, policy.can_view_campaign(request.user, campaign), action="campaign_view", obj=campaign)
    access.require(request, policy.can_manage_campaign(request.user, campaign), action="campaign_action_edit",
                   obj=campaign)
    d = valid_or_400(ActionForm(form_data(payload.dict())))
    a = services.action_update(actor=request.user, action=action, name=d["name"])
    return {"id": a.pk, "name": a.name, "position": a.position}


class TaskIn(Schema):
    action_id: Id
    title: str
    due_at: dt.datetime
    lead_department_id: Id
    unit_ids: list[Id]
    standard: list[str]


@router.post("/campaigns/{id}/tasks", response={201: TaskOut})
def task_create(request: HttpRequest, id: Id, payload: TaskIn) -> Any:
    """The office sets a task (same form and rules as the campaign page)."""
    campaign = _campaign(request, id)
    access.require(request, policy.can_manage_campaign(request.user, campaign), action="campaign_task_create",
                   obj=campaign)
    d = _valid(TaskForm({"action": payload.action_id, "title": payload.title, "due_at": payload.due_at,
                         "lead_department": payload.lead_department_id, "units": payload.unit_ids,
                         "items": "\n".join(payload.standard)}, campaign=campaign))
    task = services.task_create(actor=request.user, action=d["action"], title=d["title"], due_at=d["due_at"],
                                lead_department=d["lead_department"], units=list(d["units"]), items=d["items"])
    return 201, task_out(task)


@router.get("/campaigns/{id}/annual", response=list[dict[str, Any]])
def annual(request: HttpRequest, id: Id, year: int = Query(..., ge=2000, le=2100)) -> Any:
    """The annual assessment rows (the Excel export's content)."""
    from civicloop.campaigns.exports import annual_rows

    campaign = _campaign(request, id)
    root = selectors.scope_root(request.user, campaign)
    access.require(request, root is not None, action="campaign_annual", obj=campaign)
    return annual_rows(campaign, root, year)  # type: ignore[arg-type]


@router.get("/tasks/{id}", response=TaskOut)
def task_detail(request: HttpRequest, id: Id) -> Any:
    return task_out(_task(request, id))


TASK.add_api_steps(router, "/tasks", _task, tags=["campaigns"])


# --- problems ----------------------------------------------------------------------------------------------


@router.get("/campaigns/{id}/problems", response=list[ProblemOut])
@paginate(Pages, page_size=50)
def problem_list(
    request: HttpRequest, id: Id, status: str = "", unit: int | None = Query(None, ge=1, le=MAX_ID),
    overdue: bool = False,
) -> Any:
    campaign = _campaign(request, id)
    unit_obj = None
    if unit:
        unit_obj = access.visible_units(request.user).filter(pk=unit).first()
        if unit_obj is None:
            raise Http404
    codes = [s for s in status.split(",") if s in PROBLEM.states] if status else None
    return selectors.problem_list(request.user, campaign, status=codes, unit=unit_obj, overdue=overdue).prefetch_related(
        "photos")


@router.get("/problems/{id}", response=ProblemOut)
def problem_detail(request: HttpRequest, id: Id) -> Any:
    return problem_out(_problem(request, id))


@router.post("/campaigns/{id}/problems", response={201: ProblemOut})
def problem_inspect(
    request: HttpRequest, id: Id, photo: File[UploadedFile], category: Form[str], unit: Form[int],
    description: Form[str], place: Form[str] = "", lat: Form[float | None] = None, lng: Form[float | None] = None,
    item: Form[int | None] = None,
) -> Any:
    """An inspector records a problem (multipart, with the photo): registered and assigned at once."""
    campaign = _campaign(request, id)
    access.require(request, policy.can_inspect(request.user, campaign), action="campaign_inspect", obj=campaign)
    items = [(i.pk, i.text) for i in StandardItem.objects.filter(task__campaign=campaign)]
    form = InspectionForm(
        {"category": category, "unit": unit, "description": description, "place": place,
         "lat": "" if lat is None else lat, "lng": "" if lng is None else lng, "item": item or ""},
        {"photo": photo}, units=policy.inspection_units(request.user, campaign), items=items,
    )
    d = _valid(form)
    found = StandardItem.objects.filter(pk=d["item"]).first() if d["item"] else None
    problem = services.problem_inspect(
        actor=request.user, campaign=campaign, category=d["category"], unit=d["unit"], description=d["description"],
        photo=d["photo"], place=d["place"], lat=d["lat"], lng=d["lng"], item=found, request=request,
    )
    return 201, problem_out(problem)


@router.post("/campaigns/{id}/reports", response={201: ProblemOut})
def problem_report(
    request: HttpRequest, id: Id, photo: File[UploadedFile], category: Form[str], description: Form[str],
    place: Form[str] = "", lat: Form[float | None] = None, lng: Form[float | None] = None,
) -> Any:
    """随手拍: a resident's report, waiting for staff to accept it."""
    campaign = get_object_or_404(Campaign, pk=id)
    access.require(request, access.resident_of(request.user) is not None, action="campaign_report", obj=campaign)
    form = ResidentReportForm(
        {"category": category, "description": description, "place": place,
         "lat": "" if lat is None else lat, "lng": "" if lng is None else lng},
        {"photo": photo},
    )
    d = _valid(form)
    problem = services.problem_report_resident(
        actor=request.user, campaign=campaign, category=d["category"], description=d["description"],
        photo=d["photo"], place=d["place"], lat=d["lat"], lng=d["lng"],
    )
    return 201, problem_out(problem)


@router.post("/problems/{id}/photos", response={201: ProblemOut})
def problem_photo_add(request: HttpRequest, id: Id, photo: File[UploadedFile]) -> Any:
    """An after-photo for the rectify step (send it first, then POST .../rectify with the note)."""
    from civicloop.campaigns.forms import check_photo

    problem = _problem(request, id)
    from django import forms as dj_forms

    field = dj_forms.ImageField()
    try:
        cleaned = check_photo(field.clean(photo))
    except ValidationError as exc:
        raise ValidationError({"photo": exc.messages}) from exc
    services.problem_photo_add(actor=request.user, problem=problem, photo=cleaned, kind="after")
    return 201, problem_out(problem)


PROBLEM.add_api_steps(router, "/problems", _problem, tags=["campaigns"])


# --- 考核 ---------------------------------------------------------------------------------------------------


def _period(start: dt.date | None, end: dt.date | None) -> tuple[dt.date | None, dt.date | None]:
    if start and end and start > end:
        raise ValidationError(_("The start must not be after the end."))
    return start, end


@router.get("/campaigns/{id}/assessment", response=list[RankRow])
def assessment(
    request: HttpRequest, id: Id, start: dt.date | None = None, end: dt.date | None = None,
    unit: int | None = Query(None, ge=1, le=MAX_ID),
) -> Any:
    campaign = _campaign(request, id)
    root = selectors.scope_root(request.user, campaign)
    access.require(request, root is not None, action="campaign_assessment", obj=campaign)
    if unit:
        root = access.visible_units(request.user).filter(pk=unit, path__startswith=campaign.unit_path).first()
        if root is None:
            raise Http404
    s, e = _period(start, end)
    return [
        {"rank": r["rank"], "unit_id": r["unit"].pk, "unit": r["unit"].name, "score": r["score"],
         "counts": r["counts"], "rates": r["rates"], "overdue": r["overdue"]}
        for r in selectors.ranking(campaign, root, s, e)  # type: ignore[arg-type]
    ]


@router.put("/campaigns/{id}/weights", response=CampaignOut)
def weights_set(request: HttpRequest, id: Id, payload: WeightsIn) -> Any:
    campaign = _campaign(request, id)
    access.require(request, policy.can_manage_campaign(request.user, campaign), action="campaign_weights",
                   obj=campaign)
    d = _valid(WeightsForm(payload.model_dump()))
    c = services.weights_set(actor=request.user, campaign=campaign, weights=d)
    return {**c.__dict__, "weights": c.score_weights()}


@router.post("/campaigns/{id}/bulletins", response={201: BulletinOut})
def bulletin_issue(request: HttpRequest, id: Id, payload: BulletinIn) -> Any:
    campaign = _campaign(request, id)
    root = selectors.scope_root(request.user, campaign)
    access.require(request, root is not None and policy.can_manage_campaign(request.user, campaign),
                   action="campaign_bulletin", obj=campaign)
    try:
        month = dt.datetime.strptime(payload.month, "%Y-%m").date()
    except ValueError as exc:
        raise ValidationError({"month": [_("Choose a month.")]}) from exc
    b = services.bulletin_issue(actor=request.user, campaign=campaign, unit=root, month=month)  # type: ignore[arg-type]
    return 201, b


@router.get("/campaigns/{id}/bulletins", response=list[BulletinOut])
def bulletin_list(request: HttpRequest, id: Id) -> Any:
    campaign = _campaign(request, id)
    root = selectors.scope_root(request.user, campaign)
    access.require(request, root is not None, action="campaign_bulletin_get", obj=campaign)
    return list(campaign.bulletins.filter(unit__path__startswith=root.path)[:36])  # type: ignore[union-attr]


# --- 包联 ---------------------------------------------------------------------------------------------------


@router.get("/campaigns/{id}/liaisons", response=list[LiaisonOut])
def liaison_list(request: HttpRequest, id: Id) -> Any:
    from django.db.models import Count

    campaign = _campaign(request, id)
    rows = Liaison.objects.filter(campaign=campaign).annotate(visits_n=Count("visits"))
    if not policy.can_manage_campaign(request.user, campaign):
        rows = rows.filter(leader=request.user)
    return [{"id": r.pk, "leader_id": r.leader_id, "unit_id": r.unit_id, "visits": r.visits_n} for r in rows]


@router.post("/campaigns/{id}/liaisons", response={201: LiaisonOut})
def liaison_assign(request: HttpRequest, id: Id, payload: LiaisonIn) -> Any:
    from civicloop.people.models import User

    campaign = _campaign(request, id)
    access.require(request, policy.can_manage_campaign(request.user, campaign), action="campaign_liaison_assign",
                   obj=campaign)
    leader = get_object_or_404(User, pk=payload.leader_id)
    unit = get_object_or_404(Unit, pk=payload.unit_id)
    r = services.liaison_assign(actor=request.user, campaign=campaign, leader=leader, unit=unit)
    return 201, {"id": r.pk, "leader_id": r.leader_id, "unit_id": r.unit_id, "visits": 0}


@router.post("/liaisons/{id}/visits", response={201: VisitOut})
def visit_log(
    request: HttpRequest, id: Id, unit: Form[int], visited_on: Form[str], place: Form[str], findings: Form[str],
    photo: File[UploadedFile | None] = None,
) -> Any:
    liaison = get_object_or_404(Liaison, pk=id)
    access.require(request, liaison.leader_id == request.user.pk, action="campaign_visit_log", obj=liaison)
    area = Unit.objects.filter(path__startswith=liaison.unit_path, is_active=True)
    d = _valid(VisitForm({"unit": unit, "visited_on": visited_on, "place": place, "findings": findings},
                         {"photo": photo} if photo else {}, units=area))
    v = services.visit_log(actor=request.user, liaison=liaison, unit=d["unit"], visited_on=d["visited_on"],
                           place=d["place"], findings=d["findings"], photo=d.get("photo"))
    return 201, v


@router.get("/campaigns/{id}/visits", response=list[VisitOut])
@paginate(Pages, page_size=50)
def visit_list(request: HttpRequest, id: Id) -> Any:
    campaign = _campaign(request, id)
    return policy.visible_visits(request.user).filter(liaison__campaign=campaign)


# --- 曝光台 -------------------------------------------------------------------------------------------------


@router.get("/campaigns/{id}/exposures", response=list[ExposureOut])
def exposure_list(request: HttpRequest, id: Id) -> Any:
    campaign = _campaign(request, id)
    access.require(request, policy.can_propose_exposure(request.user, campaign), action="campaign_exposures",
                   obj=campaign)
    return [exposure_out(e) for e in Exposure.objects.filter(campaign=campaign).select_related("unit")[:200]]


@router.post("/campaigns/{id}/exposures", response={201: ExposureOut})
def exposure_propose(request: HttpRequest, id: Id, payload: ExposureIn) -> Any:
    campaign = _campaign(request, id)
    access.require(request, policy.can_propose_exposure(request.user, campaign), action="campaign_exposures",
                   obj=campaign)
    units = access.visible_units(request.user).filter(path__startswith=campaign.unit_path)
    d = _valid(ExposureForm({"kind": payload.kind, "title": payload.title, "text": payload.text,
                             "unit": payload.unit_id or "", "problem": payload.problem_id or "",
                             "photo_mode": payload.photo_mode}, units=units))
    e = services.exposure_propose(actor=request.user, campaign=campaign, kind=d["kind"], title=d["title"],
                                  text=d["text"], photo_mode=d["photo_mode"], unit=d.get("unit"),
                                  problem_id=d.get("problem"))
    return 201, exposure_out(e)


@router.get("/exposures/{id}", response=ExposureOut)
def exposure_detail(request: HttpRequest, id: Id) -> Any:
    return exposure_out(_exposure(request, id))


EXPOSURE.add_api_steps(router, "/exposures", _exposure, tags=["campaigns"])


@router.get("/exposure", response=list[ExposureOut], auth=None)
@paginate(Pages, page_size=20)
def exposure_public(request: HttpRequest) -> Any:
    """The public 曝光台 (no sign-in): published entries only."""
    return [exposure_out(e) for e in Exposure.objects.filter(status="published").select_related("unit")[:500]]
