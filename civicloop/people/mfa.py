"""Second factor (等保 2.0 L3, 身份鉴别 d): TOTP authenticator apps (django-otp) plus single-use recovery codes.

Who: office, unit staff, liaison and auditor accounts (and Django admin staff) — `is_privileged`. Pages send
such a user, once signed in with the password, to enrol (`/accounts/mfa/setup/`) or to enter the code
(`/accounts/mfa/`) before anything else; the API answers 401 to an unverified session and issues a bearer
token only with the code (`otp` in POST /api/auth/token). Every step is audited.
"""

from __future__ import annotations

import secrets
from base64 import b32encode
from collections.abc import Callable
from typing import Any

import django_otp
from django.core.exceptions import ValidationError
from django.db import transaction
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import redirect
from django.utils.http import urlencode
from django.utils.translation import gettext as _
from django_otp.plugins.otp_static.models import StaticDevice, StaticToken
from django_otp.plugins.otp_totp.models import TOTPDevice

from civicloop import access
from civicloop.audit.models import AuditEvent
from civicloop.audit.services import audit_record

RECOVERY_CODES = 10
# Set in the session when it passes the second factor. A session flag rather than django-otp's device lookup on
# every request (one query less per staff request); Django flushes the session when another user signs in.
VERIFIED_KEY = "mfa_verified"
TOTP_NAME = "authenticator"
RECOVERY_NAME = "recovery"


def is_privileged(user: Any) -> bool:
    """Office, unit staff, liaison and auditor accounts (and Django admin staff): a second factor, idle limits."""
    if user is None or not user.is_authenticated:
        return False
    return bool(user.is_staff or access.is_staff(user) or access.is_auditor(user) or access.is_liaison(user))


def totp_device(user: Any, *, confirmed: bool = True) -> TOTPDevice | None:
    return TOTPDevice.objects.filter(user=user, confirmed=confirmed).order_by("-id").first()


def is_verified(request: HttpRequest) -> bool:
    return bool(getattr(request, "session", {}).get(VERIFIED_KEY))


def session_verified(request: HttpRequest, device: Any) -> None:
    request.session[VERIFIED_KEY] = device.persistent_id
    django_otp.login(request, device)


def is_enrolled(user: Any) -> bool:
    return totp_device(user) is not None


def secret_text(device: TOTPDevice) -> str:
    """The key as people type it into an authenticator app (base32, in groups of four)."""
    raw = b32encode(device.bin_key).decode().rstrip("=")
    return " ".join(raw[i : i + 4] for i in range(0, len(raw), 4))


# --- services ------------------------------------------------------------------------------------------------


def mfa_enrol_start(*, user: Any) -> TOTPDevice:
    """A new, unconfirmed authenticator for this user (replacing an earlier unconfirmed one)."""
    with transaction.atomic():
        TOTPDevice.objects.filter(user=user, confirmed=False).delete()
        return TOTPDevice.objects.create(user=user, name=TOTP_NAME, confirmed=False)


def _new_recovery_codes(user: Any) -> list[str]:
    StaticDevice.objects.filter(user=user, name=RECOVERY_NAME).delete()
    device = StaticDevice.objects.create(user=user, name=RECOVERY_NAME, confirmed=True)
    codes = [f"{secrets.randbelow(10**8):08d}" for _ in range(RECOVERY_CODES)]
    StaticToken.objects.bulk_create([StaticToken(device=device, token=c) for c in codes])
    return codes


def mfa_enrol_confirm(*, request: HttpRequest, user: Any, code: str) -> list[str]:
    """Confirm the pending authenticator with its first code; returns fresh recovery codes (shown once)."""
    device = totp_device(user, confirmed=False)
    if device is None:
        raise ValidationError(_("Start the set-up again: no authenticator is waiting to be confirmed."))
    with transaction.atomic():
        if not device.verify_token(_digits(code)):
            audit_record(action="mfa_enrol", request=request, obj=user, outcome=AuditEvent.Outcome.FAILED)
            raise ValidationError(_("The code is not right. Check the time on your phone and try again."))
        TOTPDevice.objects.filter(user=user, confirmed=True).delete()
        device.confirmed = True
        device.save()
        codes = _new_recovery_codes(user)
        audit_record(action="mfa_enrol", request=request, obj=user)
    session_verified(request, device)
    return codes


