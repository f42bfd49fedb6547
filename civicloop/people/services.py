"""Writes for people: registration, offline entry, volunteers and teams. One transaction per use case."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from typing import Any

from django.conf import settings
from django.contrib.auth.password_validation import validate_password
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, transaction
from django.http import HttpRequest
from django.utils import timezone
from django.utils.translation import gettext as _

from civicloop.audit.services import audit_record
from civicloop.core.choices import WEEKDAYS, FocusGroup, Platform, VolunteerType
from civicloop.core.counters import counters_add_row
from civicloop.core.crypto import lookup_hash
from civicloop.core.text import pinyin_initials
from civicloop.core.validators import (
    id_birth_date,
    normalize_id_number,
    normalize_phone,
    validate_id_number,
    validate_mobile,
)
from civicloop.network.models import Unit
from civicloop.people.models import Resident, Team, TeamMember, User, Volunteer

MINOR_AGE = 14


def _age_on(born: dt.date, today: dt.date) -> int:
    return today.year - born.year - ((today.month, today.day) < (born.month, born.day))


def _require_station(unit: Unit) -> None:
    if unit.kind != Unit.Kind.PRACTICE or not unit.is_active:
        raise ValidationError(_("Choose a practice centre, institute, station or point."))


def _phone_fields(phone: str) -> dict[str, str]:
    phone = normalize_phone(phone)
    if not phone:
        return {"phone": "", "phone_hash": "", "phone_last4": ""}
    validate_mobile(phone)
    return {"phone": phone, "phone_hash": lookup_hash(phone), "phone_last4": phone[-4:]}


def _id_fields(id_number: str) -> dict[str, str]:
    id_number = normalize_id_number(id_number)
    if not id_number:
        return {"id_number": "", "id_hash": ""}
    validate_id_number(id_number)
    return {"id_number": id_number, "id_hash": lookup_hash(id_number)}


def _clean_choices(values: Iterable[str], allowed: Iterable[str], label: str) -> list[str]:
    values = list(dict.fromkeys(values or []))
    bad = [v for v in values if v not in set(allowed)]
    if bad:
        raise ValidationError(_("Unknown %(label)s: %(values)s") % {"label": label, "values": ", ".join(bad)})
    return values


def user_create(
    *, username: str, password: str | None, full_name: str, phone: str = "", is_staff: bool = False
) -> User:
    """Create an account. Raises ValidationError for a taken username or phone, or a weak password."""
    username = username.strip()
    if not username:
        raise ValidationError(_("Choose a username."))
    if User.objects.filter(username__iexact=username).exists():
        raise ValidationError(_("This username is already taken."))
    phone_fields = _phone_fields(phone)
    if phone_fields["phone_hash"] and User.objects.filter(phone_hash=phone_fields["phone_hash"]).exists():
        raise ValidationError(_("An account with this mobile number already exists."), code="phone_taken")
    user = User(
        username=username,
        full_name=full_name.strip(),
        name_initials=pinyin_initials(full_name),
        is_staff=is_staff,
    )
    for key, value in phone_fields.items():
        setattr(user, key, value)
    if password:
        validate_password(password, user)
        user.set_password(password)
    else:
        user.set_unusable_password()
    user.save()
    return user


def _resident_values(
    *,
    name: str,
    unit: Unit,
    phone: str,
    id_number: str,
    address: str,
    birth_date: dt.date | None,
    focus_groups: Iterable[str],
    guardian_name: str,
    guardian_phone: str,
    guardian_consent: bool,
) -> dict:
    name = name.strip()
    if not name:
        raise ValidationError(_("Enter the resident's name."))
    _require_station(unit)
    ids = _id_fields(id_number)
    if ids["id_number"]:
        from_id = id_birth_date(ids["id_number"])
        if birth_date and from_id != birth_date:
            raise ValidationError(_("The birth date does not match the ID number."))
        birth_date = birth_date or from_id
    today = timezone.localdate()
    if birth_date and birth_date > today:
        raise ValidationError(_("The birth date cannot be in the future."))
    values = {
        "name": name,
        "name_initials": pinyin_initials(name),
        "unit": unit,
        "unit_path": unit.path,
        "address": address.strip(),
        "birth_date": birth_date,
        "focus_groups": _clean_choices(focus_groups, FocusGroup.values, _("focus group")),
        **_phone_fields(phone),
        **ids,
    }
    if birth_date and _age_on(birth_date, today) < MINOR_AGE:
        # PIPL art. 31: a child under 14 is recorded only with a guardian's consent.
        if not guardian_name.strip() or not normalize_phone(guardian_phone) or not guardian_consent:
            raise ValidationError(
                _("A child under 14 can only be recorded with a guardian's name, mobile number and consent.")
            )
        values["guardian_name"] = guardian_name.strip()
        values["guardian_phone"] = _phone_fields(guardian_phone)["phone"]
        values["guardian_consent_at"] = timezone.now()
    return values


@transaction.atomic
def resident_register(
    *,
    username: str,
    password: str,
    name: str,
    phone: str,
    unit: Unit,
    address: str = "",
    birth_date: dt.date | None = None,
    focus_groups: Iterable[str] = (),
    consent: bool,
    guardian_name: str = "",
    guardian_phone: str = "",
    guardian_consent: bool = False,
) -> Resident:
    """A resident registers themselves (with consent to the privacy notice)."""
    if not consent:
        raise ValidationError(_("Please read and agree to the privacy notice."))
    values = _resident_values(
        name=name,
        unit=unit,
        phone=phone,
        id_number="",
        address=address,
        birth_date=birth_date,
        focus_groups=focus_groups,
        guardian_name=guardian_name,
        guardian_phone=guardian_phone,
        guardian_consent=guardian_consent,
    )
    if not values["phone"]:
        raise ValidationError(_("Enter your mobile number."))
    user = user_create(username=username, password=password, full_name=name, phone=phone)
    return Resident.objects.create(user=user, consent_at=timezone.now(), **values)


@transaction.atomic
def resident_enter(
    *,
    entered_by: User,
    name: str,
    unit: Unit,
    phone: str = "",
    id_number: str = "",
    address: str = "",
    birth_date: dt.date | None = None,
    focus_groups: Iterable[str] = (),
    guardian_name: str = "",
    guardian_phone: str = "",
    guardian_consent: bool = False,
    consent: bool = True,
) -> Resident:
    """Staff enter a resident who came in person or phoned (no account; consent given verbally and recorded)."""
    if not consent:
        raise ValidationError(_("Record that the resident agreed to the privacy notice."))
    values = _resident_values(
        name=name,
        unit=unit,
        phone=phone,
        id_number=id_number,
        address=address,
        birth_date=birth_date,
        focus_groups=focus_groups,
        guardian_name=guardian_name,
        guardian_phone=guardian_phone,
        guardian_consent=guardian_consent,
    )
    if (
        values["id_hash"]
        and Resident.objects.filter(id_hash=values["id_hash"], erased_at__isnull=True).exists()
    ):
        raise ValidationError(_("A resident with this ID number is already registered."), code="id_taken")
    resident = Resident.objects.create(entered_by=entered_by, consent_at=timezone.now(), **values)
    audit_record(action="resident_enter", actor=entered_by, unit=unit, obj=resident)
    return resident


@transaction.atomic
def resident_erase(*, resident: Resident, actor: User) -> Resident:
    """A resident's request to delete their data: personal fields are blanked, the row stays for order history."""
    resident.name = "已注销"
    resident.name_initials = ""
    for field in (
        "phone",
        "phone_hash",
        "phone_last4",
        "id_number",
        "id_hash",
        "address",
        "guardian_name",
        "guardian_phone",
    ):
        setattr(resident, field, "")
    resident.birth_date = None
    resident.focus_groups = None
    resident.erased_at = timezone.now()
    resident.save()
    from civicloop.people.details import erase_order_texts

    erase_order_texts(resident)  # their orders keep no free text or address of theirs
    user = resident.user
    if (
        user is not None
        and not Volunteer.objects.filter(user=user).exists()
        and not user.memberships.exists()
        and not user.is_staff
    ):
        # The account only existed to order services: its name and mobile go too, and it can no longer sign in.
        user.full_name = ""
        user.name_initials = ""
        user.phone = ""
        user.phone_hash = ""
        user.phone_last4 = ""
        user.is_active = False
        user.set_unusable_password()
        user.save()
    audit_record(action="resident_erase", actor=actor, unit=resident.unit, obj=resident)
    return resident


