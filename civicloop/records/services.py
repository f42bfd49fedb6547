"""Writes to the hours ledger, the points ledger, the points shop and issued service records.

Rules: ledger rows (ServiceRecord, PointsEntry) are never edited; a correction is a reversing row with a
reason. Every hour credited earns points at POINTS_PER_HOUR (rounded down to whole points), written in the
same transaction, so `check_points` can prove that balances reconcile with both ledgers.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import json
import secrets
from collections import Counter
from collections.abc import Sequence
from decimal import ROUND_DOWN, Decimal
from typing import Any

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import F
from django.utils import timezone
from django.utils.translation import gettext as _

from civicloop.audit.services import audit_record
from civicloop.core.counters import contribution_of, counters_add_row, counters_write
from civicloop.core.exceptions import Conflict
from civicloop.core.workflow import Actor
from civicloop.records.models import (
    MakeupClaim,
    PointsAccount,
    PointsEntry,
    Redemption,
    ServiceRecord,
    ServiceRecordDocument,
    ShopItem,
)
from civicloop.records.workflow import MAKEUP, REDEMPTION


def points_per_hour() -> Decimal:
    return Decimal(str(settings.CIVICLOOP.get("POINTS_PER_HOUR", 10)))


def points_for_hours(hours: Decimal) -> int:
    return int((Decimal(hours) * points_per_hour()).to_integral_value(rounding=ROUND_DOWN))


def _points_move(*, volunteer: Any, points: int, kind: str, actor: Actor = None, **links: Any) -> PointsEntry:
    # The balance follows the entry in the database (records migration 0007's trigger).
    return PointsEntry.objects.create(
        volunteer=volunteer, kind=kind, points=points, created_by=actor, **links
    )


@transaction.atomic
def record_credit(
    *,
    volunteer,
    hours: Decimal,
    source: str,
    source_id: int | None,
    unit,
    served_on: dt.date,
    category: str = "",
    description: str = "",
    created_by=None,
) -> ServiceRecord:
    """Credit verified hours (and the points they earn). Joins the caller's transaction when there is one."""
    return records_credit(
        credits=[(volunteer, hours)], source=source, source_id=source_id, unit=unit, served_on=served_on,
        category=category, description=description, created_by=created_by,
    )[0]


@transaction.atomic
def records_credit(
    *,
    credits: Sequence[tuple[Any, Decimal]],
    source: str,
    source_id: int | None,
    unit: Any,
    served_on: dt.date,
    category: str = "",
    description: str = "",
    created_by: Any = None,
) -> list[ServiceRecord]:
    """`record_credit` for several volunteers of one source at once (an order's report): the same rows, written
    by a fixed number of statements however many volunteers there are (records, points entries — their
    trigger moves the balances — and counters)."""
    amounts = [Decimal(hours) for _volunteer, hours in credits]
    if any(h <= 0 or h > 24 for h in amounts):
        raise ValidationError(_("Hours must be more than 0 and at most 24."))
    records = ServiceRecord.objects.bulk_create(
        [
            ServiceRecord(
                volunteer=volunteer, hours=hours, source=source, source_id=source_id, unit=unit,
                unit_path=unit.path, served_on=served_on, category=category, description=description[:200],
                created_by=created_by,
            )
            for (volunteer, _hours), hours in zip(credits, amounts, strict=True)
        ]
    )
    earned = [(r, points_for_hours(r.hours)) for r in records]
    PointsEntry.objects.bulk_create(
        [
            PointsEntry(volunteer_id=r.volunteer_id, kind=PointsEntry.Kind.EARNED, points=p, created_by=created_by,
                        record=r)
            for r, p in earned
            if p
        ]
    )
    total: Counter[Any] = Counter()
    for record in records:
        total.update(contribution_of("record", record))
    counters_write(total)
    return records


@transaction.atomic
def record_reverse(*, record: ServiceRecord, reason: str, created_by=None) -> ServiceRecord:
    """Cancel a ledger row by writing its negative (and taking back its points). A row is reversed at most once.

    The points taken back may leave the balance below zero when they were already spent; the shop then refuses
    redemptions until new hours cover it. Hours can never go below zero: a reversal cancels exactly one positive row.
    """
    if not reason.strip():
        raise ValidationError(_("Give a reason for the correction."))
    record = ServiceRecord.objects.select_for_update().get(pk=record.pk)
    if (
        record.source == ServiceRecord.Source.REVERSAL
        or ServiceRecord.objects.filter(reverses=record).exists()
    ):
        raise ValidationError(_("This record has already been reversed."))
    reversal = ServiceRecord.objects.create(
        volunteer=record.volunteer,
        hours=-record.hours,
        source=ServiceRecord.Source.REVERSAL,
        source_id=record.source_id,
        unit=record.unit,
        unit_path=record.unit_path,
        served_on=record.served_on,
        category=record.category,
        description=record.description,
        reverses=record,
        reason=reason.strip()[:200],
        created_by=created_by,
    )
    earned = PointsEntry.objects.filter(record=record).first()
    if earned is not None:
        _points_move(
            volunteer=record.volunteer,
            points=-earned.points,
            kind=PointsEntry.Kind.REVERSED,
            actor=created_by,
            record=reversal,
            reason=reason.strip()[:200],
        )
    counters_add_row("record", reversal)
    audit_record(action="record_reverse", actor=created_by, obj=reversal, detail=reason[:200])
    return reversal


