"""Sign-in and registration with a mobile number and an SMS code (issue #13).

A code is 6 digits, sent through the SMS channel (`settings.SMS_CHANNEL`, a `civicloop.notify.channels.SmsChannel`;
the development one logs it with the number masked), kept only as a keyed hash, valid `SMS_CODE_MINUTES` (5) for
one use and `SMS_CODE_TRIES` (5) wrong tries. Sending is limited per number (`SMS_CODE_PER_PHONE`, and a gap of
`SMS_CODE_GAP_SECONDS` between two) whether or not the number has an account, and per IP by the callers (scope
`sms`). Asking for a sign-in code answers the same for every valid number: a code goes out only to a number
with an active account. Registration sends a code to any number; only after the code is typed back — the person
has shown the number is theirs — does it say that the number already has an account.

A staff-like account that signs in with a code still passes its second factor (SecondFactorMiddleware on pages,
`otp` for an API token): the SMS code replaces the password, never the authenticator.
"""

from __future__ import annotations

import datetime as dt
import hmac
import re
import secrets
from collections.abc import Callable, Iterable
from typing import TypeVar

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.http import HttpRequest
from django.utils import timezone
from django.utils.module_loading import import_string
from django.utils.translation import gettext as _

from civicloop.audit.models import AuditEvent
from civicloop.audit.services import audit_record
from civicloop.core.crypto import lookup_hash
from civicloop.core.ratelimit import over_key_limit, recently
from civicloop.core.validators import MOBILE_RE, normalize_phone
from civicloop.network.models import Unit
from civicloop.people.models import SmsCode, User

T = TypeVar("T")
LOGIN = SmsCode.Purpose.LOGIN
REGISTER = SmsCode.Purpose.REGISTER
ROLES = ("resident", "volunteer")
LIMIT_CODE = "sms_limit"  # ValidationError code the API answers with 429


def _phone(phone: str) -> str:
    phone = normalize_phone(phone or "")
    if not MOBILE_RE.match(phone):
        raise ValidationError(_("Enter a valid 11-digit mobile number."), code="invalid_phone")
    return phone


def _code_hash(phone: str, purpose: str, code: str) -> str:
    return lookup_hash(f"sms:{purpose}:{phone}:{code}")


def refused() -> ValidationError:
    return ValidationError(_("The code is wrong or has expired. Ask for a new one."), code="bad_code")


def _send(phone: str, text: str) -> None:
    import_string(settings.SMS_CHANNEL)().send_text(phone, text)


def _active_user(phone: str) -> User | None:
    return User.objects.filter(phone_hash=lookup_hash(phone), is_active=True).first()


def sms_budget(phone: str) -> None:
    """Count one text to this number (any purpose); refuse while the gap or the hourly budget is not kept.
    Counted for every number alike, so the refusal tells nothing about accounts."""
    key = "sms:" + lookup_hash(phone)[:32]
    if recently(key, settings.SMS_CODE_GAP_SECONDS):
        raise ValidationError(
            _("A code was just sent to this number. Wait a minute before asking for another."), code=LIMIT_CODE
        )
    limit, window = settings.SMS_CODE_PER_PHONE
    if over_key_limit(key, limit, window):
        raise ValidationError(
            _("Too many codes were sent to this number. Try again in an hour."), code=LIMIT_CODE
        )


def sms_code_request(*, request: HttpRequest | None, phone: str, purpose: str) -> None:
    """Send a sign-in or registration code to this mobile (see the module's note on what is sent to whom)."""
    if purpose not in SmsCode.Purpose.values:
        raise ValidationError(_("Unknown purpose for a code."))
    phone = _phone(phone)
    sms_budget(phone)
    code = f"{secrets.randbelow(10**6):06d}"
    digest = _code_hash(phone, purpose, code)
    if purpose == LOGIN and _active_user(phone) is None:
        audit_record(
            action="sms_code_sent",
            request=request,
            object_type="people.smscode",
            detail=purpose,
            outcome=AuditEvent.Outcome.FAILED,
        )
        return
    minutes = settings.SMS_CODE_MINUTES
    with transaction.atomic():
        phone_hash = lookup_hash(phone)
        SmsCode.objects.filter(phone_hash=phone_hash, purpose=purpose).delete()
        try:
            with transaction.atomic():
                SmsCode.objects.create(
                    phone_hash=phone_hash,
                    purpose=purpose,
                    code_hash=digest,
                    expires_at=timezone.now() + dt.timedelta(minutes=minutes),
                )
        except IntegrityError:  # two requests for one number at the same moment: the other one's code stands
            raise ValidationError(
                _("A code was just sent to this number. Wait a minute before asking for another."),
                code=LIMIT_CODE,
            ) from None
        audit_record(action="sms_code_sent", request=request, object_type="people.smscode", detail=purpose)
        if purpose == LOGIN:
            text = _("CivicLoop: your sign-in code is %(code)s, valid for %(minutes)d minutes.")
        else:
            text = _("CivicLoop: your registration code is %(code)s, valid for %(minutes)d minutes.")
        text = text % {"code": code, "minutes": minutes}
        transaction.on_commit(lambda: _send(phone, text))


