"""Writes of the Open311 facade: issuing keys, and filing a service request as an order (one transaction each)."""

from __future__ import annotations

import secrets
from typing import TYPE_CHECKING, Any

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from civicloop import access
from civicloop.audit.services import audit_record
from civicloop.core.crypto import lookup_hash, token_digest
from civicloop.network.models import Unit
from civicloop.open311.models import IntegrationKey
from civicloop.orders.services import order_submit
from civicloop.people.models import Resident
from civicloop.people.services import resident_enter

if TYPE_CHECKING:
    from civicloop.people.models import User


@transaction.atomic
def integration_key_issue(*, unit: Unit, name: str, actor: User) -> tuple[IntegrationKey, str]:
    """A new key for a station or point in the actor's scope; the plain key is returned once, never stored."""
    if not access.in_scope(actor, unit):
        raise PermissionDenied(_("You do not have permission to do this."))
    if unit.level not in (Unit.Level.STATION, Unit.Level.POINT):
        raise ValidationError(_("Issue the key to a station or a point, where the requests will be handled."))
    name = (name or "").strip()[:100]
    if not name:
        raise ValidationError(_("Please fill in %(field)s.") % {"field": _("name")})
    plain = secrets.token_urlsafe(24)
    key = IntegrationKey.objects.create(
        unit=unit, name=name, key_hash=token_digest(plain), key_last4=plain[-4:], issued_by=actor
    )
    audit_record(action="open311.key_issue", actor=actor, unit=unit, obj=key, detail=name)
    return key, plain


def key_for(plain: str) -> IntegrationKey | None:
    if not plain:
        return None
    return (
        IntegrationKey.objects.select_related("unit", "issued_by")
        .filter(key_hash=token_digest(plain), is_active=True, unit__is_active=True)
        .first()
    )


@transaction.atomic
def request_file(
    *,
    key: IntegrationKey,
    service_code: str,
    description: str,
    phone: str,
    name: str = "",
    address: str = "",
    lat: float | None = None,
    lng: float | None = None,
    subcategory: str = "",
    focus_group: str = "",
    beneficiaries: int = 1,
) -> Any:
    """File a GeoReport request as an order at the key's unit, for the resident with this mobile (entered there
    first if the station does not know them yet), by phone on the resident's behalf."""
    staff = key.issued_by
    resident = (
        Resident.objects.filter(
            phone_hash=lookup_hash(phone), unit_path__startswith=key.unit.path, erased_at__isnull=True
        ).first()
        if phone
        else None
    )
    if resident is None:
        resident = resident_enter(
            entered_by=staff, name=name or _("Resident"), unit=key.unit, phone=phone, address=address, consent=True
        )
    title = description.strip().splitlines()[0][:60] if description.strip() else ""
    order = order_submit(
        actor=staff,
        resident=resident,
        category=service_code,
        title=title,
        description=description,
        channel="phone",
        subcategory=subcategory,
        focus_group=focus_group,
        beneficiaries=beneficiaries,
        address=address,
        lat=lat,
        lng=lng,
        unit=key.unit,
    )
    IntegrationKey.objects.filter(pk=key.pk).update(last_used_at=timezone.now())
    audit_record(action="open311.request", actor=staff, unit=key.unit, obj=order, detail=f"key …{key.key_last4}")
    return order
