"""Writes for the unit tree and memberships."""

from __future__ import annotations

import re
from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils.translation import gettext as _

from civicloop.access import forget
from civicloop.audit.services import audit_record
from civicloop.core.validators import MOBILE_RE, normalize_phone
from civicloop.network.models import Membership, Unit

# Which practice level may sit under which (a department or venue may hang anywhere).
CHILD_LEVEL = {"": "center", "center": "institute", "institute": "station", "station": "point"}
EDITABLE = (
    "name",
    "division_code",
    "industry",
    "address",
    "lat",
    "lng",
    "contact_name",
    "contact_phone",
    "description",
)


def unit_validate(unit: Unit) -> Unit:
    """Check a unit's own fields (name, division code, coordinates); raise ValidationError with a clear message."""
    if not unit.name.strip():
        raise ValidationError(_("Enter the unit's name."))
    if unit.division_code and not (unit.division_code.isdigit() and len(unit.division_code) in (6, 9, 12)):
        raise ValidationError(_("An administrative division code has 6, 9 or 12 digits."))
    unit.contact_phone = unit_contact_phone(unit.contact_phone)
    unit.full_clean(exclude=["path", "depth", "numchild"])
    return unit


# A unit's public number is a mobile or a landline with its area code (0472-1234567, ext. allowed).
LANDLINE_RE = re.compile(r"^0\d{2,3}-?\d{7,8}(-\d{1,6})?$")


def unit_contact_phone(value: str) -> str:
    """The contact phone, normalised; a mobile or an area-code landline, else ValidationError."""
    value = (value or "").strip()
    if not value:
        return ""
    mobile = normalize_phone(value)
    if MOBILE_RE.match(mobile):
        return mobile
    landline = re.sub(r"[\s()（）]", "", value).replace("—", "-")
    if LANDLINE_RE.match(landline):
        return landline
    raise ValidationError(
        _("Enter a mobile number or a landline with its area code, e.g. 0472-1234567."), code="invalid_phone"
    )


@transaction.atomic
def unit_create(
    *,
    parent: Unit | None,
    name: str,
    level: str = "",
    kind: str = Unit.Kind.PRACTICE,
    actor: Any = None,
    **fields: Any,
) -> Unit:
    """Add a unit under `parent` (or a new root). Practice units follow centre → institute → station → point."""
    if kind not in Unit.Kind.values:
        raise ValidationError(_("Unknown unit kind."))
    if kind == Unit.Kind.PRACTICE:
        expected = CHILD_LEVEL.get(parent.level if parent else "")
        if parent is not None and not parent.is_practice:
            raise ValidationError(_("Practice units can only be added under practice units."))
        level = level or (expected or "")
        if level != expected:
            raise ValidationError(
                _("A unit under this one must be a %(level)s.")
                % {"level": Unit.Level(expected).label if expected else "-"}
            )
    else:
        level = ""
        if parent is None:
            raise ValidationError(_("Departments, organisations and venues belong under a practice unit."))
    unit = unit_validate(Unit(name=name.strip(), level=level, kind=kind, **fields))
    create_kwargs = {
        f.name: getattr(unit, f.name)
        for f in Unit._meta.concrete_fields
        if f.name not in ("id", "path", "depth", "numchild", "created_at")
    }
    if parent is None:
        created = Unit.objects.add_root(create_kwargs=create_kwargs)
    else:
        created = Unit.objects.add_child(Unit.objects.get(pk=parent.pk), create_kwargs=create_kwargs)
    if actor is not None:
        audit_record(action="unit_create", actor=actor, unit=created, obj=created, detail=created.name)
    return created


@transaction.atomic
def unit_update(*, unit: Unit, actor: Any, **changes: Any) -> Unit:
    for key, value in changes.items():
        if key not in EDITABLE:
            raise ValidationError(_("This field cannot be changed here."))
        setattr(unit, key, value)
    unit_validate(unit)
    unit.save(update_fields=list(changes))
    audit_record(action="unit_update", actor=actor, unit=unit, obj=unit, detail=",".join(sorted(changes)))
    return unit


@transaction.atomic
def membership_grant(*, user: Any, unit: Unit, role: str, actor: Any = None, title: str = "") -> Membership:
    if role not in Membership.Role.values:
        raise ValidationError(_("Unknown role."))
    if not user.is_active:
        raise ValidationError(_("This account is disabled."))
    membership, created = Membership.objects.get_or_create(
        user=user, unit=unit, role=role, defaults={"title": title}
    )
    if not created:  # granting a role someone already holds changes nothing
        return membership
    forget(user)
    audit_record(
        action="role_grant", actor=actor, unit=unit, obj=membership, detail=f"{user.username}:{role}"
    )
    return membership


@transaction.atomic
def membership_revoke(*, membership: Membership, actor: Any = None) -> None:
    audit_record(
        action="role_revoke",
        actor=actor,
        unit=membership.unit,
        obj=membership,
        detail=f"{membership.user.username}:{membership.role}",
    )
    membership.delete()
    forget(membership.user)
