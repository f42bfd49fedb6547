"""Orders API (/api/orders/): every step of the loop, the same access rules and messages as the pages.

Errors: 400 bad input, 403 not allowed or out of scope, 404 unknown order, 409 a move that does not fit the
state (e.g. "already taken"). Every list is paginated (?page=N, 20 a page).
"""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from typing import Any

from django.core.exceptions import ValidationError
from django.http import HttpRequest
from django.shortcuts import get_object_or_404
from django.utils.translation import gettext as _
from ninja import Field, Query, Router, Schema, Status
from ninja.errors import HttpError
from ninja.pagination import paginate

from civicloop import access
from civicloop.core.choices import Platform
from civicloop.core.pagination import Pages
from civicloop.core.schemas import MAX_ID, Id, ReasonIn
from civicloop.network.models import Unit
from civicloop.orders import attendance, selectors, services
from civicloop.orders import policies as policy
from civicloop.orders.models import Order, Whistle

router = Router(tags=["orders"])
PAGE = 20


# --- output ------------------------------------------------------------------------------------------------


class OrderFields(Schema):
    number: str
    title: str
    category: str
    category_label: str
    subcategory: str
    status: str
    status_label: str
    channel: str
    unit_id: int
    unit: str
    team_id: int | None
    team: str | None
    requester: str
    escalation_level: int
    due: dt.datetime | None
    due_colour: str
    wanted_from: dt.datetime | None
    wanted_to: dt.datetime | None
    created_at: dt.datetime


class OrderOut(OrderFields):
    @staticmethod
    def resolve_category_label(obj: Order) -> str:
        return str(obj.get_category_display())

    @staticmethod
    def resolve_status_label(obj: Order) -> str:
        return str(obj.get_status_display())

    @staticmethod
    def resolve_unit(obj: Order) -> str:
        return obj.unit.name

    @staticmethod
    def resolve_team(obj: Order) -> str | None:
        return obj.team.name if obj.team_id else None

    @staticmethod
    def resolve_requester(obj: Order) -> str:
        return obj.requester.masked_name  # lists always mask; the detail shows more to those who may

    @staticmethod
    def resolve_due(obj: Order) -> dt.datetime | None:
        return selectors.current_due(obj)

    @staticmethod
    def resolve_due_colour(obj: Order) -> str:
        return selectors.due_colour(obj)


class EventOut(Schema):
    action: str
    from_status: str
    to_status: str
    actor: str | None
    note: str
    automatic: bool
    created_at: dt.datetime


class RatingOut(Schema):
    score: int
    tags: list[str]
    comment: str
    automatic: bool


class ReportOut(Schema):
    summary: str
    people_served: int
    served_on: dt.date
    hours: dict[str, Decimal]


class SessionOut(Schema):
    session: int
    checked_in_at: dt.datetime
    checked_out_at: dt.datetime | None


class AttendanceOut(Schema):
    """One volunteer's check-ins on the order (every session) and the hours a report would pre-fill."""

    volunteer_id: int
    name: str
    sessions: list[SessionOut]
    attended_hours: Decimal
    suggested_hours: Decimal = Field(..., description="attended time to the half hour (the report form's default)")
    max_hours: Decimal = Field(..., description="the most a report may credit: attended time plus the tolerance")


class OrderDetailOut(OrderFields):
    description: str
    beneficiaries: int
    focus_group: str
    address: str
    requester_phone: str
    lat: float | None
    lng: float | None
    allowed_actions: list[str]
    timeline: list[EventOut]
    rating: RatingOut | None
    report: ReportOut | None
    attendance: list[AttendanceOut]
    merged_into: str | None


class WhistleOut(Schema):
    id: int
    order: str
    order_title: str
    reason: str
    automatic: bool
    from_unit: str
    to_unit: str
    departments: list[str]
    note: str
    answer: str
    answered_at: dt.datetime | None
    created_at: dt.datetime

    @staticmethod
    def resolve_order(obj: Whistle) -> str:
        return obj.order.number

    @staticmethod
    def resolve_order_title(obj: Whistle) -> str:
        return obj.order.title

    @staticmethod
    def resolve_from_unit(obj: Whistle) -> str:
        return obj.from_unit.name

    @staticmethod
    def resolve_to_unit(obj: Whistle) -> str:
        return obj.to_unit.name

    @staticmethod
    def resolve_departments(obj: Whistle) -> list[str]:
        return [d.name for d in obj.departments.all()]


