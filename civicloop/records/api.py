"""Records API: my hours (with stars), the ledger, service-record documents, make-up hours, points and the shop
— the twins of the records pages, through the same services and policies."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from typing import Any

from django.core.exceptions import ValidationError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404
from django.urls import reverse
from django.utils.translation import gettext as _
from ninja import Router, Schema
from ninja.pagination import paginate
from ninja.responses import Status

from civicloop import access
from civicloop.core.masking import mask_name
from civicloop.core.pagination import LimitOffset
from civicloop.core.schemas import DecideIn, ErrorOut, Id, ReasonIn
from civicloop.network.models import Unit
from civicloop.records import hooks, selectors, services
from civicloop.records import policies as policy
from civicloop.records.models import MakeupClaim, Redemption, ServiceRecord, ServiceRecordDocument, ShopItem

router = Router(tags=["records"])


class MonthOut(Schema):
    month: dt.date
    hours: Decimal


class CategoryOut(Schema):
    category: str
    label: str
    hours: Decimal


class HoursOut(Schema):
    volunteer_number: str
    total_hours: Decimal
    stars: int
    by_month: list[MonthOut]
    by_category: list[CategoryOut]


class PointsEntryOut(Schema):
    kind: str
    points: int
    reason: str
    created_at: dt.datetime


class PointsOut(Schema):
    balance: int
    recent: list[PointsEntryOut]


def _volunteer(request: HttpRequest):
    volunteer = access.volunteer_of(request.user)
    access.require(request, volunteer is not None, action="my_hours")
    return volunteer


@router.get("/me/hours", response=HoursOut)
def my_hours(request: HttpRequest):
    volunteer = _volunteer(request)
    total = selectors.total_hours(volunteer)
    return {
        "volunteer_number": volunteer.number,
        "total_hours": total,
        "stars": selectors.stars_for(total),
        "by_month": selectors.hours_by_month(volunteer),
        "by_category": [{**c, "label": str(c["label"])} for c in selectors.hours_by_category(volunteer)],
    }


@router.get("/me/points", response=PointsOut)
def my_points(request: HttpRequest):
    volunteer = _volunteer(request)
    return {
        "balance": selectors.points_balance(volunteer),
        "recent": list(selectors.points_entries(volunteer)[:50]),
    }


ERRORS = {400: ErrorOut, 401: ErrorOut, 403: ErrorOut, 404: ErrorOut, 409: ErrorOut}


class RecordOut(Schema):
    id: int
    volunteer_id: int
    hours: Decimal
    source: str
    category: str
    served_on: dt.date
    description: str
    reverses_id: int | None = None
    reason: str


class DocumentOut(Schema):
    number: str
    hours: Decimal
    issued_at: dt.datetime
    issuing_unit_name: str
    pdf_url: str
    verify_url: str

    @staticmethod
    def resolve_issuing_unit_name(obj: ServiceRecordDocument) -> str:
        return obj.issuing_unit.name

    @staticmethod
    def resolve_pdf_url(obj: ServiceRecordDocument) -> str:
        return f"/api/records/documents/{obj.number}/pdf"

    @staticmethod
    def resolve_verify_url(obj: ServiceRecordDocument) -> str:
        return reverse("records:verify", args=[obj.number])


class RecordVerifyOut(Schema):
    number: str
    genuine: bool
    masked_name: str = ""
    hours: Decimal | None = None
    issued_at: dt.datetime | None = None
    issuing_unit_name: str = ""


class MakeupIn(Schema):
    activity: Id
    hours: str
    note: str


class MakeupOut(Schema):
    id: int
    volunteer_id: int
    activity_id: int
    hours: Decimal
    note: str
    status: str
    decided_at: dt.datetime | None = None


class ShopItemIn(Schema):
    unit: Id
    name: str
    price: int | None = None
    stock: int | None = None
    description: str = ""


class ShopItemOut(Schema):
    id: int
    unit_id: int
    name: str
    description: str
    price: int
    stock: int
    is_active: bool


class RestockIn(Schema):
    add: int | None = None


class RedeemIn(Schema):
    quantity: int = 1


class RedemptionOut(Schema):
    id: int
    item_id: int
    volunteer_id: int
    quantity: int
    points: int
    status: str
    handed_out_at: dt.datetime | None = None


# --- the ledger -------------------------------------------------------------------------------------------


@router.get("/me/ledger", response={200: list[RecordOut], **ERRORS}, summary="我的时长明细 · My hours ledger")
@paginate(LimitOffset)
def my_ledger(request: HttpRequest) -> Any:
    volunteer = _volunteer(request)
    return ServiceRecord.objects.filter(volunteer=volunteer).order_by("-served_on", "-id")


@router.get(
    "/volunteers/{volunteer_id}/ledger",
    response={200: list[RecordOut], **ERRORS},
    summary="志愿者时长明细 · A volunteer's ledger (staff)",
)
@paginate(LimitOffset)
def volunteer_ledger(request: HttpRequest, volunteer_id: int) -> Any:
    from civicloop.people.models import Volunteer

    volunteer = get_object_or_404(Volunteer, pk=volunteer_id)
    access.require(
        request, policy.can_view_hours(request.user, volunteer), action="volunteer_hours", obj=volunteer
    )
    return ServiceRecord.objects.filter(volunteer=volunteer).order_by("-served_on", "-id")


@router.post(
    "/rows/{pk}/reverse",
    response={201: RecordOut, **ERRORS},
    summary="冲销时长 · Reverse a ledger row, with a reason",
)
def record_reverse(request: HttpRequest, pk: Id, payload: ReasonIn) -> Any:
    record = get_object_or_404(ServiceRecord, pk=pk)
    access.require(
        request, access.path_in_scope(request.user, record.unit_path), action="record_reverse", obj=record
    )
    return Status(201, services.record_reverse(record=record, reason=payload.reason, created_by=request.user))


# --- service-record documents -----------------------------------------------------------------------------


@router.post(
    "/me/documents", response={201: DocumentOut, **ERRORS}, summary="开具服务记录 · Issue my service record"
)
def document_issue(request: HttpRequest) -> Any:
    volunteer = _volunteer(request)
    return Status(201, services.document_issue(volunteer=volunteer, actor=request.user))


@router.get("/me/documents", response={200: list[DocumentOut], **ERRORS}, summary="我的服务记录 · My records")
def my_documents(request: HttpRequest) -> Any:
    volunteer = _volunteer(request)
    return list(
        ServiceRecordDocument.objects.filter(volunteer=volunteer).select_related("issuing_unit").order_by("-pk")[:50]
    )


@router.get(
    "/documents/{number}/pdf", response={200: None, **ERRORS}, summary="下载 PDF · The record as PDF"
)
def document_pdf(request: HttpRequest, number: str) -> HttpResponse:
    doc = get_object_or_404(
        ServiceRecordDocument.objects.select_related("volunteer__user", "issuing_unit"), number=number[:32]
    )
    access.require(
        request, policy.can_download_document(request.user, doc), action="record_document_download", obj=doc
    )
    from civicloop.records import pdf  # reportlab and segno: loaded by the first PDF only

    url = request.build_absolute_uri(reverse("records:verify", args=[doc.number]))
    response = HttpResponse(pdf.render(doc, url), content_type="application/pdf")
    response["Content-Disposition"] = f'attachment; filename="service-record-{doc.number}.pdf"'
    return response


@router.get(
    "/verify/{number}", auth=None, response={200: RecordVerifyOut}, summary="验证服务记录 · Is this record genuine?"
)
def verify(request: HttpRequest, number: str) -> dict[str, Any]:
    """Public, as the verification page: the name masked, nothing the PDF does not show."""
    doc = (
        ServiceRecordDocument.objects.select_related("volunteer__user", "issuing_unit")
        .filter(number=number[:32])
        .first()
    )
    if doc is None:
        return {"number": number[:32], "genuine": False}
    return {
        "number": doc.number,
        "genuine": True,
        "masked_name": mask_name(doc.volunteer.user.display_name),
        "hours": doc.hours,
        "issued_at": doc.issued_at,
        "issuing_unit_name": doc.issuing_unit.name,
    }


# --- make-up hours ----------------------------------------------------------------------------------------


@router.post("/makeup", response={201: MakeupOut, **ERRORS}, summary="补录时长 · Declare make-up hours")
def makeup_declare(request: HttpRequest, payload: MakeupIn) -> Any:
    volunteer = _volunteer(request)
    # as on the page: an activity the volunteer was approved for (the service checks the hours and dates)
    activity = hooks.approved_activity(volunteer, payload.activity)
    if activity is None:
        raise ValidationError(_("Choose an activity you signed up for."))
    claim = services.makeup_declare(volunteer=volunteer, activity=activity, hours=payload.hours, note=payload.note)
    return Status(201, claim)


@router.get("/makeup", response={200: list[MakeupOut], **ERRORS}, summary="补录审核 · Make-up claims to decide")
@paginate(LimitOffset)
def makeup_list(request: HttpRequest, status: str = "pending") -> Any:
    access.require(
        request, access.is_staff(request.user) or access.is_leader(request.user), action="makeup_list"
    )
    qs = policy.visible_makeup_claims(request.user).order_by("-pk")
    return qs.filter(status=status) if status in MakeupClaim.Status.values else qs


@router.post(
    "/makeup/{pk}/decide", response={200: MakeupOut, **ERRORS}, summary="审核补录 · Approve or refuse"
)
def makeup_decide(request: HttpRequest, pk: Id, payload: DecideIn) -> Any:
    claim = get_object_or_404(MakeupClaim.objects.select_related("activity__team", "volunteer"), pk=pk)
    access.require(request, policy.can_decide_makeup(request.user, claim), action="makeup_decide", obj=claim)
    services.makeup_decide(claim=claim, approve=payload.approve, actor=request.user)
    claim.refresh_from_db()
    return claim


# --- points and the shop ----------------------------------------------------------------------------------


@router.get("/shop", response={200: list[ShopItemOut], **ERRORS}, summary="积分商城 · What I can redeem")
def shop(request: HttpRequest) -> Any:
    volunteer = _volunteer(request)
    return list(policy.shop_items_for(volunteer)[:60])


@router.post(
    "/shop/items/{pk}/redeem", response={201: RedemptionOut, **ERRORS}, summary="兑换 · Redeem an item"
)
def redeem(request: HttpRequest, pk: Id, payload: RedeemIn) -> Any:
    item = get_object_or_404(ShopItem, pk=pk)
    access.require(request, policy.can_redeem(request.user, item), action="redeem", obj=item)
    redemption = services.redemption_create(
        volunteer=access.volunteer_of(request.user), item=item, quantity=payload.quantity
    )
    return Status(201, redemption)


@router.get(
    "/shop/managed", response={200: list[ShopItemOut], **ERRORS}, summary="商城管理 · Items I manage (staff)"
)
@paginate(LimitOffset)
def shop_managed(request: HttpRequest) -> Any:
    access.require(request, access.is_staff(request.user), action="shop_manage")
    return policy.managed_shop_items(request.user).order_by("pk")


@router.post("/shop/items", response={201: ShopItemOut, **ERRORS}, summary="上架商品 · Add an item (staff)")
def shop_item_create(request: HttpRequest, payload: ShopItemIn) -> Any:
    unit = Unit.objects.filter(pk=payload.unit).first()
    access.require(
        request, unit is not None and policy.can_manage_shop(request.user, unit), action="shop_item_create"
    )
    item = services.shop_item_create(
        unit=unit,
        name=payload.name,
        price=payload.price,
        stock=payload.stock,
        description=payload.description[:200],
        actor=request.user,
    )
    return Status(201, item)


@router.post(
    "/shop/items/{pk}/restock", response={200: ShopItemOut, **ERRORS}, summary="补充库存 · Add stock (staff)"
)
def shop_item_restock(request: HttpRequest, pk: Id, payload: RestockIn) -> Any:
    item = get_object_or_404(ShopItem, pk=pk)
    access.require(
        request, policy.can_manage_shop(request.user, item.unit), action="shop_item_restock", obj=item
    )
    services.shop_item_restock(item=item, add=payload.add, actor=request.user)
    item.refresh_from_db()
    return item


@router.get(
    "/shop/redemptions",
    response={200: list[RedemptionOut], **ERRORS},
    summary="待发放 · Redemptions to hand out (staff)",
)
@paginate(LimitOffset)
def redemptions(request: HttpRequest, status: str = "pending") -> Any:
    access.require(request, access.is_staff(request.user), action="shop_manage")
    qs = policy.visible_redemptions(request.user).order_by("-pk")
    return qs.filter(status=status) if status in Redemption.Status.values else qs


@router.post(
    "/shop/redemptions/{pk}/hand-out",
    response={200: RedemptionOut, **ERRORS},
    summary="发放 · Hand out a redemption (staff)",
)
def hand_out(request: HttpRequest, pk: Id) -> Any:
    redemption = get_object_or_404(Redemption, pk=pk)
    access.require(
        request, policy.can_hand_out(request.user, redemption), action="redemption_hand_out", obj=redemption
    )
    services.redemption_hand_out(redemption=redemption, actor=request.user)
    redemption.refresh_from_db()
    return redemption
