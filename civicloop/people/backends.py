"""Sign in with a username or with the mobile number (found through its keyed hash)."""

from __future__ import annotations

from typing import Any

from django.contrib.auth.backends import ModelBackend
from django.http import HttpRequest

from civicloop.core.crypto import lookup_hash
from civicloop.core.validators import MOBILE_RE, normalize_phone


class UsernameOrPhoneBackend(ModelBackend):
    def authenticate(
        self,
        request: HttpRequest | None,
        username: str | None = None,
        password: str | None = None,
        **kwargs: Any,
    ) -> Any:
        if username and MOBILE_RE.match(normalize_phone(username)):
            from civicloop.people.models import User

            user = User.objects.filter(phone_hash=lookup_hash(normalize_phone(username))).first()
            if (
                user is not None
                and password
                and user.check_password(password)
                and self.user_can_authenticate(user)
            ):
                return user
            return None
        return super().authenticate(request, username=username, password=password, **kwargs)