def _detail(user: Any, order: Order, *, step: bool = False) -> dict[str, Any]:
    """The order as this user may see it. Contact details (full mobile, exact address, position) only for
    `can_see_order_contact`; a step's answer (`step=True`) leaves them out for the serving side, which reads
    them from GET /api/orders/{number} when it needs them."""
    full = policy.can_see_order_details(user, order)
    contact = full and policy.can_see_order_contact(user, order)
    if step and contact and not (policy.is_order_staff(user, order) or policy.is_requester(user, order)):
        contact = False
    report = getattr(order, "report", None) if hasattr(order, "report") else None
    rating = getattr(order, "rating", None) if hasattr(order, "rating") else None
    return {
        "number": order.number,
        "title": order.title,
        "category": order.category,
        "category_label": str(order.get_category_display()),
        "subcategory": order.subcategory,
        "status": order.status,
        "status_label": str(order.get_status_display()),
        "channel": order.channel,
        "unit_id": order.unit_id,
        "unit": order.unit.name,
        "team_id": order.team_id,
        "team": order.team.name if order.team_id else None,
        "requester": order.requester.name if full else order.requester.masked_name,
        "escalation_level": order.escalation_level,
        "due": selectors.current_due(order),
        "due_colour": selectors.due_colour(order),
        "wanted_from": order.wanted_from,
        "wanted_to": order.wanted_to,
        "created_at": order.created_at,
        "description": order.description,
        "beneficiaries": order.beneficiaries,
        "focus_group": order.focus_group if full else "",
        "address": order.address if contact else order.masked_address,
        "requester_phone": order.requester.phone if contact else order.requester.masked_phone,
        "lat": order.lat if contact else None,
        "lng": order.lng if contact else None,
        "allowed_actions": sorted(policy.allowed_actions(user, order)),
        "timeline": [
            {
                "action": e.action,
                "from_status": e.from_status,
                "to_status": e.to_status,
                "actor": e.actor.display_name if e.actor_id else None,
                "note": e.note,
                "automatic": e.automatic,
                "created_at": e.created_at,
            }
            for e in selectors.order_timeline(order)
        ],
        "rating": (
            {
                "score": rating.score,
                "tags": rating.tags,
                "comment": rating.comment,
                "automatic": rating.automatic,
            }
            if rating is not None
            else None
        ),
        "report": (
            {
                "summary": report.summary,
                "people_served": report.people_served,
                "served_on": report.served_on,
                "hours": {r.volunteer.number: r.hours for r in report.hours.select_related("volunteer")},
            }
            if report is not None
            else None
        ),
        "attendance": (
            [
                {
                    "volunteer_id": a.volunteer_id,
                    "name": a.name,
                    "sessions": [
                        {"session": n, "checked_in_at": t_in, "checked_out_at": t_out} for n, t_in, t_out in a.sessions
                    ],
                    "attended_hours": a.hours,
                    "suggested_hours": a.suggested,
                    "max_hours": a.limit,
                }
                for a in attendance.attendance_of(order).values()
            ]
            if full and order.team_id and not step
            else []
        ),
        "merged_into": order.merged_into.number if order.merged_into_id else None,
    }


def _order(request: HttpRequest, number: str, action: str = "view") -> Order:
    """The order if this user may see it: 404 unknown, 403 (audited) out of scope."""
    order = selectors.order_detail(number)
    if order is None:
        raise HttpError(404, _("This order does not exist."))
    if not policy.can_view_order(request.user, order):
        raise access.deny(request, action=f"orders.{action}", obj=order)
    return order


# --- lists -------------------------------------------------------------------------------------------------


@router.get("/", response=list[OrderOut])
@paginate(Pages, page_size=PAGE)
def order_list(
    request: HttpRequest, status: str | None = None, category: str | None = None, q: str | None = None
) -> Any:
    """Orders this user may see (staff scope, own orders, held orders, assignments, hall), newest first."""
    qs = selectors.visible_order_list(request.user, status=status, category=category)
    if q:
        qs = qs.filter(number__icontains=q.strip()) | qs.filter(title__icontains=q.strip())
    return qs


