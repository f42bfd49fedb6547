"""Hours, service records, points and the points shop: volunteer pages (phone first) and staff pages."""

from __future__ import annotations

import contextlib
import datetime as dt

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_POST

from civicloop import access
from civicloop.audit.services import audit_record
from civicloop.core.exceptions import Conflict
from civicloop.core.forms import parse_id
from civicloop.core.masking import mask_name
from civicloop.network.models import Unit
from civicloop.people.models import Volunteer
from civicloop.records import hooks, selectors, services
from civicloop.records import policies as policy
from civicloop.records.models import MakeupClaim, Redemption, ServiceRecord, ServiceRecordDocument, ShopItem


def _error(request: HttpRequest, exc: Exception) -> None:
    messages.error(request, exc.message if isinstance(exc, Conflict) else "; ".join(exc.messages))  # type: ignore[attr-defined]


def _my_volunteer(request: HttpRequest, action: str) -> Volunteer:
    volunteer = access.volunteer_of(request.user)
    access.require(request, volunteer is not None, action=action)
    return volunteer  # type: ignore[return-value]


def _hours_context(volunteer: Volunteer, page_number: str | None) -> dict:
    total = selectors.total_hours(volunteer)
    rows = ServiceRecord.objects.filter(volunteer=volunteer).order_by("-served_on", "-id")
    return {
        "volunteer": volunteer,
        "total": total,
        "stars": selectors.stars_for(total),
        "star_range": range(selectors.stars_for(total)),
        "next_star": selectors.next_star(total),
        "by_month": selectors.hours_by_month(volunteer),
        "by_category": selectors.hours_by_category(volunteer),
        "page": Paginator(rows, 20).get_page(page_number),
        "points": selectors.points_balance(volunteer),
    }


@login_required
def my_hours(request: HttpRequest) -> HttpResponse:
    volunteer = _my_volunteer(request, "my_hours")
    ctx = _hours_context(volunteer, request.GET.get("page"))
    ctx["documents"] = ServiceRecordDocument.objects.filter(volunteer=volunteer)[:10]
    return render(request, "records/my_hours.html", ctx)


@login_required
def volunteer_hours(request: HttpRequest, pk: int) -> HttpResponse:
    volunteer = get_object_or_404(Volunteer.objects.select_related("user", "home_unit"), pk=pk)
    access.require(
        request, policy.can_view_hours(request.user, volunteer), action="volunteer_hours", obj=volunteer
    )
    ctx = _hours_context(volunteer, request.GET.get("page"))
    ctx["can_reverse"] = access.is_staff(request.user)
    return render(request, "records/volunteer_hours.html", ctx)


@require_POST
@login_required
def record_reverse(request: HttpRequest, pk: int) -> HttpResponse:
    record = get_object_or_404(ServiceRecord, pk=pk)
    access.require(
        request, access.path_in_scope(request.user, record.unit_path), action="record_reverse", obj=record
    )
    try:
        services.record_reverse(record=record, reason=request.POST.get("reason", ""), created_by=request.user)
        messages.success(request, _("The record has been reversed."))
    except ValidationError as exc:
        _error(request, exc)
    return redirect("records:volunteer_hours", pk=record.volunteer_id)


@require_POST
@login_required
def document_issue(request: HttpRequest) -> HttpResponse:
    volunteer = _my_volunteer(request, "record_document_issue")
    try:
        doc = services.document_issue(volunteer=volunteer, actor=request.user)
    except ValidationError as exc:
        _error(request, exc)
        return redirect("records:my_hours")
    messages.success(request, _("Your service record %(number)s is ready.") % {"number": doc.number})
    return redirect("records:my_hours")


@login_required
def document_download(request: HttpRequest, number: str) -> HttpResponse:
    from civicloop.records import pdf  # reportlab and segno: loaded by the first PDF only

    doc = get_object_or_404(
        ServiceRecordDocument.objects.select_related("volunteer__user", "issuing_unit"), number=number
    )
    access.require(
        request, policy.can_download_document(request.user, doc), action="record_document_download", obj=doc
    )
    url = request.build_absolute_uri(reverse("records:verify", args=[doc.number]))
    response = HttpResponse(pdf.render(doc, url), content_type="application/pdf")
    response["Content-Disposition"] = f'attachment; filename="service-record-{doc.number}.pdf"'
    return response


