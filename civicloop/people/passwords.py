"""Password policy (等保 2.0 L3 身份鉴别 a), change and reset by SMS code.

Policy (AUTH_PASSWORD_VALIDATORS): at least 10 characters from at least three of lower-case, upper-case, digits
and symbols; not containing the username or the mobile number; not in Django's list of common passwords.
A reset code is 6 digits sent by the SMS channel (`PASSWORD_RESET_SMS_CHANNEL`), kept only as a keyed hash,
valid `SMS_CODE_MINUTES` (5) and for 5 tries, within the same per-number budget as the sign-in codes
(`smscodes.sms_budget`); asking for one answers the same whether or not the number has an account.
"""

from __future__ import annotations

import datetime as dt
import hmac
import re
import secrets
from typing import Any

from django.conf import settings
from django.contrib.auth.password_validation import validate_password
from django.core.exceptions import ValidationError
from django.db import transaction
from django.http import HttpRequest
from django.utils import timezone
from django.utils.module_loading import import_string
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from civicloop.audit.models import AuditEvent
from civicloop.audit.services import audit_record
from civicloop.core.crypto import lookup_hash
from civicloop.core.validators import MOBILE_RE, normalize_phone

RESET_TRIES = 5


class CharacterClassValidator:
    """At least `min_classes` of: lower-case letters, upper-case letters, digits, other characters."""

    def __init__(self, min_classes: int = 3) -> None:
        self.min_classes = min_classes

    @staticmethod
    def classes(password: str) -> int:
        return sum(
            [
                bool(re.search(r"[a-z]", password)),
                bool(re.search(r"[A-Z]", password)),
                bool(re.search(r"\d", password)),
                bool(re.search(r"[^a-zA-Z\d]", password)),
            ]
        )

    def validate(self, password: str, user: Any = None) -> None:
        if self.classes(password) < self.min_classes:
            raise ValidationError(self.get_help_text(), code="password_classes")

    def get_help_text(self) -> str:
        return ngettext(
            "Use at least %(n)d kind of character: lower-case letters, capitals, digits, symbols.",
            "Use at least %(n)d of these kinds of characters: lower-case letters, capitals, digits, symbols.",
            self.min_classes,
        ) % {"n": self.min_classes}


class NotNameOrPhoneValidator:
    """The password must not contain the username or the mobile number (a guess anyone could make)."""

    def validate(self, password: str, user: Any = None) -> None:
        if user is None:
            return
        flat = re.sub(r"[\s\-_.]", "", password).lower()
        username = (getattr(user, "username", "") or "").lower()
        phone = normalize_phone(getattr(user, "phone", "") or "")
        if (len(username) >= 3 and username in flat) or (phone and phone[-8:] in flat):
            raise ValidationError(self.get_help_text(), code="password_personal")

    def get_help_text(self) -> str:
        return _("The password must not contain your username or mobile number.")


# --- change --------------------------------------------------------------------------------------------------


def password_change(*, request: HttpRequest | None, user: Any, new_password: str) -> None:
    """Set a new password (validated); API tokens end with it (`User.save`), other sessions by the auth hash."""
    validate_password(new_password, user)
    with transaction.atomic():
        user.set_password(new_password)
        user.save()
        audit_record(action="password_changed", actor=user, request=request, obj=user)


# --- reset by SMS code ---------------------------------------------------------------------------------------------


def _code_hash(user_id: int, code: str) -> str:
    return lookup_hash(f"reset:{user_id}:{code}")


def _find(phone: str) -> Any:
    from civicloop.people.models import User

    phone = normalize_phone(phone)
    if not MOBILE_RE.match(phone):
        return None
    return User.objects.filter(phone_hash=lookup_hash(phone), is_active=True).first()


def _sms(phone: str, text: str) -> None:
    import_string(settings.PASSWORD_RESET_SMS_CHANNEL)().send_text(phone, text)  # SMS_CHANNEL unless set apart


def password_reset_request(*, request: HttpRequest | None, phone: str) -> None:
    """Send a reset code to this mobile if it belongs to an active account; silent otherwise (no enumeration)."""
    from civicloop.people.models import PasswordResetCode

    if not MOBILE_RE.match(normalize_phone(phone)):
        raise ValidationError(_("Enter a valid 11-digit mobile number."))
    from civicloop.people.smscodes import sms_budget

    sms_budget(normalize_phone(phone))
    minutes = settings.SMS_CODE_MINUTES
    user = _find(phone)
    code = f"{secrets.randbelow(10**6):06d}"
    digest = _code_hash(user.pk if user else 0, code)  # the same work either way
    if user is None:
        audit_record(
            action="password_reset_request",
            request=request,
            object_type="people.user",
            outcome=AuditEvent.Outcome.FAILED,
        )
        return
    with transaction.atomic():
        PasswordResetCode.objects.filter(user=user).delete()
        PasswordResetCode.objects.create(
            user=user, code_hash=digest, expires_at=timezone.now() + dt.timedelta(minutes=minutes)
        )
        audit_record(action="password_reset_request", request=request, actor=user, obj=user)
        text = _("CivicLoop: your password reset code is %(code)s, valid for %(minutes)d minutes.") % {
            "code": code,
            "minutes": minutes,
        }
        number = user.phone
        transaction.on_commit(lambda: _sms(number, text))


def password_reset_confirm(*, request: HttpRequest | None, phone: str, code: str, new_password: str) -> Any:
    """Check the code and set the new password; the same refusal for an unknown number, a wrong or old code."""
    from civicloop.people.models import PasswordResetCode

    refused = ValidationError(_("The code is wrong or has expired. Ask for a new one."))
    user = _find(phone)
    code = re.sub(r"\s", "", code or "")[:12]
    with transaction.atomic():
        row = (
            PasswordResetCode.objects.select_for_update()
            .filter(user=user, expires_at__gt=timezone.now(), attempts__lt=RESET_TRIES)
            .first()
            if user is not None
            else None
        )
        good = row is not None and hmac.compare_digest(row.code_hash, _code_hash(user.pk, code))
        if not good:
            if row is not None:
                PasswordResetCode.objects.filter(pk=row.pk).update(attempts=row.attempts + 1)
            audit_record(
                action="password_reset",
                request=request,
                actor=user,
                object_type="people.user",
                object_id=str(user.pk) if user else "",
                outcome=AuditEvent.Outcome.FAILED,
            )
    if not good:
        raise refused
    validate_password(new_password, user)
    with transaction.atomic():
        user.set_password(new_password)
        user.save()
        PasswordResetCode.objects.filter(user=user).delete()
        audit_record(action="password_reset", request=request, actor=user, obj=user)
    from axes.utils import reset as axes_reset

    from civicloop.people.backends import account_key

    axes_reset(username=account_key(None, {"username": user.username}))  # a reset ends a lockout
    return user