@router.get("/queue", response=list[OrderOut])
@paginate(Pages, page_size=PAGE)
def order_queue(
    request: HttpRequest,
    status: str | None = None,
    category: str | None = None,
    q: str | None = None,
    overdue: bool | None = None,
) -> Any:
    """The staff queue: orders in the user's units, escalated first; empty for non-staff."""
    return selectors.staff_queue(request.user, status=status, category=category, q=q, overdue=overdue)


@router.get("/hall", response=list[OrderOut])
@paginate(Pages, page_size=PAGE)
def order_hall(
    request: HttpRequest,
    team: int | None = Query(None, ge=1, le=MAX_ID),
    category: str | None = None,
    unit: int | None = Query(None, ge=1, le=MAX_ID),
) -> Any:
    """Open orders the user's team(s) may claim (address and requester masked)."""
    team_obj = None
    if team is not None:
        team_obj = policy.team_leader_teams(request.user).filter(pk=team).first()
        if team_obj is None:
            raise access.deny(request, action="orders.hall")
    unit_obj = Unit.objects.filter(pk=unit).first() if unit else None
    return selectors.hall(request.user, team_obj, category=category, unit=unit_obj)


@router.get("/tasks", response=list[OrderOut])
@paginate(Pages, page_size=PAGE)
def order_tasks(request: HttpRequest) -> Any:
    """Orders held by the teams the user leads and orders the user is assigned to."""
    teams = list(policy.team_leader_teams(request.user))
    volunteer = access.volunteer_of(request.user)
    qs = Order.objects.none()
    for team in teams:
        qs = qs | selectors.team_tasks(team)
    if volunteer is not None:
        qs = qs | selectors.volunteer_tasks(volunteer)
    return qs.distinct().select_related(*selectors.LIST_RELATED).order_by("-created_at")


@router.get("/follow-up", response=list[OrderOut])
@paginate(Pages, page_size=PAGE)
def order_follow_up(request: HttpRequest) -> Any:
    return selectors.follow_up_orders(request.user)


@router.get("/whistles", response=list[WhistleOut])
@paginate(Pages, page_size=PAGE)
def whistle_list(request: HttpRequest) -> Any:
    return selectors.whistle_queue(request.user)


class WhistleAnswerIn(Schema):  # not "AnswerIn": the needs survey has one, and OpenAPI names must be unique
    answer: str


@router.post("/whistles/{whistle_id}/answer", response=WhistleOut)
def whistle_answer(request: HttpRequest, whistle_id: int, payload: WhistleAnswerIn) -> Any:
    whistle = get_object_or_404(Whistle.objects.select_related("order"), pk=whistle_id)
    if not policy.can_answer_whistle(request.user, whistle):
        raise access.deny(request, action="orders.whistle_answer", obj=whistle)
    return services.whistle_answer(actor=request.user, whistle=whistle, answer=payload.answer)


# --- 点单 ----------------------------------------------------------------------------------------------------


class SubmitIn(Schema):
    category: str
    title: str
    description: str = ""
    subcategory: str = ""
    channel: str = "online"
    resident_id: Id | None = Field(None, description="staff entering an order for a resident (代点单)")
    beneficiaries: int = 1
    focus_group: str = ""
    address: str = ""
    lat: float | None = None
    lng: float | None = None
    wanted_from: dt.datetime | None = None
    wanted_to: dt.datetime | None = None


@router.post("/", response={201: OrderDetailOut})
def order_submit(request: HttpRequest, payload: SubmitIn) -> Any:
    data = payload.dict()
    resident_id = data.pop("resident_id")
    if resident_id is None:
        resident = access.resident_of(request.user)
        if resident is None:
            raise ValidationError(_("Choose the resident this order is for."))
    else:
        resident = access.visible_residents(request.user).filter(pk=resident_id).first()
        if resident is None:
            raise access.deny(request, action="orders.submit")
    order = services.order_submit(actor=request.user, resident=resident, **data)
    return Status(201, _detail(request.user, selectors.order_detail(order.number)))


@router.get("/similar", response=list[OrderOut])
@paginate(Pages, page_size=PAGE)
def order_similar(request: HttpRequest, category: str, title: str) -> Any:
    """Open orders like the one about to be submitted (the hint on the order form)."""
    resident = access.resident_of(request.user)
    if resident is None or category not in Platform.values:
        return Order.objects.none()
    return selectors.similar_open_orders(resident, category, title)


# --- one order ---------------------------------------------------------------------------------------------