def volunteer_total_hours(volunteer) -> Decimal:
    from civicloop.records.selectors import total_hours

    return total_hours(volunteer)


# --- make-up hours (补录) ----------------------------------------------------------------------------------


def _hours_value(raw: Any) -> Decimal:
    try:
        hours = Decimal(str(raw)).quantize(Decimal("0.01"))
    except Exception as exc:
        raise ValidationError(_("Enter the hours as a number, e.g. 2 or 1.5.")) from exc
    if not hours.is_finite():  # "nan" passes quantize, then fails every comparison
        raise ValidationError(_("Enter the hours as a number, e.g. 2 or 1.5."))
    if hours <= 0:
        raise ValidationError(_("Hours must be more than 0."))
    return hours


@transaction.atomic
def makeup_declare(*, volunteer: Any, activity: Any, hours: Any, note: str) -> MakeupClaim:
    """A volunteer declares make-up hours for an activity that has ended; never more than its length."""
    hours = _hours_value(hours)
    if activity.status not in ("published", "closed") or activity.ends_at > timezone.now():
        raise ValidationError(_("Make-up hours can be declared only for an activity that has taken place."))
    limit = Decimal(str(activity.length_hours)).quantize(Decimal("0.01"))
    if hours > limit:
        raise ValidationError(
            _("You cannot declare more hours (%(hours)s) than the activity lasted (%(limit)s).")
            % {"hours": hours, "limit": limit}
        )
    if not note.strip():
        raise ValidationError(_("Say briefly what you did."))
    if MakeupClaim.objects.filter(volunteer=volunteer, activity=activity).exclude(status="rejected").exists():
        raise ValidationError(_("You have already declared hours for this activity."))
    if ServiceRecord.objects.filter(
        volunteer=volunteer,
        source=ServiceRecord.Source.ACTIVITY,
        source_id=activity.pk,
        reversed_by__isnull=True,
    ).exists():
        raise ValidationError(_("Your hours for this activity are already credited."))
    claim = MakeupClaim.objects.create(
        volunteer=volunteer,
        activity=activity,
        unit_path=activity.unit_path,
        hours=hours,
        note=note.strip()[:200],
    )
    MAKEUP.begin(claim, actor=volunteer.user, step="declare", note=claim.note)
    return claim


@transaction.atomic
def makeup_decide(*, claim: MakeupClaim, approve: bool, actor: Actor) -> MakeupClaim:
    if claim.status != MakeupClaim.Status.PENDING:
        raise Conflict(_("This declaration has already been decided."))
    MAKEUP.apply("approve" if approve else "reject", claim, actor=actor, cleaned={}, skip_actor_check=True)
    if approve:
        activity = claim.activity
        record = record_credit(
            volunteer=claim.volunteer,
            hours=claim.hours,
            source=ServiceRecord.Source.MAKEUP,
            source_id=claim.pk,
            unit=activity.unit,
            served_on=timezone.localdate(activity.starts_at),
            category=activity.category,
            description=activity.title,
            created_by=actor,
        )
        MakeupClaim.objects.filter(pk=claim.pk).update(record=record)
        claim.record = record
    return claim


# --- points shop (爱心超市) ---------------------------------------------------------------------------------


SHOP_MAX = 1_000_000  # points price and stock; the columns hold 32 bits on PostgreSQL


def _plain_text(value: str, *, max_length: int) -> str:
    text = (value or "").strip()
    if "\x00" in text:
        raise ValidationError(_("The text contains characters that are not allowed."))
    if len(text) > max_length:
        raise ValidationError(_("The text is too long (at most %(n)d characters).") % {"n": max_length})
    return text


@transaction.atomic
def shop_item_create(
    *, unit: Any, name: str, price: int, stock: int, description: str = "", actor: Actor
) -> ShopItem:
    name = _plain_text(name, max_length=100)
    description = _plain_text(description, max_length=200)
    if not name:
        raise ValidationError(_("Give the item a name."))
    if price is None or int(price) < 1:
        raise ValidationError(_("The points price must be at least 1."))
    if int(price) > SHOP_MAX:
        raise ValidationError(_("The points price can be at most %(n)d.") % {"n": SHOP_MAX})
    if stock is None or int(stock) < 0:
        raise ValidationError(_("Stock cannot be negative."))
    if int(stock) > SHOP_MAX:
        raise ValidationError(_("Stock can be at most %(n)d.") % {"n": SHOP_MAX})
    item = ShopItem.objects.create(
        unit=unit,
        unit_path=unit.path,
        name=name,
        price=int(price),
        stock=int(stock),
        description=description,
    )
    audit_record(action="shop_item_create", actor=actor, unit=unit, obj=item)
    return item


