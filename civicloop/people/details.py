"""Services for a person's own details and staff corrections (issue #12): one account holding several roles
(a volunteer becomes a resident and a resident a volunteer), self-edits, a mobile change confirmed by a code
sent by SMS to the new number, and staff corrections within scope. Every change is audited with its before and
after values MASKED (no personal data in the audit log)."""

from __future__ import annotations

import datetime as dt
import hmac
import secrets
from collections.abc import Iterable
from typing import Any

from django.conf import settings
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.http import HttpRequest
from django.utils import timezone
from django.utils.module_loading import import_string
from django.utils.translation import gettext as _

from civicloop.audit.services import audit_record
from civicloop.core import masking
from civicloop.core.choices import Platform, VolunteerType
from civicloop.core.crypto import lookup_hash
from civicloop.core.text import pinyin_initials
from civicloop.network.models import Unit
from civicloop.people import services as people
from civicloop.people.models import PhoneChange, Resident, User, Volunteer

CODE_TTL = dt.timedelta(minutes=10)
MAX_ATTEMPTS = 5

_MASKS = {
    "phone": masking.mask_phone,
    "id_number": masking.mask_id_number,
    "address": masking.mask_address,
    "name": masking.mask_name,
    "full_name": masking.mask_name,
    "guardian_phone": masking.mask_phone,
    "guardian_name": masking.mask_name,
    "birth_date": lambda v: "****" if v else "",
    "focus_groups": lambda v: f"{len(v or [])} groups",
}


def _masked(name: str, value: Any) -> str:
    fn = _MASKS.get(name)
    return str(fn(value)) if fn else str(value)


def _audit_changes(
    *, action: str, actor: Any, obj: Any, unit: Unit | None, before: dict[str, Any], after: dict[str, Any],
    request: HttpRequest | None,
) -> list[str]:
    changed = [k for k in after if before.get(k) != after[k]]
    if changed:
        audit_record(
            action=action, actor=actor, request=request, unit=unit, obj=obj,
            detail="; ".join(f"{k}: {_masked(k, before.get(k))}→{_masked(k, after[k])}" for k in changed)[:1000],
        )
    return changed


# --- a second role on the same account ---------------------------------------------------------------------------


@transaction.atomic(durable=True)
def resident_add_role(
    *,
    user: User,
    unit: Unit,
    address: str = "",
    birth_date: dt.date | None = None,
    focus_groups: Iterable[str] = (),
    consent: bool,
    request: HttpRequest | None = None,
) -> Resident:
    """A signed-in person (a volunteer, a staff member) becomes a resident too, on the same account: the mobile
    is the account's own, so it is never "already registered" against them."""
    if not consent:
        raise ValidationError(_("Please read and agree to the privacy notice."))
    if Resident.objects.filter(user=user, erased_at__isnull=True).exists():
        raise ValidationError(_("You are already registered as a resident."))
    if not user.phone:
        raise ValidationError(_("Add your mobile number first."))
    values = people._resident_values(
        name=user.full_name or user.username, unit=unit, phone=user.phone, id_number="", address=address,
        birth_date=birth_date, focus_groups=focus_groups, guardian_name="", guardian_phone="",
        guardian_consent=False,
    )
    resident = Resident.objects.create(user=user, consent_at=timezone.now(), **values)
    audit_record(action="resident_add_role", actor=user, request=request, unit=unit, obj=resident)
    return resident


# --- own details -----------------------------------------------------------------------------------------------


def _resident_state(r: Resident) -> dict[str, Any]:
    return {
        "name": r.name, "address": r.address, "birth_date": r.birth_date, "focus_groups": list(r.focus_groups or []),
        "phone": r.phone, "id_number": r.id_number, "unit": r.unit_id,
    }