@transaction.atomic
def resident_unmask_id(*, resident: Resident, actor: User, request: HttpRequest | None = None) -> str:
    """Reveal a resident's full ID number once; every reveal writes an `unmask_id` audit event."""
    audit_record(action="unmask_id", actor=actor, request=request, unit=resident.unit, obj=resident)
    return resident.id_number


@transaction.atomic
def resident_export(*, resident: Resident, actor: User, request: HttpRequest | None = None) -> dict:
    """Everything a resident gave us, for their own download (PIPL art. 45); the export is audited."""
    audit_record(action="resident_export", actor=actor, request=request, unit=resident.unit, obj=resident)
    return {
        "name": resident.name,
        "mobile": resident.phone,
        "id_number": resident.id_number,
        "address": resident.address,
        "birth_date": str(resident.birth_date) if resident.birth_date else None,
        "focus_groups": list(resident.focus_groups or []),
        "station": resident.unit.name,
        "guardian_name": resident.guardian_name,
        "guardian_mobile": resident.guardian_phone,
        "guardian_consent_at": resident.guardian_consent_at.isoformat()
        if resident.guardian_consent_at
        else None,
        "consent_at": resident.consent_at.isoformat() if resident.consent_at else None,
        "registered_at": resident.created_at.isoformat(),
        "username": resident.user.username if resident.user else None,
    }