def verify(request: HttpRequest, number: str) -> HttpResponse:
    """Public: is this record number genuine? Shows no more than the PDF does (the name masked)."""
    doc = (
        ServiceRecordDocument.objects.select_related("volunteer__user", "issuing_unit")
        .filter(number=number[:32])
        .first()
    )
    ctx = {"number": number[:32], "doc": doc}
    if doc is not None:
        ctx["masked_name"] = mask_name(doc.volunteer.user.display_name)
    return render(request, "records/verify.html", ctx, status=200 if doc else 404)


# --- make-up hours ---------------------------------------------------------------------------------------


@login_required
def makeup_new(request: HttpRequest) -> HttpResponse:
    volunteer = _my_volunteer(request, "makeup_declare")
    since = timezone.now() - dt.timedelta(days=90)
    activities = hooks.attended_activities(volunteer, ended_since=since)
    if request.method == "POST":
        chosen = _int(request.POST.get("activity"))
        activity = hooks.approved_activity(volunteer, chosen)
        try:
            if activity is None:
                raise ValidationError(_("Choose an activity you signed up for."))
            services.makeup_declare(
                volunteer=volunteer,
                activity=activity,
                hours=request.POST.get("hours", ""),
                note=request.POST.get("note", ""),
            )
        except ValidationError as exc:
            _error(request, exc)
        else:
            messages.success(request, _("Your make-up hours are sent for approval."))
            return redirect("records:my_hours")
    claims = MakeupClaim.objects.filter(volunteer=volunteer).select_related("activity")[:20]
    return render(request, "records/makeup_new.html", {"activities": activities, "claims": claims})


@login_required
def makeup_list(request: HttpRequest) -> HttpResponse:
    access.require(
        request, access.is_staff(request.user) or access.is_leader(request.user), action="makeup_list"
    )
    qs = policy.visible_makeup_claims(request.user).select_related("activity", "volunteer__user")
    status = request.GET.get("status", "pending")
    if status in MakeupClaim.Status.values:
        qs = qs.filter(status=status)
    page = Paginator(qs, 25).get_page(request.GET.get("page"))
    return render(
        request,
        "records/makeup_list.html",
        {"page": page, "status": status, "statuses": MakeupClaim.Status.choices},
    )


@require_POST
@login_required
def makeup_decide(request: HttpRequest, pk: int) -> HttpResponse:
    claim = get_object_or_404(MakeupClaim.objects.select_related("activity__team", "volunteer"), pk=pk)
    access.require(request, policy.can_decide_makeup(request.user, claim), action="makeup_decide", obj=claim)
    try:
        services.makeup_decide(claim=claim, approve=request.POST.get("approve") == "1", actor=request.user)
        messages.success(request, _("Decision saved."))
    except (ValidationError, Conflict) as exc:
        _error(request, exc)
    return redirect("records:makeup_list")


# --- points and the shop ---------------------------------------------------------------------------------


@login_required
def my_points(request: HttpRequest) -> HttpResponse:
    volunteer = _my_volunteer(request, "my_points")
    entries = Paginator(selectors.points_entries(volunteer), 20).get_page(request.GET.get("page"))
    balance = selectors.points_balance(volunteer)
    items = list(policy.shop_items_for(volunteer).select_related("unit")[:60])
    return render(
        request,
        "records/my_points.html",
        {
            "balance": balance,
            "page": entries,
            "offers": [(item, _why_not(item, balance)) for item in items],
            "redemptions": Redemption.objects.filter(volunteer=volunteer).select_related("item")[:10],
            "rate": services.points_per_hour(),
        },
    )


def _why_not(item: ShopItem, balance: int) -> str:
    """Why one item cannot be redeemed now ("" when it can), shown beside its disabled button."""
    if not item.stock:
        return _("Out of stock")
    if item.price > balance:
        return _("Not enough points: %(n)s more needed") % {"n": item.price - balance}
    return ""


