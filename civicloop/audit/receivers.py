"""Login, logout, failed-login and lockout audit rows, hooked to Django's and django-axes' signals."""

from __future__ import annotations

from typing import Any

from axes.signals import user_locked_out
from django.contrib.auth.signals import user_logged_in, user_logged_out, user_login_failed
from django.dispatch import receiver

from civicloop.audit.models import AuditEvent
from civicloop.audit.services import audit_record


@receiver(user_logged_in)
def _logged_in(sender: Any, request: Any, user: Any, **kwargs: Any) -> None:
    audit_record(action="login", actor=user, request=request, obj=user)


@receiver(user_logged_out)
def _logged_out(sender: Any, request: Any, user: Any, **kwargs: Any) -> None:
    if user is not None:
        from civicloop.people.models import ApiToken

        # Signing out ends every API token of the account too (a stolen token dies with the session).
        revoked, _ = ApiToken.objects.filter(user=user).delete()
        audit_record(
            action="logout", actor=user, request=request, obj=user, detail=f"tokens revoked={revoked}"
        )


@receiver(user_login_failed)
def _login_failed(sender: Any, credentials: dict, request: Any = None, **kwargs: Any) -> None:
    from civicloop.people.backends import mask_login

    username = mask_login(str(credentials.get("username", "")))  # never keep a mobile in the clear
    audit_record(
        action="login_failed",
        request=request,
        object_type="people.user",
        object_id=username[:50],
        outcome=AuditEvent.Outcome.FAILED,
        detail=f"username={username}",
    )


@receiver(user_locked_out)
def _locked_out(sender: Any, request: Any = None, username: str = "", **kwargs: Any) -> None:
    from civicloop.people.backends import mask_login

    account = str(username or "")  # "user:<id>", "phone:<keyed hash>" or "name:<typed name>"
    if account.startswith("name:"):
        account = "name:" + mask_login(account[5:])
    audit_record(
        action="lockout",
        request=request,
        object_type="people.user",
        object_id=account[:50],
        outcome=AuditEvent.Outcome.DENIED,
        detail=f"account={account}",
    )