def _next_volunteer_number(prefix: str) -> str:
    last = (
        Volunteer.objects.filter(number__startswith=f"{prefix}-V")
        .order_by("-number")
        .values_list("number", flat=True)
        .first()
    )
    seq = int(last.rsplit("V", 1)[1]) + 1 if last else 1
    return f"{prefix}-V{seq:07d}"


def _clean_availability(availability: dict | None) -> dict[str, list[str]]:
    result: dict[str, list[str]] = {}
    for day, parts in (availability or {}).items():
        if day not in WEEKDAYS:
            raise ValidationError(_("Unknown weekday in availability."))
        parts = [p for p in parts if p in ("am", "pm", "eve")]
        if parts:
            result[day] = parts
    return result


@transaction.atomic
def volunteer_register(
    *,
    user: User | None = None,
    username: str = "",
    password: str = "",
    name: str = "",
    phone: str = "",
    home_unit: Unit,
    types: Iterable[str] = (),
    categories: Iterable[str] = (),
    skills: str = "",
    id_number: str = "",
    availability: dict | None = None,
    lat: float | None = None,
    lng: float | None = None,
    consent: bool,
) -> Volunteer:
    """Register a volunteer: a new account, or an existing user (e.g. a resident) who signs up to serve."""
    from django.conf import settings

    if not consent:
        raise ValidationError(_("Please read and agree to the privacy notice."))
    _require_station(home_unit)
    types = _clean_choices(types, VolunteerType.values, _("volunteer type"))
    categories = _clean_choices(categories, Platform.values, _("service platform"))
    if not categories:
        raise ValidationError(_("Choose at least one service platform."))
    if user is None:
        if not phone:
            raise ValidationError(_("Enter your mobile number."))
        user = user_create(username=username, password=password, full_name=name, phone=phone)
    elif Volunteer.objects.filter(user=user).exists():
        raise ValidationError(_("You are already registered as a volunteer."))
    ids = _id_fields(id_number)
    if ids["id_hash"] and Volunteer.objects.filter(id_hash=ids["id_hash"]).exists():
        raise ValidationError(_("A volunteer with this ID number is already registered."), code="id_taken")
    prefix = str(settings.CIVICLOOP["DISTRICT_PREFIX"])
    for _attempt in range(3):  # two registrations may race for the same next number
        try:
            with transaction.atomic():
                volunteer = Volunteer.objects.create(
                    user=user,
                    number=_next_volunteer_number(prefix),
                    home_unit=home_unit,
                    unit_path=home_unit.path,
                    types=types,
                    categories=categories,
                    skills=skills.strip()[:200],
                    availability=_clean_availability(availability),
                    lat=lat if lat is not None else home_unit.lat,
                    lng=lng if lng is not None else home_unit.lng,
                    consent_at=timezone.now(),
                    **ids,
                )
        except IntegrityError:
            continue
        counters_add_row("volunteer", volunteer)
        return volunteer
    raise ValidationError(_("Please try again."))


