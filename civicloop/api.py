"""The JSON API (django-ninja). OpenAPI at /api/docs. Each app contributes a Router from its api.py."""

from __future__ import annotations

from typing import Any

from django.contrib.auth import authenticate
from django.core.exceptions import PermissionDenied, RequestDataTooBig, ValidationError
from django.db import DataError
from django.http import Http404, HttpRequest, HttpResponse
from django.utils import timezone
from django.utils.translation import gettext as _
from ninja import Schema
from ninja.errors import AuthenticationError, HttpError
from ninja.errors import ValidationError as SchemaError
from ninja.parser import Parser
from ninja.security import HttpBearer, django_auth

from civicloop.core.crypto import token_digest
from civicloop.core.exceptions import Conflict
from civicloop.core.openapi import CivicAPI


class TokenAuth(HttpBearer):
    def authenticate(self, request: HttpRequest, token: str) -> Any:
        from civicloop.people.models import ApiToken

        row = ApiToken.objects.select_related("user").filter(token_hash=token_digest(token)).first()
        if row is None or not row.user.is_active:
            return None
        ApiToken.objects.filter(pk=row.pk).update(last_used_at=timezone.now())
        request.user = row.user
        return row.user


def _bad_text(value: Any) -> bool:
    """True if a string anywhere in the parsed body holds NUL or a lone surrogate (neither database stores them)."""
    if isinstance(value, str):
        if "\x00" in value:
            return True
        try:
            value.encode("utf-8")
        except UnicodeEncodeError:
            return True
        return False
    if isinstance(value, dict):
        return any(_bad_text(k) or _bad_text(v) for k, v in value.items())
    if isinstance(value, list):
        return any(_bad_text(v) for v in value)
    return False


class TextParser(Parser):
    """JSON bodies whose text the databases can store: NUL characters and lone surrogates (`"\\ud800"`) are
    refused here with a 400 instead of failing at the database with a 500."""

    def parse_body(self, request: HttpRequest) -> Any:
        data = super().parse_body(request)
        if _bad_text(data):
            raise ValidationError(_("The text contains characters that are not allowed."))
        return data


api = CivicAPI(
    title="CivicLoop API",
    version="1",
    description="文明实践志愿服务平台 API. Authenticate with `Authorization: Bearer <token>` from POST /api/auth/token.",
    auth=[TokenAuth(), django_auth],
    urls_namespace="api",
    parser=TextParser(),
)


def _message(exc: ValidationError) -> str:
    return "; ".join(str(m) for m in exc.messages)


@api.exception_handler(ValidationError)
def _validation(request: HttpRequest, exc: ValidationError) -> HttpResponse:
    body: dict[str, Any] = {"detail": _message(exc)}
    if hasattr(exc, "error_dict"):  # a form's field messages (workflow steps): say which field each is for
        body["errors"] = {name: [str(m) for e in errs for m in e.messages] for name, errs in exc.error_dict.items()}
    return api.create_response(request, body, status=400)


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


@api.exception_handler(HttpError)
def _http_error(request: HttpRequest, exc: HttpError) -> HttpResponse:
    """ninja wraps a body it cannot parse in an English HttpError; answer in the user's language instead."""
    cause = exc.__cause__
    unparsed = exc.status_code == 400 and str(exc).startswith("Cannot parse request body")
    if unparsed and isinstance(cause, ValidationError):  # refused by TextParser
        detail = _message(cause)
    elif unparsed:
        detail = _("The request body is not valid JSON.")
    elif (
        exc.status_code == 403 and str(exc) == "CSRF check Failed"
    ):  # a write with no token and no valid session
        detail = _("The security check failed: sign in again, or send a bearer token.")
    else:
        detail = str(exc)
    return api.create_response(request, {"detail": detail}, status=exc.status_code)


@api.exception_handler(RequestDataTooBig)
def _too_big(request: HttpRequest, exc: RequestDataTooBig) -> HttpResponse:
    """A body over DATA_UPLOAD_MAX_MEMORY_SIZE (ninja reads it outside its own error handling)."""
    return api.create_response(request, {"detail": _("The request is too large.")}, status=413)


@api.exception_handler(Http404)
def _not_found(request: HttpRequest, exc: Http404) -> HttpResponse:
    return api.create_response(request, {"detail": _("Not found.")}, status=404)


@api.exception_handler(OverflowError)
@api.exception_handler(DataError)
def _out_of_range(request: HttpRequest, exc: Exception) -> HttpResponse:
    """Last line of defence: a value the database refuses (schemas and the parser catch what they can)."""
    return api.create_response(
        request,
        {"detail": _("A value is out of range or contains characters that are not allowed.")},
        status=400,
    )


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
    from civicloop.people.services import api_token_issue

    user = authenticate(request, username=payload.username, password=payload.password)
    if user is None:
        raise HttpError(401, _("Wrong username or password."))
    return {"token": api_token_issue(user=user, request=request)}


def _mount() -> None:
    from civicloop.core.registry import civic_apps

    for app in civic_apps():
        if app.api_prefix:
            api.add_router(f"/{app.api_prefix}", app.api_router())


_mount()