def _with_code(
    *, request: HttpRequest | None, phone: str, purpose: str, code: str, action: str, then: Callable[[], T]
) -> T:
    """Run `then()` if `code` is the pending code for this number; the code is used up only if `then` succeeds
    (a refused registration keeps it). A wrong code counts a try, kept even though the call is refused."""
    phone_hash = lookup_hash(phone)
    code = re.sub(r"\s", "", code or "")[:12]
    with transaction.atomic():
        row = (
            SmsCode.objects.select_for_update()
            .filter(
                phone_hash=phone_hash,
                purpose=purpose,
                expires_at__gt=timezone.now(),
                attempts__lt=settings.SMS_CODE_TRIES,
            )
            .first()
        )
        good = row is not None and hmac.compare_digest(row.code_hash, _code_hash(phone, purpose, code))
        if good:
            result = then()
            SmsCode.objects.filter(pk=row.pk).delete()  # type: ignore[union-attr]
            return result
        if row is not None:
            SmsCode.objects.filter(pk=row.pk).update(attempts=row.attempts + 1)
        audit_record(
            action=action, request=request, object_type="people.smscode", outcome=AuditEvent.Outcome.FAILED
        )
    raise refused()


def sms_sign_in(*, request: HttpRequest | None, phone: str, code: str) -> User:
    """The active account of this mobile, if `code` is its pending sign-in code; the same refusal otherwise.
    The caller starts the session (pages) or issues a token after the second factor (API)."""
    try:
        phone = _phone(phone)
    except ValidationError:
        raise refused() from None

    def then() -> User:
        user = _active_user(phone)
        if user is None:  # the account was closed after the code was sent
            raise refused()
        audit_record(action="sms_login", request=request, actor=user, obj=user)
        return user

    return _with_code(request=request, phone=phone, purpose=LOGIN, code=code, action="sms_login", then=then)


def _new_username() -> str:
    """A username nobody has to choose or remember (sign-in is by mobile); never derived from the number."""
    while True:
        username = f"m{secrets.token_hex(5)}"
        if not User.objects.filter(username__iexact=username).exists():
            return username


def sms_register(
    *,
    request: HttpRequest | None,
    phone: str,
    code: str,
    name: str,
    unit: Unit,
    role: str,
    consent: bool,
    password: str = "",
    categories: Iterable[str] = (),
) -> User:
    """Register a resident or a volunteer with a mobile and its registration code; no username needed (one is
    made up), the password is optional (without one the person signs in by SMS code). Returns the new user."""
    from civicloop.people import services

    phone = _phone(phone)
    if role not in ROLES:
        raise ValidationError(_("Choose whether you register as a resident or a volunteer."))

    def then() -> User:
        if User.objects.filter(phone_hash=lookup_hash(phone)).exists():
            # Safe to say now: whoever typed the code holds this number.
            raise ValidationError(
                _("This mobile number already has an account. Sign in with an SMS code instead."),
                code="has_account",
            )
        username = _new_username()
        if role == "volunteer":
            user = services.volunteer_register(
                user=None,
                username=username,
                password=password,
                name=name,
                phone=phone,
                home_unit=unit,
                categories=categories,
                consent=consent,
            ).user
        else:
            resident = services.resident_register(
                username=username, password=password, name=name, phone=phone, unit=unit, consent=consent
            )
            user = resident.user  # type: ignore[assignment]
        audit_record(action="sms_register", request=request, actor=user, obj=user, detail=role)
        return user

    return _with_code(request=request, phone=phone, purpose=REGISTER, code=code, action="sms_register", then=then)


def backend_path() -> str:
    """The authentication backend a session started by SMS code records (the model backend's lookups)."""
    return "civicloop.people.backends.UsernameOrPhoneBackend"