@transaction.atomic
def team_create(
    *,
    name: str,
    team_type: str,
    home_unit: Unit,
    served_units: Iterable[Unit],
    categories: Iterable[str],
    leader: User | None,
    capacity: int = 3,
    description: str = "",
) -> Team:
    if not name.strip():
        raise ValidationError(_("Enter the team's name."))
    if team_type not in VolunteerType.values:
        raise ValidationError(_("Choose a team type."))
    categories = _clean_choices(categories, Platform.values, _("service platform"))
    if not categories:
        raise ValidationError(_("Choose at least one service platform."))
    if capacity < 1 or capacity > 100:
        raise ValidationError(_("Capacity must be between 1 and 100."))
    team = Team.objects.create(
        name=name.strip(),
        team_type=team_type,
        home_unit=home_unit,
        unit_path=home_unit.path,
        categories=categories,
        leader=leader,
        capacity=capacity,
        description=description,
    )
    served = list(served_units) or [home_unit]
    team.served_units.set(served)
    counters_add_row("team", team)
    return team


@transaction.atomic
def team_add_member(*, team: Team, volunteer: Volunteer) -> TeamMember:
    member, _created = TeamMember.objects.get_or_create(team=team, volunteer=volunteer)
    return member


# --- API tokens ------------------------------------------------------------------------------------------------


@transaction.atomic
def api_token_issue(*, user: User, request: HttpRequest | None = None, name: str = "api") -> tuple[str, Any]:
    """A new bearer token for an authenticated user (who passed the second factor where one is required), valid
    for API_TOKEN_LIFETIME_DAYS; it replaces the account's token of the same device name. Only its digest is
    stored; the issue is audited (never the token itself). Returns the token, shown to the caller once, and its
    expiry."""
    import datetime as dt
    import secrets

    from django.utils import timezone

    from civicloop.core.crypto import token_digest
    from civicloop.people.models import ApiToken

    token = secrets.token_urlsafe(32)
    expires_at = timezone.now() + dt.timedelta(days=settings.API_TOKEN_LIFETIME_DAYS)
    ApiToken.objects.filter(user=user, name=name[:50]).delete()
    ApiToken.objects.create(user=user, token_hash=token_digest(token), name=name[:50], expires_at=expires_at)
    audit_record(action="people.token_issue", actor=user, request=request, obj=user, detail=name[:50])
    return token, expires_at


# Self-registration must not tell an anonymous caller whether a mobile or ID number is on file.
NOT_REVEALED = frozenset({"phone_taken", "id_taken"})


def registration_refusal(exc: ValidationError) -> ValidationError:
    """The same refusal with "this number is registered" replaced by one neutral message (pages and API)."""
    kept = [e for e in exc.error_list if e.code not in NOT_REVEALED]
    if len(kept) < len(exc.error_list):
        kept.append(
            ValidationError(
                _(
                    "We could not register you with these details. If you already have an account, sign in or "
                    "reset your password; otherwise ask your station for help."
                ),
                code="not_registered",
            )
        )
    return ValidationError(kept)


# --- teams on the workflow engine (civicloop/people/workflow.py) ---------------------------------------------


def _deny(actor: User, request: HttpRequest | None, action: str, obj: object) -> PermissionDenied:
    """The service's own refusal (pages and the API ask the same policy first, through `access.require`, which
    audits the denial outside this transaction)."""
    return PermissionDenied(_("You do not have permission to do this."))