@transaction.atomic(durable=True)
def person_update_self(
    *,
    user: User,
    full_name: str | None = None,
    address: str | None = None,
    focus_groups: Iterable[str] | None = None,
    skills: str | None = None,
    categories: Iterable[str] | None = None,
    types: Iterable[str] | None = None,
    request: HttpRequest | None = None,
) -> User:
    """A resident or volunteer edits their own details (not the mobile — see phone_change_start — nor the ID
    number, which only staff with the unmask right correct)."""
    from civicloop.core.choices import FocusGroup

    resident = Resident.objects.filter(user=user, erased_at__isnull=True).first()
    volunteer = Volunteer.objects.filter(user=user).first()
    if resident is None and volunteer is None:
        raise PermissionDenied(_("You do not have permission to do this."))
    if full_name is not None:
        full_name = full_name.strip()
        if not full_name:
            raise ValidationError({"full_name": [_("Enter the name.")]})
        before = {"full_name": user.full_name}
        user.full_name, user.name_initials = full_name[:50], pinyin_initials(full_name)
        user.save(update_fields=["full_name", "name_initials"])
        _audit_changes(action="person_update", actor=user, obj=user, unit=None, before=before,
                       after={"full_name": user.full_name}, request=request)
    if resident is not None and (address is not None or focus_groups is not None or full_name is not None):
        before = _resident_state(resident)
        if full_name is not None:
            resident.name, resident.name_initials = user.full_name, user.name_initials
        if address is not None:
            resident.address = address.strip()[:200]
        if focus_groups is not None:
            resident.focus_groups = people._clean_choices(focus_groups, FocusGroup.values, _("focus group"))
        resident.save()
        _audit_changes(action="resident_update", actor=user, obj=resident, unit=resident.unit, before=before,
                       after=_resident_state(resident), request=request)
    if volunteer is not None and (skills is not None or categories is not None or types is not None):
        before = {"skills": volunteer.skills, "categories": volunteer.categories, "types": volunteer.types}
        if skills is not None:
            volunteer.skills = skills.strip()[:200]
        if categories is not None:
            cats = people._clean_choices(categories, Platform.values, _("service platform"))
            if not cats:
                raise ValidationError({"categories": [_("Choose at least one service platform.")]})
            volunteer.categories = cats
        if types is not None:
            volunteer.types = people._clean_choices(types, VolunteerType.values, _("volunteer type"))
        volunteer.save()
        _audit_changes(action="volunteer_update", actor=user, obj=volunteer, unit=volunteer.home_unit,
                       before=before, after={"skills": volunteer.skills, "categories": volunteer.categories,
                                             "types": volunteer.types}, request=request)
    return user


# --- changing the mobile, confirmed by SMS ---------------------------------------------------------------------


def sms_channel() -> Any:
    """The SMS gateway (settings.SMS_CHANNEL; the logging stand-in in development)."""
    return import_string(getattr(settings, "SMS_CHANNEL", "civicloop.notify.channels.LoggingSmsChannel"))()


def _code_hash(change_user: int, code: str) -> str:
    return lookup_hash(f"phone-change:{change_user}:{code}")


@transaction.atomic(durable=True)
def phone_change_start(*, user: User, new_phone: str, request: HttpRequest | None = None) -> PhoneChange:
    """Send a 6-digit code to the new number; the number changes only when the code comes back."""
    phone = people._phone_fields(new_phone)["phone"]
    if not phone:
        raise ValidationError({"new_phone": [_("Enter the mobile number.")]})
    if phone == user.phone:
        raise ValidationError({"new_phone": [_("This is already your mobile number.")]})
    taken = User.objects.filter(phone_hash=lookup_hash(phone)).exclude(pk=user.pk).exists()
    code = f"{secrets.randbelow(10**6):06d}"
    PhoneChange.objects.filter(user=user, confirmed_at__isnull=True).delete()
    change = PhoneChange.objects.create(
        user=user, new_phone=phone, code_hash=_code_hash(user.pk, code), expires_at=timezone.now() + CODE_TTL
    )
    audit_record(action="phone_change_start", actor=user, request=request, obj=user,
                 detail=f"to {masking.mask_phone(phone)}")
    if not taken:  # a number in use elsewhere gets no code (and the answer does not tell: no enumeration)
        text = _("Your CivicLoop code is %(code)s. It is valid for 10 minutes.") % {"code": code}
        transaction.on_commit(lambda: sms_channel().send_text(phone, text))
    return change


def phone_change_confirm(*, user: User, code: str, request: HttpRequest | None = None) -> User:
    """Type back the code: the new number replaces the old one on the account and the resident record. A wrong
    code counts (five tries); the count is written in the transaction, and the refusal raised after it."""
    wrong = ValidationError({"code": [_("The code is wrong or has expired. Ask for a new one.")]})
    with transaction.atomic(durable=True):
        change = (
            PhoneChange.objects.select_for_update()
            .filter(user=user, confirmed_at__isnull=True)
            .order_by("-created_at")
            .first()
        )
        if change is None or change.expires_at < timezone.now() or change.attempts >= MAX_ATTEMPTS:
            raise wrong
        if not hmac.compare_digest(change.code_hash, _code_hash(user.pk, (code or "").strip())):
            PhoneChange.objects.filter(pk=change.pk).update(attempts=change.attempts + 1)
            matched = False
        else:
            matched = True
            phone_fields = people._phone_fields(change.new_phone)
            if User.objects.filter(phone_hash=phone_fields["phone_hash"]).exclude(pk=user.pk).exists():
                raise ValidationError({"code": [_("This mobile number cannot be used.")]})
            before = user.phone
            for key, value in phone_fields.items():
                setattr(user, key, value)
            user.save(update_fields=list(phone_fields))
            Resident.objects.filter(user=user, erased_at__isnull=True).update(**phone_fields)
            change.confirmed_at = timezone.now()
            change.save(update_fields=["confirmed_at"])
            _audit_changes(action="phone_change_confirm", actor=user, obj=user, unit=None,
                           before={"phone": before}, after={"phone": user.phone}, request=request)
    if not matched:
        raise wrong
    return user


