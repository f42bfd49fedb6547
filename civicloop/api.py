"""The JSON API (django-ninja). OpenAPI at /api/docs. Each app contributes a Router from its api.py."""

from __future__ import annotations

import secrets
from typing import Any

from django.contrib.auth import authenticate
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import HttpRequest, HttpResponse
from django.utils import timezone
from django.utils.translation import gettext as _
from ninja import NinjaAPI, Schema
from ninja.errors import AuthenticationError, HttpError
from ninja.errors import ValidationError as SchemaError
from ninja.security import HttpBearer, django_auth

from civicloop.core.crypto import token_digest
from civicloop.core.exceptions import Conflict


class TokenAuth(HttpBearer):
    def authenticate(self, request: HttpRequest, token: str) -> Any:
        from civicloop.people.models import ApiToken

        row = ApiToken.objects.select_related("user").filter(token_hash=token_digest(token)).first()
        if row is None or not row.user.is_active:
            return None
        ApiToken.objects.filter(pk=row.pk).update(last_used_at=timezone.now())
        request.user = row.user
        return row.user


api = NinjaAPI(
    title="CivicLoop API",
    version="1",
    description="文明实践志愿服务平台 API. Authenticate with `Authorization: Bearer <token>` from POST /api/auth/token.",
    auth=[TokenAuth(), django_auth],
    urls_namespace="api",
)


def _message(exc: ValidationError) -> str:
    return "; ".join(str(m) for m in exc.messages)


@api.exception_handler(ValidationError)
def _validation(request: HttpRequest, exc: ValidationError) -> HttpResponse:
    return api.create_response(request, {"detail": _message(exc)}, status=400)


@api.exception_handler(SchemaError)
def _schema(request: HttpRequest, exc: SchemaError) -> HttpResponse:
    """Input of the wrong shape: 400 with a translated message naming the fields (not ninja's English 422)."""
    fields = ", ".join(".".join(str(p) for p in e.get("loc", [])[1:]) for e in exc.errors)
    return api.create_response(
        request, {"detail": _("Some fields are not valid: %(fields)s") % {"fields": fields}}, status=400
    )


@api.exception_handler(PermissionDenied)
def _denied(request: HttpRequest, exc: PermissionDenied) -> HttpResponse:
    return api.create_response(
        request, {"detail": str(exc) or _("You do not have permission to do this.")}, status=403
    )


@api.exception_handler(Conflict)
def _conflict(request: HttpRequest, exc: Conflict) -> HttpResponse:
    return api.create_response(request, {"detail": exc.message}, status=409)


@api.exception_handler(AuthenticationError)
def _unauth(request: HttpRequest, exc: AuthenticationError) -> HttpResponse:
    return api.create_response(request, {"detail": _("Please sign in first.")}, status=401)


class TokenIn(Schema):
    username: str
    password: str


class TokenOut(Schema):
    token: str


@api.post("/auth/token", auth=None, response=TokenOut, tags=["auth"])
def issue_token(request: HttpRequest, payload: TokenIn) -> dict[str, str]:
    """Exchange a username (or mobile) and password for a bearer token; the lockout rules apply."""
    from civicloop.people.models import ApiToken

    user = authenticate(request, username=payload.username, password=payload.password)
    if user is None:
        raise HttpError(401, _("Wrong username or password."))
    token = secrets.token_urlsafe(32)
    ApiToken.objects.create(user=user, token_hash=token_digest(token), name="api")
    return {"token": token}


def _mount() -> None:
    from importlib import import_module

    for app in (
        "network",
        "people",
        "records",
        "notify",
        "orders",
        "matching",
        "activities",
        "needs",
        "garden",
        "brands",
        "stats",
    ):
        api.add_router(f"/{app}", import_module(f"civicloop.{app}.api").router)


_mount()