def _team_values(
    *,
    name: str,
    team_type: str,
    categories: Iterable[str],
    capacity: int,
    contact_name: str,
    contact_phone: str,
) -> dict:
    name = (name or "").strip()
    if not name:
        raise ValidationError(_("Enter the team's name."))
    if len(name) > 100:
        raise ValidationError(_("The team's name is too long (at most 100 characters)."))
    if team_type not in VolunteerType.values:
        raise ValidationError(_("Choose a team type."))
    categories = _clean_choices(categories, Platform.values, _("service platform"))
    if not categories:
        raise ValidationError(_("Choose at least one service platform."))
    if not isinstance(capacity, int) or capacity < 1 or capacity > 100:
        raise ValidationError(_("Capacity must be between 1 and 100."))
    phone = _phone_fields(contact_phone)["phone"]
    return {
        "name": name,
        "team_type": team_type,
        "categories": categories,
        "capacity": capacity,
        "contact_name": (contact_name or "").strip()[:50],
        "contact_phone": phone,
    }


@transaction.atomic(durable=True)
def team_found(
    *,
    actor: User,
    name: str,
    team_type: str,
    home_unit: Unit,
    served_units: Iterable[Unit] = (),
    categories: Iterable[str],
    capacity: int = 3,
    leader_number: str = "",
    contact_name: str = "",
    contact_phone: str = "",
    description: str = "",
    request: HttpRequest | None = None,
) -> Team:
    """A unit's staff or a volunteer founds a team; it waits for the owning unit's approval (`people.team`).

    A volunteer founding a team leads it; staff name the leader by volunteer number. Units served must lie in
    the home unit's subtree (a station's team serves the station and its points).
    """
    from django.utils.translation import gettext_noop

    from civicloop import access
    from civicloop.core.msg import Msg
    from civicloop.notify.services import notify_queue
    from civicloop.people import policies
    from civicloop.people.models import TeamEvent

    if not policies.can_found_team_at(actor, home_unit):
        raise _deny(actor, request, "people.team.found", home_unit)
    values = _team_values(
        name=name,
        team_type=team_type,
        categories=categories,
        capacity=capacity,
        contact_name=contact_name,
        contact_phone=contact_phone,
    )
    leader_number = (leader_number or "").strip().upper()
    own = access.volunteer_of(actor)
    if leader_number:
        leader_volunteer = Volunteer.objects.select_related("user").filter(number=leader_number, is_active=True).first()
        if leader_volunteer is None:
            raise ValidationError(_("No active volunteer has this number."))
    elif own is not None:
        leader_volunteer = own
    else:
        raise ValidationError(_("Name the team's leader by volunteer number."))
    if not access.is_staff(actor) and leader_volunteer != own:
        raise ValidationError(_("A volunteer founding a team leads it."))
    served = list(dict.fromkeys(served_units)) or [home_unit]
    if any(not u.path.startswith(home_unit.path) or not u.is_active for u in served):
        raise ValidationError(_("A team serves its home unit and the units below it."))
    if Team.objects.filter(home_unit=home_unit, name=values["name"]).exclude(
        status__in=[Team.Status.REJECTED, Team.Status.DISSOLVED]
    ).exists():
        raise ValidationError(_("This unit already has a team with this name."))
    team = Team.objects.create(
        home_unit=home_unit,
        unit_path=home_unit.path,
        leader=leader_volunteer.user,
        founded_by=actor,
        description=(description or "").strip()[:2000],
        status=Team.Status.PROPOSED,
        is_active=False,
        **values,
    )
    team.served_units.set(served)
    TeamMember.objects.get_or_create(team=team, volunteer=leader_volunteer)
    TeamEvent.objects.create(
        subject=team, from_status="", to_status=team.status, step="found", actor=actor, unit=home_unit
    )
    audit_record(action="people.team.found", actor=actor, request=request, unit=home_unit, obj=team)
    staff = User.objects.filter(
        memberships__unit=home_unit, memberships__role="staff", is_active=True
    ).distinct()
    notify_queue(
        recipients=staff,
        kind="team_founded",
        title=Msg(gettext_noop("A new team asks for approval: %(team)s"), team=team.name),
        url=team.get_absolute_url(),
    )
    return team