# --- staff corrections -----------------------------------------------------------------------------------------


@transaction.atomic(durable=True)
def resident_correct(
    *,
    actor: User,
    resident: Resident,
    request: HttpRequest | None = None,
    **changes: Any,
) -> Resident:
    """Staff in scope correct a resident's details; the ID number only with the unmask right."""
    from civicloop import access

    if not access.can_view_resident(actor, resident) or not access.is_staff(actor):
        raise PermissionDenied(_("You do not have permission to do this."))
    allowed = {"name", "phone", "address", "birth_date", "focus_groups", "id_number"}
    if set(changes) - allowed:
        raise ValidationError(_("This field cannot be changed here."))
    if "id_number" in changes and not access.can_unmask_resident(actor, resident):
        raise PermissionDenied(_("You do not have permission to do this."))
    before = _resident_state(resident)
    current = {
        "name": resident.name, "unit": resident.unit, "phone": resident.phone, "id_number": resident.id_number,
        "address": resident.address, "birth_date": resident.birth_date,
        "focus_groups": list(resident.focus_groups or []),
        "guardian_name": resident.guardian_name, "guardian_phone": resident.guardian_phone,
        "guardian_consent": resident.guardian_consent_at is not None,
    }
    values = people._resident_values(**{**current, **changes})
    if values["phone_hash"] and values["phone_hash"] != resident.phone_hash and resident.user_id:
        raise ValidationError({"phone": [_("A resident with an account changes the mobile themselves.")]})
    if (
        values["id_hash"] and values["id_hash"] != resident.id_hash
        and Resident.objects.filter(id_hash=values["id_hash"], erased_at__isnull=True).exclude(pk=resident.pk).exists()
    ):
        raise ValidationError(_("A resident with this ID number is already registered."))
    for key, value in values.items():
        setattr(resident, key, value)
    resident.save()
    _audit_changes(action="resident_correct", actor=actor, obj=resident, unit=resident.unit, before=before,
                   after=_resident_state(resident), request=request)
    return resident


# --- personal data: export (JSON, spreadsheet, PDF) and erasure for volunteers too ---------------------------


def volunteer_export(*, volunteer: Volunteer, actor: User, request: HttpRequest | None = None) -> dict[str, Any]:
    """Everything a volunteer gave us, and their hours ledger (PIPL art. 45); audited."""
    from django.apps import apps

    Record = apps.get_model("records", "ServiceRecord")
    audit_record(action="volunteer_export", actor=actor, request=request, unit=volunteer.home_unit, obj=volunteer)
    user = volunteer.user
    return {
        "name": user.full_name,
        "username": user.username,
        "mobile": user.phone,
        "volunteer_number": volunteer.number,
        "id_number": volunteer.id_number,
        "home_unit": volunteer.home_unit.name,
        "types": volunteer.types,
        "service_platforms": volunteer.categories,
        "skills": volunteer.skills,
        "availability": volunteer.availability,
        "teams": [m.team.name for m in volunteer.team_memberships.select_related("team")],
        "consent_at": volunteer.consent_at.isoformat() if volunteer.consent_at else None,
        "registered_at": volunteer.created_at.isoformat(),
        "hours": [
            {"served_on": r.served_on.isoformat(), "hours": str(r.hours), "source": r.source,
             "description": r.description}
            for r in Record.objects.filter(volunteer=volunteer).order_by("served_on", "pk")[:5000]
        ],
    }