@require_http_methods(["GET", "POST"])
@login_required
def redeem(request: HttpRequest, pk: int) -> HttpResponse:
    """GET asks to confirm (what it costs, what is left after); only the confirmation's POST redeems."""
    item = get_object_or_404(ShopItem.objects.select_related("unit"), pk=pk)
    access.require(request, policy.can_redeem(request.user, item), action="redeem", obj=item)
    volunteer = access.volunteer_of(request.user)
    if request.method == "GET":
        balance = selectors.points_balance(volunteer)
        return render(
            request,
            "records/redeem_confirm.html",
            {"item": item, "balance": balance, "after": balance - item.price, "why_not": _why_not(item, balance)},
        )
    try:
        services.redemption_create(volunteer=volunteer, item=item, quantity=request.POST.get("quantity", 1))
        messages.success(request, _("Redeemed. Collect it at %(unit)s.") % {"unit": item.unit.name})
    except ValidationError as exc:
        _error(request, exc)
    return redirect("records:my_points")


@login_required
def shop_manage(request: HttpRequest) -> HttpResponse:
    access.require(request, access.is_staff(request.user), action="shop_manage")
    items = Paginator(policy.managed_shop_items(request.user).select_related("unit"), 30).get_page(
        request.GET.get("page")
    )
    pending = (
        policy.visible_redemptions(request.user)
        .filter(status=Redemption.Status.PENDING)
        .select_related("item", "volunteer__user")[:50]
    )
    units = (
        access.visible_units(request.user)
        .filter(is_active=True, kind=Unit.Kind.PRACTICE)
        .order_by("path")[:200]
    )
    return render(request, "records/shop_manage.html", {"page": items, "pending": pending, "units": units})


@require_POST
@login_required
def shop_item_create(request: HttpRequest) -> HttpResponse:
    unit_id = _int(request.POST.get("unit"))
    unit = Unit.objects.filter(pk=unit_id).first() if unit_id else None
    access.require(
        request, unit is not None and policy.can_manage_shop(request.user, unit), action="shop_item_create"
    )
    try:
        services.shop_item_create(
            unit=unit,
            name=request.POST.get("name", ""),
            price=_int(request.POST.get("price")),
            stock=_int(request.POST.get("stock")),
            description=request.POST.get("description", "")[:200],
            actor=request.user,
        )
        messages.success(request, _("Item added to the shop."))
    except ValidationError as exc:
        _error(request, exc)
    return redirect("records:shop_manage")


def _int(raw: str | None) -> int | None:
    """A whole number typed into a form, or None (never an error: the service says what is wrong)."""
    try:
        return int((raw or "").strip())
    except ValueError:
        return None


@require_POST
@login_required
def shop_item_restock(request: HttpRequest, pk: int) -> HttpResponse:
    item = get_object_or_404(ShopItem, pk=pk)
    access.require(
        request, policy.can_manage_shop(request.user, item.unit), action="shop_item_restock", obj=item
    )
    try:
        services.shop_item_restock(item=item, add=_int(request.POST.get("add")), actor=request.user)
        messages.success(request, _("Stock updated."))
    except ValidationError as exc:
        _error(request, exc)
    return redirect("records:shop_manage")


@require_POST
@login_required
def hand_out(request: HttpRequest, pk: int) -> HttpResponse:
    redemption = get_object_or_404(Redemption, pk=pk)
    access.require(
        request, policy.can_hand_out(request.user, redemption), action="redemption_hand_out", obj=redemption
    )
    try:
        services.redemption_hand_out(redemption=redemption, actor=request.user)
        messages.success(request, _("Handed out and recorded."))
    except Conflict as exc:
        _error(request, exc)
    return redirect("records:shop_manage")


# --- rankings and exports --------------------------------------------------------------------------------


def _period(request: HttpRequest, qs):
    for key, lookup in (("from", "served_on__gte"), ("to", "served_on__lte")):
        with contextlib.suppress(ValueError):
            qs = qs.filter(**{lookup: dt.date.fromisoformat(request.GET.get(key, ""))})
    return qs