@router.get("/{number}", response=OrderDetailOut)
def order_detail(request: HttpRequest, number: str) -> Any:
    """The order, its timeline and the actions this user may take now."""
    return _detail(request.user, _order(request, number))


class NoteIn(Schema):
    note: str = ""


class OptionalReasonIn(Schema):
    reason: str = ""


class DispatchIn(Schema):
    team_id: Id
    note: str = ""


class RerouteIn(Schema):
    unit_id: Id
    reason: str


class MergeIn(Schema):
    into: str = Field(..., description="number of the order to merge into")
    note: str = ""


class ClaimIn(Schema):
    team_id: Id | None = Field(None, description="the team claiming; optional when the user leads one team")


class AssignIn(Schema):
    volunteer_ids: list[Id]


class CheckInIn(Schema):
    lat: float | None = None
    lng: float | None = None


class ReportIn(Schema):
    summary: str
    people_served: int
    hours: dict[Id, Decimal] = Field(..., description="volunteer id → hours")


class RateIn(Schema):
    score: int
    tags: list[str] = []
    comment: str = ""


class WhistleIn(Schema):
    department_ids: list[Id]
    note: str


def _done(request: HttpRequest, order: Order) -> dict[str, Any]:
    # The service left `order` up to date (the engine sets the fields it moved): no second read of the order.
    return _detail(request.user, order, step=True)


@router.post("/{number}/publish", response=OrderDetailOut)
def order_publish(request: HttpRequest, number: str) -> Any:
    order = _order(request, number, "publish")
    return _done(request, services.order_publish(actor=request.user, order=order))


@router.post("/{number}/withdraw", response=OrderDetailOut)
def order_withdraw(request: HttpRequest, number: str) -> Any:
    order = _order(request, number, "withdraw")
    return _done(request, services.order_withdraw(actor=request.user, order=order))


@router.post("/{number}/dispatch", response=OrderDetailOut)
def order_dispatch(request: HttpRequest, number: str, payload: DispatchIn) -> Any:
    from civicloop.people.models import Team

    order = _order(request, number, "dispatch")
    team = Team.objects.filter(pk=payload.team_id).first()
    if team is None:
        raise ValidationError(_("Choose an active team with a leader."))
    return _done(
        request, services.order_dispatch(actor=request.user, order=order, team=team, note=payload.note)
    )


@router.post("/{number}/reroute", response=OrderDetailOut)
def order_reroute(request: HttpRequest, number: str, payload: RerouteIn) -> Any:
    order = _order(request, number, "reroute")
    unit = Unit.objects.filter(pk=payload.unit_id).first()
    if unit is None:
        raise ValidationError(_("Choose an active practice unit."))
    return _done(
        request, services.order_reroute(actor=request.user, order=order, unit=unit, reason=payload.reason)
    )


@router.post("/{number}/merge", response=OrderDetailOut)
def order_merge(request: HttpRequest, number: str, payload: MergeIn) -> Any:
    order = _order(request, number, "merge")
    into = selectors.order_detail(payload.into)
    if into is None:
        raise ValidationError(_("Choose another order to merge into."))
    return _done(request, services.order_merge(actor=request.user, order=order, into=into, note=payload.note))


@router.post("/{number}/reject", response=OrderDetailOut)
def order_reject(request: HttpRequest, number: str, payload: ReasonIn) -> Any:
    order = _order(request, number, "reject")
    return _done(request, services.order_reject(actor=request.user, order=order, reason=payload.reason))


@router.post("/{number}/claim", response=OrderDetailOut)
def order_claim(request: HttpRequest, number: str, payload: ClaimIn) -> Any:
    order = selectors.order_detail(number)
    if order is None:
        raise HttpError(404, _("This order does not exist."))
    # A leader whose team serves the order may try even after another team took it: that answers 409.
    if not (policy.may(request.user, "claim", order) or policy.can_view_order(request.user, order)):
        raise access.deny(request, action="orders.claim", obj=order)
    if payload.team_id is not None:  # the service reads that team and refuses one the user does not lead
        return _done(request, services.order_claim(actor=request.user, order=order, team=payload.team_id))
    teams = list(policy.team_leader_teams(request.user))
    teams = [t for t in teams if policy.team_serves(t, order)] or teams
    if not teams:
        raise access.deny(request, action="orders.claim", obj=order)
    return _done(request, services.order_claim(actor=request.user, order=order, team=teams[0]))