@transaction.atomic(durable=True)
def team_update(*, actor: User, team: Team, request: HttpRequest | None = None, **changes: object) -> Team:
    """The leader or the owning unit edits the team's details (not its state, leader or members)."""
    from civicloop.people import policies

    if not policies.can_run_team(actor, team):
        raise _deny(actor, request, "people.team.update", team)
    current = {
        "name": team.name,
        "team_type": team.team_type,
        "categories": team.categories,
        "capacity": team.capacity,
        "contact_name": team.contact_name,
        "contact_phone": team.contact_phone,
    }
    unknown = set(changes) - {*current, "description"}
    if unknown:
        raise ValidationError(_("This field cannot be changed here."))
    description = changes.pop("description", None)
    values = _team_values(**{**current, **changes})  # type: ignore[arg-type]
    for key, value in values.items():
        setattr(team, key, value)
    if description is not None:
        team.description = str(description).strip()[:2000]
    team.save()
    audit_record(
        action="people.team.update", actor=actor, request=request, unit=team.home_unit, obj=team,
        detail=",".join(sorted([*changes, *(["description"] if description is not None else [])])),
    )
    return team


def _pending_request(team: Team, volunteer: Volunteer) -> None:
    from civicloop.core.exceptions import Conflict
    from civicloop.people.models import TeamRequest

    if TeamMember.objects.filter(team=team, volunteer=volunteer).exists():
        raise Conflict(_("This volunteer is already a member of the team."))
    if TeamRequest.objects.filter(team=team, volunteer=volunteer, status=TeamRequest.Status.PENDING).exists():
        raise Conflict(_("A request to join this team is already waiting."))


@transaction.atomic(durable=True)
def team_apply(*, actor: User, team: Team, message: str = "", request: HttpRequest | None = None):
    """A volunteer asks to join an active team; the leader (or the owning unit) decides."""
    from django.utils.translation import gettext_noop

    from civicloop import access
    from civicloop.core.msg import Msg
    from civicloop.notify.services import notify_queue
    from civicloop.people import policies
    from civicloop.people.models import TeamRequest

    volunteer = access.volunteer_of(actor)
    if volunteer is None or not policies.can_apply_to_team(actor, team):
        if volunteer is not None and team.status == Team.Status.ACTIVE:
            _pending_request(team, volunteer)
        raise _deny(actor, request, "people.team.apply", team)
    _pending_request(team, volunteer)
    row = TeamRequest.objects.create(
        team=team, volunteer=volunteer, kind=TeamRequest.Kind.APPLY, unit_path=team.unit_path,
        message=(message or "").strip()[:300], created_by=actor,
    )
    audit_record(action="people.team.apply", actor=actor, request=request, unit=team.home_unit, obj=row)
    notify_queue(
        recipients=[team.leader],
        kind="team_apply",
        title=Msg(gettext_noop("%(name)s asks to join %(team)s"), name=actor.masked_name, team=team.name),
        url=team.get_absolute_url(),
    )
    return row


@transaction.atomic(durable=True)
def team_invite(
    *, actor: User, team: Team, volunteer_number: str, message: str = "", request: HttpRequest | None = None
):
    """The leader (or the owning unit) invites a volunteer by number; the volunteer accepts or declines."""
    from django.utils.translation import gettext_noop

    from civicloop.core.exceptions import Conflict
    from civicloop.core.msg import Msg
    from civicloop.notify.services import notify_queue
    from civicloop.people import policies
    from civicloop.people.models import TeamRequest

    if not policies.can_run_team(actor, team):
        raise _deny(actor, request, "people.team.invite", team)
    if team.status != Team.Status.ACTIVE:
        raise Conflict(_("The team does not take new members now."))
    volunteer = (
        Volunteer.objects.select_related("user")
        .filter(number=(volunteer_number or "").strip().upper(), is_active=True)
        .first()
    )
    if volunteer is None:
        raise ValidationError({"volunteer_number": [_("No active volunteer has this number.")]})
    _pending_request(team, volunteer)
    row = TeamRequest.objects.create(
        team=team, volunteer=volunteer, kind=TeamRequest.Kind.INVITE, unit_path=team.unit_path,
        message=(message or "").strip()[:300], created_by=actor,
    )
    audit_record(action="people.team.invite", actor=actor, request=request, unit=team.home_unit, obj=row)
    notify_queue(
        recipients=[volunteer.user],
        kind="team_invite",
        title=Msg(gettext_noop("You are invited to join %(team)s"), team=team.name),
        url=team.get_absolute_url(),
    )
    return row