@login_required
def rankings(request: HttpRequest) -> HttpResponse:
    access.require(request, policy.can_view_rankings(request.user), action="rankings")
    qs = _period(request, policy.visible_records(request.user))
    unit = None
    if request.GET.get("unit"):
        unit_id = parse_id(request.GET["unit"])
        unit = access.visible_units(request.user).filter(pk=unit_id).first() if unit_id else None
        qs = qs.filter(unit_path__startswith=unit.path) if unit else qs.none()
    units = access.visible_units(request.user).filter(is_active=True).order_by("path")[:200]
    rows = selectors.ranking(qs)
    # Someone from another station may have served here: list them, but link only pages the viewer may open.
    openable = set(
        access.visible_volunteers(request.user)
        .filter(pk__in=[r["volunteer_id"] for r in rows])
        .values_list("pk", flat=True)
    )
    for r in rows:
        r["can_open"] = r["volunteer_id"] in openable
    return render(
        request,
        "records/rankings.html",
        {
            "rows": rows,
            "unit_rows": selectors.hours_grouped(qs, "unit")[:50],
            "units": units,
            "unit": unit,
        },
    )


def top(request: HttpRequest) -> HttpResponse:
    """Public honour list: the district's volunteers by hours this year, names masked."""
    year = timezone.localdate().year
    rows = selectors.ranking(ServiceRecord.objects.filter(served_on__year=year), limit=20)
    for r in rows:
        r["name"] = mask_name(r["name"])
    return render(request, "records/top.html", {"rows": rows, "year": year})


@login_required
def export(request: HttpRequest) -> HttpResponse:
    from civicloop.records import exports  # openpyxl: loaded by the first export only

    access.require(request, policy.can_export_hours(request.user), action="export")
    by = request.GET.get("by", "volunteer")
    if by not in exports.HEADERS:
        by = "volunteer"
    qs = _period(request, policy.visible_records(request.user))
    data = exports.hours_workbook(selectors.hours_grouped(qs, by), by)
    audit_record(action="export", request=request, object_type="records.hours", detail=f"hours by {by}")
    response = HttpResponse(
        data, content_type="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
    )
    response["Content-Disposition"] = (
        f'attachment; filename="hours-by-{by}-{timezone.localdate():%Y%m%d}.xlsx"'
    )
    return response


# --- one declaration, one page: a make-up declaration's and a redemption's timeline -----------------------


def _own(request: HttpRequest, volunteer_id: int) -> bool:
    volunteer = access.volunteer_of(request.user)
    return volunteer is not None and volunteer.pk == volunteer_id


@login_required
def makeup_detail(request: HttpRequest, pk: int) -> HttpResponse:
    """The declaration, its state and its timeline: to the volunteer who declared it and those who decide."""
    claim = get_object_or_404(MakeupClaim.objects.select_related("activity__unit", "volunteer__user"), pk=pk)
    visible = _own(request, claim.volunteer_id) or policy.visible_makeup_claims(request.user).filter(pk=pk).exists()
    access.require(request, visible, action="records.makeup.view", obj=claim)
    can_decide = claim.status == MakeupClaim.Status.PENDING and policy.can_decide_makeup(request.user, claim)
    return render(request, "records/makeup_detail.html", {"claim": claim, "can_decide": can_decide})


@login_required
def redemption_detail(request: HttpRequest, pk: int) -> HttpResponse:
    """The redemption, its state and its timeline: to the volunteer who redeemed and the shop's staff."""
    redemption = get_object_or_404(Redemption.objects.select_related("item__unit", "volunteer__user"), pk=pk)
    visible = _own(request, redemption.volunteer_id) or policy.can_hand_out(request.user, redemption)
    access.require(request, visible, action="records.redemption.view", obj=redemption)
    can_hand_out = redemption.status == Redemption.Status.PENDING and policy.can_hand_out(request.user, redemption)
    return render(
        request, "records/redemption_detail.html", {"redemption": redemption, "can_hand_out": can_hand_out}
    )