@router.post("/{number}/accept", response=OrderDetailOut)
def order_accept(request: HttpRequest, number: str) -> Any:
    order = _order(request, number, "accept")
    return _done(request, services.order_accept(actor=request.user, order=order))


@router.post("/{number}/decline", response=OrderDetailOut)
def order_decline(request: HttpRequest, number: str, payload: ReasonIn) -> Any:
    order = _order(request, number, "decline")
    services.order_decline(actor=request.user, order=order, reason=payload.reason)
    return _detail(request.user, order)


@router.post("/{number}/release", response=OrderDetailOut)
def order_release(request: HttpRequest, number: str, payload: ReasonIn) -> Any:
    order = _order(request, number, "release")
    services.order_release(actor=request.user, order=order, reason=payload.reason)
    return _detail(request.user, order)


@router.post("/{number}/assign", response=OrderDetailOut)
def order_assign(request: HttpRequest, number: str, payload: AssignIn) -> Any:
    from civicloop.people.models import Volunteer

    order = _order(request, number, "assign")
    found = {v.pk: v for v in Volunteer.objects.select_related("user").filter(pk__in=payload.volunteer_ids)}
    if len(found) != len(set(payload.volunteer_ids)):
        raise ValidationError(_("Only active members of the team can be assigned."))
    volunteers = [found[pk] for pk in dict.fromkeys(payload.volunteer_ids)]
    return _done(request, services.order_assign(actor=request.user, order=order, volunteers=volunteers))


@router.post("/{number}/check-in", response=OrderDetailOut)
def order_check_in(request: HttpRequest, number: str, payload: CheckInIn) -> Any:
    order = _order(request, number, "check_in")
    return _done(
        request, services.order_check_in(actor=request.user, order=order, lat=payload.lat, lng=payload.lng)
    )


@router.post("/{number}/check-out", response=OrderDetailOut)
def order_check_out(request: HttpRequest, number: str) -> Any:
    order = _order(request, number, "check_out")
    return _done(request, services.order_check_out(actor=request.user, order=order))


@router.post("/{number}/report", response=OrderDetailOut)
def order_report(request: HttpRequest, number: str, payload: ReportIn) -> Any:
    order = _order(request, number, "report")
    services.order_report(
        actor=request.user,
        order=order,
        summary=payload.summary,
        people_served=payload.people_served,
        hours=payload.hours,
    )
    return _done(request, order)


@router.post("/{number}/rate", response=OrderDetailOut)
def order_rate(request: HttpRequest, number: str, payload: RateIn) -> Any:
    order = _order(request, number, "rate")
    services.order_rate(
        actor=request.user, order=order, score=payload.score, tags=payload.tags, comment=payload.comment
    )
    return _done(request, order)


@router.post("/{number}/return", response=OrderDetailOut)
def order_return(request: HttpRequest, number: str, payload: ReasonIn) -> Any:
    order = _order(request, number, "return")
    return _done(request, services.order_return(actor=request.user, order=order, reason=payload.reason))


@router.post("/{number}/verify", response=OrderDetailOut)
def order_verify(request: HttpRequest, number: str, payload: NoteIn) -> Any:
    order = _order(request, number, "verify")
    return _done(request, services.order_verify(actor=request.user, order=order, note=payload.note))


@router.post("/{number}/cancel", response=OrderDetailOut)
def order_cancel(request: HttpRequest, number: str, payload: OptionalReasonIn) -> Any:
    order = _order(request, number, "cancel")
    return _done(request, services.order_cancel(actor=request.user, order=order, reason=payload.reason))


@router.post("/{number}/whistle", response={201: WhistleOut})
def order_whistle(request: HttpRequest, number: str, payload: WhistleIn) -> Any:
    order = _order(request, number, "whistle")
    departments = list(Unit.objects.filter(pk__in=payload.department_ids))
    if len(departments) != len(set(payload.department_ids)):
        raise ValidationError(_("Name at least one department to respond."))
    whistle = services.order_whistle(
        actor=request.user, order=order, departments=departments, note=payload.note
    )
    return Status(201, whistle)


# Unit settings (deadlines, auto-dispatch, whistle departments, auto-rating delay).
from civicloop.orders import settings_api  # noqa: E402

settings_api.register(router)
settings_api.register_whistles(router)
