"""The JSON API (django-ninja). OpenAPI at /api/docs. Each app contributes a Router from its api.py."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.conf import settings
from django.contrib.auth import authenticate
from django.core.exceptions import PermissionDenied, RequestDataTooBig, ValidationError
from django.db import DataError
from django.http import Http404, HttpRequest, HttpResponse
from django.http.request import RawPostDataException
from django.utils import timezone
from django.utils.translation import gettext as _
from ninja import Field, Schema, Status
from ninja.errors import AuthenticationError, HttpError
from ninja.errors import ValidationError as SchemaError
from ninja.parser import Parser
from ninja.security import HttpBearer, django_auth

from civicloop.audit.services import audit_record
from civicloop.core.crypto import token_digest
from civicloop.core.exceptions import Conflict
from civicloop.core.openapi import CivicAPI
from civicloop.core.ratelimit import over_limit, too_many_message


class TokenAuth(HttpBearer):
    """A bearer token that is not expired and, for staff-like accounts, not idle past the session limit."""

    def authenticate(self, request: HttpRequest, token: str) -> Any:
        from civicloop.people import mfa
        from civicloop.people.models import ApiToken

        if len(token) > 200:
            return None
        row = ApiToken.objects.select_related("user").filter(token_hash=token_digest(token)).first()
        if row is None or not row.user.is_active:
            return None
        now = timezone.now()
        expired = row.expires_at is not None and row.expires_at <= now
        idle_limit = dt.timedelta(seconds=settings.STAFF_IDLE_TIMEOUT_SECONDS)
        idle = mfa.is_privileged(row.user) and (row.last_used_at or row.created_at) < now - idle_limit
        if expired or idle:
            row.delete()
            return None
        ApiToken.objects.filter(pk=row.pk).update(last_used_at=now)
        request.user = row.user
        request.api_token = row
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
        if not isinstance(data, dict | list):  # no operation takes a bare `false`, number or string
            raise ValidationError(_("The request body must be a JSON object."))
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
        body["errors"] = {
            name: [str(m) for e in errs for m in e.messages] for name, errs in exc.error_dict.items()
        }
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
    if not getattr(exc, "audited", False):  # policy functions audit their own denials
        from civicloop.audit.models import AuditEvent

        audit_record(
            action="api_403",
            request=request,
            object_type="path",
            object_id=request.path[:50],
            outcome=AuditEvent.Outcome.DENIED,
        )
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


@api.exception_handler(RawPostDataException)
def _form_body(request: HttpRequest, exc: RawPostDataException) -> HttpResponse:
    """A form-encoded or multipart body where the operation reads JSON (e.g. `curl -F` on a step endpoint)."""
    return api.create_response(request, {"detail": _("Send the request body as JSON.")}, status=400)


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


class AuthTokenIn(Schema):
    username: str = Field(..., max_length=150)
    password: str = Field(..., max_length=128)
    otp: str = Field(
        "",
        max_length=20,
        description="second factor (6-digit authenticator code or a recovery code): required for office, "
        "unit staff, liaison and auditor accounts",
    )
    device: str = Field(
        "api", min_length=1, max_length=50, description="a name for the client; one live token per name"
    )


class AuthTokenOut(Schema):
    token: str
    expires_at: dt.datetime


@api.post("/auth/token", auth=None, response={200: AuthTokenOut}, tags=["auth"])
def issue_token(request: HttpRequest, payload: AuthTokenIn) -> dict[str, Any]:
    """Exchange a username (or mobile), password and — for staff-like accounts — the second factor for a bearer
    token. The lockout and rate limits apply; a new token for the same device name replaces the old one."""
    from civicloop.people import mfa
    from civicloop.people.auth import lockout_message
    from civicloop.people.services import api_token_issue

    if over_limit(request, "signin"):
        raise HttpError(429, too_many_message())
    user = authenticate(request, username=payload.username, password=payload.password)
    if getattr(request, "axes_locked_out", False):
        raise HttpError(429, lockout_message())
    if user is None:
        raise HttpError(401, _("Wrong username or password."))
    mfa.check_for_token(request, user, payload.otp)
    token, expires_at = api_token_issue(user=user, request=request, name=payload.device)
    return {"token": token, "expires_at": expires_at}


@api.delete(
    "/auth/token",
    auth=TokenAuth(),
    response={204: None},
    tags=["auth"],
    summary="注销令牌 · Revoke the bearer token of this request",
)
def revoke_token(request: HttpRequest) -> Status:
    """Revoke the bearer token this request was made with."""
    request.api_token.delete()
    audit_record(action="token_revoked", actor=request.user, request=request, obj=request.user)
    return Status(204, None)


class PasswordChangeIn(Schema):
    old_password: str = Field(..., max_length=128)
    new_password: str = Field(..., max_length=128)


@api.post("/auth/password", response={204: None}, tags=["auth"], summary="修改密码 · Change my password")
def change_password(request: HttpRequest, payload: PasswordChangeIn) -> Status:
    """Change the password (same policy as the page). Every API token of the account ends with it."""
    from civicloop.people import passwords

    if not request.user.check_password(payload.old_password):
        raise ValidationError(_("The current password is not right."))
    passwords.password_change(request=request, user=request.user, new_password=payload.new_password)
    return Status(204, None)


class ResetIn(Schema):
    phone: str = Field(..., max_length=20)


class ResetConfirmIn(Schema):
    phone: str = Field(..., max_length=20)
    code: str = Field(..., max_length=12)
    new_password: str = Field(..., max_length=128)


@api.post(
    "/auth/reset",
    auth=None,
    response={202: None},
    tags=["auth"],
    summary="短信重置密码 · Send a reset code by SMS",
)
def reset_request(request: HttpRequest, payload: ResetIn) -> Status:
    """Send a password reset code by SMS. The answer is the same whether or not the number has an account."""
    from civicloop.people import passwords

    if over_limit(request, "reset"):
        raise HttpError(429, too_many_message())
    passwords.password_reset_request(request=request, phone=payload.phone)
    return Status(202, None)


@api.post(
    "/auth/reset/confirm",
    auth=None,
    response={204: None},
    tags=["auth"],
    summary="设置新密码 · Set a new password with the SMS code",
)
def reset_confirm(request: HttpRequest, payload: ResetConfirmIn) -> Status:
    """Set a new password with the code from the text message."""
    from civicloop.people import passwords

    if over_limit(request, "reset"):
        raise HttpError(429, too_many_message())
    passwords.password_reset_confirm(
        request=request, phone=payload.phone, code=payload.code, new_password=payload.new_password
    )
    return Status(204, None)


# --- sign-in and registration by SMS code (the twins of /accounts/sms/ and /accounts/register/) -----------------


class SmsCodeIn(Schema):
    phone: str = Field(..., max_length=20)
    purpose: str = Field(
        "login", pattern="^(login|register)$", description="login (an existing account) or register (a new one)"
    )


class SmsTokenIn(Schema):
    phone: str = Field(..., max_length=20)
    code: str = Field(..., max_length=12)
    otp: str = Field(
        "",
        max_length=20,
        description="second factor (authenticator or recovery code): still required for office, unit staff, "
        "liaison and auditor accounts; the SMS code replaces the password only",
    )
    device: str = Field("api", min_length=1, max_length=50)


class SmsRegisterIn(Schema):
    phone: str = Field(..., max_length=20)
    code: str = Field(..., max_length=12)
    name: str = Field(..., max_length=50)
    unit: int = Field(..., ge=1, le=2**53, description="the station (GET /api/network/units)")
    role: str = Field("resident", pattern="^(resident|volunteer)$")
    categories: list[str] = Field([], description="service platforms; at least one for a volunteer")
    password: str = Field("", max_length=128, description="optional: without one, sign in by SMS code")
    consent: bool = False
    device: str = Field("api", min_length=1, max_length=50)


class SmsRegisterOut(AuthTokenOut):
    user_id: int
    role: str


def _sms_error(exc: ValidationError) -> None:
    """The per-number budget of SMS codes answers 429 like the per-IP one; other refusals are 400."""
    from civicloop.people.smscodes import LIMIT_CODE

    if any(e.code == LIMIT_CODE for e in exc.error_list):
        raise HttpError(429, _message(exc)) from None
    raise exc


@api.post(
    "/auth/sms/code",
    auth=None,
    response={202: None},
    tags=["auth"],
    summary="获取短信验证码 · Send a sign-in or registration code by SMS",
)
def sms_code(request: HttpRequest, payload: SmsCodeIn) -> Status:
    """Send a 6-digit code (valid 5 minutes, one use). For `login` the answer is the same whether or not the
    number has an account (a code goes only to an account's number). 429 past the per-IP or per-number limit."""
    from civicloop.people import smscodes

    if over_limit(request, "sms"):
        raise HttpError(429, too_many_message())
    try:
        smscodes.sms_code_request(request=request, phone=payload.phone, purpose=payload.purpose)
    except ValidationError as exc:
        _sms_error(exc)
    return Status(202, None)


@api.post(
    "/auth/sms/token",
    auth=None,
    response={200: AuthTokenOut},
    tags=["auth"],
    summary="短信验证码登录 · Exchange a mobile number and SMS code for a bearer token",
)
def sms_token(request: HttpRequest, payload: SmsTokenIn) -> dict[str, Any]:
    """Sign in with the code from POST /api/auth/sms/code (purpose login). 400 for a wrong, used or old code;
    staff-like accounts need `otp` as well (401 without it)."""
    from civicloop.people import mfa, smscodes
    from civicloop.people.services import api_token_issue

    if over_limit(request, "signin"):
        raise HttpError(429, too_many_message())
    user = smscodes.sms_sign_in(request=request, phone=payload.phone, code=payload.code)
    mfa.check_for_token(request, user, payload.otp)
    token, expires_at = api_token_issue(user=user, request=request, name=payload.device)
    return {"token": token, "expires_at": expires_at}


@api.post(
    "/auth/register",
    auth=None,
    response={201: SmsRegisterOut},
    tags=["auth"],
    summary="短信验证码注册 · Register a resident or volunteer with a mobile number and SMS code",
)
def sms_register(request: HttpRequest, payload: SmsRegisterIn) -> Status:
    """Register with the code from POST /api/auth/sms/code (purpose register): no username (one is made up),
    the password is optional. Answers a bearer token for the new account."""
    from civicloop.core.forms import form_data, valid_or_400
    from civicloop.people import selectors, smscodes
    from civicloop.people.services import api_token_issue
    from civicloop.people.sms_forms import SmsRegisterForm

    if over_limit(request, "register"):
        raise HttpError(429, too_many_message())
    data = payload.dict()
    device = data.pop("device")
    form = SmsRegisterForm(form_data(data), units=selectors.registration_units())
    d = valid_or_400(form)
    user = smscodes.sms_register(request=request, **form.registration())
    token, expires_at = api_token_issue(user=user, request=request, name=device)
    return Status(201, {"token": token, "expires_at": expires_at, "user_id": user.pk, "role": d["role"]})


def _mount() -> None:
    from civicloop.core.registry import civic_apps

    for app in civic_apps():
        if app.api_prefix:
            api.add_router(f"/{app.api_prefix}", app.api_router())


_mount()
