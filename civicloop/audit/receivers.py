"""Login, logout and failed-login audit rows, hooked to Django's auth signals."""

from __future__ import annotations

from typing import Any

from django.contrib.auth.signals import user_logged_in, user_logged_out, user_login_failed
from django.dispatch import receiver

from civicloop.audit.models import AuditEvent
from civicloop.audit.services import audit_record
from civicloop.core.masking import mask_phone


@receiver(user_logged_in)
def _logged_in(sender: Any, request: Any, user: Any, **kwargs: Any) -> None:
    audit_record(action="login", actor=user, request=request, obj=user)


@receiver(user_logged_out)
def _logged_out(sender: Any, request: Any, user: Any, **kwargs: Any) -> None:
    if user is not None:
        audit_record(action="logout", actor=user, request=request, obj=user)


@receiver(user_login_failed)
def _login_failed(sender: Any, credentials: dict, request: Any = None, **kwargs: Any) -> None:
    username = str(credentials.get("username", ""))[:150]
    if username.isdigit():  # people log in with their phone number too: never keep it in the clear
        username = mask_phone(username)
    audit_record(
        action="login_failed",
        request=request,
        object_type="people.user",
        object_id=username[:50],
        outcome=AuditEvent.Outcome.FAILED,
        detail=f"username={username}",
    )