@transaction.atomic(durable=True)
def volunteer_erase(*, volunteer: Volunteer, actor: User, request: HttpRequest | None = None) -> Volunteer:
    """A volunteer's request to delete their data. The hours ledger stays (service records must be kept), under
    a pseudonym; contact, ID number, skills, availability and team memberships go."""
    from civicloop.people.models import Team, TeamMember

    if Team.objects.filter(leader=volunteer.user, status__in=["proposed", "active", "suspended"]).exists():
        raise ValidationError(_("Hand your teams over to another member first."))
    pseudonym = _("Volunteer %(number)s") % {"number": volunteer.number}
    volunteer.id_number = volunteer.id_hash = volunteer.skills = ""
    volunteer.availability, volunteer.lat, volunteer.lng = {}, None, None
    volunteer.is_active = False
    volunteer.save()
    TeamMember.objects.filter(volunteer=volunteer).delete()
    user = volunteer.user
    keeps_account = Resident.objects.filter(user=user, erased_at__isnull=True).exists() or user.memberships.exists()
    user.full_name, user.name_initials = str(pseudonym), ""
    if not keeps_account:
        user.phone = user.phone_hash = user.phone_last4 = ""
        user.is_active = False
        user.set_unusable_password()
    user.save()
    audit_record(action="volunteer_erase", actor=actor, request=request, unit=volunteer.home_unit, obj=volunteer)
    return volunteer


def erase_order_texts(resident: Resident) -> int:
    """Clear the free text and places in a resident's orders (their description, address and coordinates, and
    rating comments), keeping the orders themselves for the figures. Called by resident_erase."""
    from django.apps import apps

    Order = apps.get_model("orders", "Order")
    Rating = apps.get_model("orders", "OrderRating")
    orders = Order.objects.filter(requester=resident)
    Rating.objects.filter(order__in=orders).update(comment="")
    return orders.update(description="", address="", lat=None, lng=None)


LABELS = {
    "name": _("Name"), "username": _("Username"), "mobile": _("Mobile number"), "volunteer_number":
    _("Volunteer number"), "id_number": _("ID number"), "home_unit": _("Home unit"), "types": _("Volunteer types"),
    "service_platforms": _("Service platforms"), "skills": _("Skills"), "availability": _("Weekly availability"),
    "teams": _("Teams"), "consent_at": _("Consent given"), "registered_at": _("Registered"),
    "address": _("Address"), "birth_date": _("Birth date"), "focus_groups": _("Focus groups"),
    "station": _("Station"), "guardian_name": _("Guardian"), "guardian_mobile": _("Guardian mobile"),
    "guardian_consent_at": _("Guardian consent"), "hours": _("Hours ledger"),
}


def _flat(value: Any) -> str:
    if isinstance(value, list | tuple):
        return "、".join(_flat(v) for v in value)
    if isinstance(value, dict):
        return "；".join(f"{k}: {_flat(v)}" for k, v in value.items())
    return "" if value is None else str(value)


def export_xlsx(data: dict[str, Any]) -> bytes:
    """The export as a spreadsheet a person can read: one sheet of fields, one of hours when there are any."""
    from io import BytesIO

    from openpyxl import Workbook

    book = Workbook()
    sheet = book.active
    sheet.title = str(_("My data"))
    sheet.append([str(_("Item")), str(_("Value"))])
    for key, value in data.items():
        if key != "hours":
            sheet.append([str(LABELS.get(key, key)), _flat(value)])
    sheet.column_dimensions["A"].width, sheet.column_dimensions["B"].width = 20, 60
    if data.get("hours"):
        hours = book.create_sheet(str(LABELS["hours"]))
        hours.append([str(_("Served on")), str(_("Hours")), str(_("Source")), str(_("Description"))])
        for row in data["hours"]:
            hours.append([row["served_on"], float(row["hours"]), row["source"], row["description"]])
    out = BytesIO()
    book.save(out)
    return out.getvalue()


def export_pdf(data: dict[str, Any], title: str) -> bytes:
    """The export as a PDF (the embedded CJK font of civicloop.core.pdffonts)."""
    from io import BytesIO
    from xml.sax.saxutils import escape

    from reportlab.lib.pagesizes import A4
    from reportlab.lib.styles import ParagraphStyle
    from reportlab.platypus import Paragraph, SimpleDocTemplate, Spacer, Table

    from civicloop.core.pdffonts import cjk_font

    style = ParagraphStyle("cjk", fontName=cjk_font(), fontSize=10, leading=14, wordWrap="CJK")
    head = ParagraphStyle("cjk-h", parent=style, fontSize=16, leading=22)
    rows = [[Paragraph(escape(str(LABELS.get(k, k))), style), Paragraph(escape(_flat(v)), style)]
            for k, v in data.items() if k != "hours"]
    story = [Paragraph(escape(title), head), Spacer(1, 8), Table(rows, colWidths=[110, 370])]
    if data.get("hours"):
        story += [Spacer(1, 12), Paragraph(escape(str(LABELS["hours"])), head)]
        story.append(Table([[Paragraph(escape(f"{r['served_on']}  {r['hours']}h  {r['description']}"), style)]
                            for r in data["hours"][:2000]], colWidths=[480]))
    out = BytesIO()
    SimpleDocTemplate(out, pagesize=A4, title=title).build(story)
    return out.getvalue()
