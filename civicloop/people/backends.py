"""Sign in with a username or with the mobile number (found through its keyed hash).

Every spelling of one account (`15857592602`, `+86 158 5759 2602`, `158-5759-2602`) resolves to the same
account key, which django-axes counts failures against (`AXES_USERNAME_CALLABLE`), so respelling the mobile no
longer gets a fresh set of guesses. Unknown accounts cost one password hash too, so the answer time does not
tell whether a number is registered.
"""

from __future__ import annotations

import re
from typing import Any

from django.contrib.auth.backends import ModelBackend
from django.http import HttpRequest

from civicloop.core.crypto import lookup_hash
from civicloop.core.masking import mask_phone
from civicloop.core.validators import MOBILE_RE, normalize_phone


def _find_user(login: str) -> Any:
    from civicloop.people.models import User

    login = (login or "").strip()
    if not login:
        return None
    phone = normalize_phone(login)
    if MOBILE_RE.match(phone):
        return User.objects.filter(phone_hash=lookup_hash(phone)).first()
    return User.objects.filter(username=login).first()


def account_key(request: HttpRequest | None, credentials: dict | None = None) -> str:
    """The identity a sign-in attempt is counted against: the account, however its login was spelled.

    Known accounts → `user:<id>`; unknown mobiles → a keyed hash of the normalised number (never the number
    itself, so axes' tables hold no mobile in the clear); other unknown names → the lower-cased name.
    """
    raw = (credentials or {}).get("username")
    if raw is None and request is not None:
        raw = request.POST.get("username", "")
    raw = str(raw or "")[:150]
    user = _find_user(raw)
    if user is not None:
        return f"user:{user.pk}"
    phone = normalize_phone(raw.strip())
    if MOBILE_RE.match(phone):
        return "phone:" + lookup_hash(phone)[:32]
    return "name:" + raw.strip().lower()


def mask_login(raw: str) -> str:
    """A login string safe for the audit log: anything carrying a phone-like run of digits is masked."""
    raw = str(raw or "")[:150]
    digits = re.sub(r"\D", "", raw)
    if len(digits) >= 7:
        phone = normalize_phone(raw.strip())
        return mask_phone(phone if MOBILE_RE.match(phone) else digits)
    return raw


class UsernameOrPhoneBackend(ModelBackend):
    def authenticate(
        self,
        request: HttpRequest | None,
        username: str | None = None,
        password: str | None = None,
        **kwargs: Any,
    ) -> Any:
        if username and MOBILE_RE.match(normalize_phone(username.strip())):
            from civicloop.people.models import User

            user = _find_user(username)
            if user is None:
                # Same work as a known account, so timing does not reveal whether the number is registered.
                User().set_password(password or "")
                return None
            if password and user.check_password(password) and self.user_can_authenticate(user):
                return user
            return None
        return super().authenticate(request, username=username, password=password, **kwargs)