def _digits(code: str) -> str:
    return "".join(ch for ch in str(code or "") if not ch.isspace() and ch != "-")[:20]


def mfa_check(*, request: HttpRequest | None, user: Any, code: str) -> Any:
    """The device (authenticator, or a recovery code — used up) that accepts this code; None if none does.
    Recorded in the audit log either way."""
    code = _digits(code)
    device = None
    if code:
        with transaction.atomic():
            for candidate in django_otp.devices_for_user(user, for_verify=True):
                if candidate.verify_token(code):
                    device = candidate
                    break
    if device is None:
        audit_record(
            action="mfa_failed", request=request, actor=user, obj=user, outcome=AuditEvent.Outcome.FAILED
        )
    else:
        detail = "recovery code" if isinstance(device, StaticDevice) else "authenticator"
        audit_record(action="mfa_verified", request=request, actor=user, obj=user, detail=detail)
    return device


def mfa_verify(*, request: HttpRequest, code: str) -> None:
    """Second factor for the signed-in session."""
    device = mfa_check(request=request, user=request.user, code=code)
    if device is None:
        raise ValidationError(_("The code is not right. Check the time on your phone and try again."))
    session_verified(request, device)


def mfa_recovery_renew(*, request: HttpRequest, user: Any) -> list[str]:
    with transaction.atomic():
        codes = _new_recovery_codes(user)
        audit_record(action="mfa_recovery_renewed", request=request, obj=user)
    return codes


def mfa_enrol_fixed(*, user: Any, key_hex: str) -> TOTPDevice:
    """Enrol a known key (the demo's printed secret, tests); never used for real accounts."""
    TOTPDevice.objects.filter(user=user).delete()
    return TOTPDevice.objects.create(user=user, name=TOTP_NAME, key=key_hex, confirmed=True)


def check_for_token(request: HttpRequest, user: Any, otp: str) -> None:
    """POST /api/auth/token: a privileged account gets a token only with its second factor."""
    from ninja.errors import HttpError  # the API's; this module is also the pages' middleware

    if not is_privileged(user):
        return
    if not is_enrolled(user):
        raise HttpError(
            403, _("Set up the authenticator app on the website first (Account → Two-step sign-in).")
        )
    if not otp:
        raise HttpError(401, _("Enter the code from your authenticator app (field otp)."))
    if mfa_check(request=request, user=user, code=otp) is None:
        raise HttpError(401, _("The code is not right. Check the time on your phone and try again."))


# --- enforcement -----------------------------------------------------------------------------------------------

EXEMPT = ("/accounts/mfa/", "/accounts/logout/", "/static/", "/i18n/", "/favicon")


def _privileged(request: HttpRequest, user: Any) -> bool:
    """is_privileged, read from the session's role note when it has a fresh one (written by the idle check at most
    five minutes ago), so a resident's or leader's page view costs no membership query. A role granted during a
    session therefore asks for the second factor within five minutes — the same window as the navigation."""
    import time

    from civicloop.core.middleware import STAFF_LIKE, _cached_roles

    roles = _cached_roles(request, user, int(time.time())) if hasattr(request, "session") else None
    if roles is None:
        return is_privileged(user)
    return bool(user.is_staff or STAFF_LIKE.intersection(roles))


class SecondFactorMiddleware:
    """After the password, a privileged session may only enrol or enter its code until it has done so."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        user = getattr(request, "user", None)
        if (
            user is not None
            and user.is_authenticated
            and not request.path.startswith(EXEMPT)
            and not is_verified(request)
            and _privileged(request, user)
        ):
            if request.path.startswith("/api/"):
                return JsonResponse(
                    {"detail": _("Complete the two-step sign-in on the website first.")}, status=401
                )
            target = "account:mfa_verify" if is_enrolled(user) else "account:mfa_setup"
            from django.urls import reverse

            return redirect(f"{reverse(target)}?{urlencode({'next': request.get_full_path()})}")
        return self.get_response(request)