@transaction.atomic
def shop_item_restock(*, item: ShopItem, add: int, actor: Actor) -> ShopItem:
    if add is None or int(add) < 1:
        raise ValidationError(_("Add at least one."))
    if int(add) > SHOP_MAX or not ShopItem.objects.filter(pk=item.pk, stock__lte=SHOP_MAX - int(add)).update(
        stock=F("stock") + int(add)
    ):
        raise ValidationError(_("Stock can be at most %(n)d.") % {"n": SHOP_MAX})
    item.refresh_from_db()
    audit_record(action="shop_item_restock", actor=actor, unit=item.unit, obj=item, detail=f"+{add}")
    return item


@transaction.atomic
def redemption_create(*, volunteer: Any, item: ShopItem, quantity: int = 1) -> Redemption:
    """Redeem points for goods. The balance is read under a row lock and the stock taken with a conditional
    UPDATE, so two redemptions can never spend the same points or the last item; on any refusal nothing is
    written."""
    try:
        quantity = int(quantity)
    except (TypeError, ValueError) as exc:
        raise ValidationError(_("Choose how many.")) from exc
    if quantity < 1 or quantity > 20:
        raise ValidationError(_("Choose between 1 and 20."))
    if not item.is_active:
        raise ValidationError(_("This item is no longer on offer."))
    cost = item.price * quantity
    # The account row is locked until commit, so a second redemption reads the balance this one leaves (on
    # PostgreSQL it waits and rereads; SQLite's IMMEDIATE transactions queue). The entry's trigger spends it.
    account = PointsAccount.objects.select_for_update().filter(volunteer=volunteer)
    balance = account.values_list("balance", flat=True).first() or 0
    if balance < cost:
        raise ValidationError(
            _("Not enough points: this needs %(cost)s points and you have %(balance)s.")
            % {"cost": cost, "balance": balance}
        )
    if not ShopItem.objects.filter(pk=item.pk, stock__gte=quantity, is_active=True).update(
        stock=F("stock") - quantity
    ):
        raise ValidationError(_("Sorry, this item is out of stock."))
    redemption = Redemption.objects.create(
        item=item, volunteer=volunteer, unit_path=item.unit_path, quantity=quantity, points=cost
    )
    PointsEntry.objects.create(
        volunteer=volunteer,
        kind=PointsEntry.Kind.REDEEMED,
        points=-cost,
        redemption=redemption,
        reason=item.name,
    )
    REDEMPTION.begin(redemption, actor=volunteer.user, step="redeem")
    return redemption


@transaction.atomic
def redemption_hand_out(*, redemption: Redemption, actor: Actor) -> Redemption:
    if redemption.status != Redemption.Status.PENDING:
        raise Conflict(_("This redemption has already been handed out."))
    REDEMPTION.apply("hand_out", redemption, actor=actor, cleaned={}, skip_actor_check=True)
    return redemption


@transaction.atomic
def points_adjust(*, volunteer: Any, points: int, reason: str, actor: Actor) -> PointsEntry:
    if not reason.strip():
        raise ValidationError(_("Give a reason for the correction."))
    if not points:
        raise ValidationError(_("Enter a number of points other than 0."))
    entry = _points_move(
        volunteer=volunteer,
        points=int(points),
        kind=PointsEntry.Kind.ADJUSTED,
        actor=actor,
        reason=reason[:200],
    )
    audit_record(action="points_adjust", actor=actor, obj=entry, detail=reason[:200])
    return entry


# --- platform service records (平台服务记录) ------------------------------------------------------------------


def _document_number(today: dt.date) -> str:
    prefix = settings.CIVICLOOP.get("DISTRICT_PREFIX", "KD")
    return f"{prefix}SR{today:%Y%m%d}{secrets.token_hex(4).upper()}"


def document_content(doc: ServiceRecordDocument) -> str:
    vol = doc.volunteer
    return json.dumps(
        {
            "number": doc.number,
            "volunteer": vol.number,
            "name": vol.user.display_name,
            "hours": str(doc.hours),
            "lines": doc.lines,
            "unit": doc.issuing_unit_id,
        },
        ensure_ascii=False,
        sort_keys=True,
    )


@transaction.atomic
def document_issue(*, volunteer: Any, actor: Actor) -> ServiceRecordDocument:
    """Issue a platform service record of the volunteer's hours so far; the PDF is drawn from this row."""
    from civicloop.records import selectors

    total = volunteer_total_hours(volunteer)
    if total <= 0:
        raise ValidationError(_("There are no hours on record yet."))
    lines = selectors.record_lines(volunteer)
    doc = ServiceRecordDocument(
        number=_document_number(timezone.localdate()),
        volunteer=volunteer,
        hours=total,
        lines=lines,
        issuing_unit=volunteer.home_unit,
        content_hash="",
    )
    doc.content_hash = hashlib.sha256(document_content(doc).encode()).hexdigest()
    doc.save()
    audit_record(action="record_document_issue", actor=actor, unit=volunteer.home_unit, obj=doc)
    return doc
