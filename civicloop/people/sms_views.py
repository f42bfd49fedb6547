"""Sign in and register with a mobile number and an SMS code (issue #13). One form per page, two buttons:
「获取验证码」 sends the code (scope `sms`), the other uses it (scope `signin` or `register`)."""

from __future__ import annotations

from django.conf import settings
from django.contrib import messages
from django.contrib.auth import login
from django.core.exceptions import ValidationError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache

from civicloop import access
from civicloop.core.ratelimit import over_limit, too_many_response
from civicloop.people import selectors, smscodes
from civicloop.people.sms_forms import PhoneForm, SmsLoginForm, SmsRegisterForm


def _next(request: HttpRequest) -> str:
    target = request.POST.get("next") or request.GET.get("next") or ""
    if url_has_allowed_host_and_scheme(target, allowed_hosts={request.get_host()}, require_https=False):
        return target
    return "/me/"


def _send(request: HttpRequest, form: PhoneForm | SmsLoginForm | SmsRegisterForm, purpose: str) -> bool:
    """The 「获取验证码」 button: validate only the number and send; errors go next to the number."""
    phone_form = PhoneForm(request.POST)
    if not phone_form.is_valid():
        for message in phone_form.errors.get("phone", []):
            form.add_error("phone", message)
        return False
    try:
        smscodes.sms_code_request(request=request, phone=phone_form.cleaned_data["phone"], purpose=purpose)
    except ValidationError as exc:
        form.add_error("phone", exc.messages[0])
        return False
    return True


@never_cache
def sms_login(request: HttpRequest) -> HttpResponse:
    if request.user.is_authenticated:
        return redirect(_next(request))
    sent = False
    if request.method == "POST":
        action = request.POST.get("action")
        if over_limit(request, "sms" if action == "send" else "signin"):
            return too_many_response(request)
        form = SmsLoginForm(request.POST)
        if action == "send":
            form.errors.clear()  # only the number matters for this button
            sent = _send(request, form, smscodes.LOGIN)
            if sent:
                messages.info(
                    request, _("If this number belongs to an account, a code is on its way by text message.")
                )
        elif form.is_valid():
            try:
                user = smscodes.sms_sign_in(
                    request=request, phone=form.cleaned_data["phone"], code=form.cleaned_data["code"]
                )
            except ValidationError as exc:
                form.add_error("code", exc.messages[0])
            else:
                login(request, user, backend=smscodes.backend_path())
                access.forget(user)
                # Staff-like accounts are sent on to their authenticator by SecondFactorMiddleware.
                return redirect(_next(request))
    else:
        form = SmsLoginForm()
    return render(
        request,
        "people/sms_login.html",
        {"form": form, "sent": sent, "next": _next(request), "minutes": settings.SMS_CODE_MINUTES},
    )


@never_cache
def sms_register(request: HttpRequest) -> HttpResponse:
    if request.user.is_authenticated:
        return redirect("landing")
    units = selectors.registration_units()
    sent = False
    if request.method == "POST":
        action = request.POST.get("action")
        if over_limit(request, "sms" if action == "send" else "register"):
            return too_many_response(request)
        form = SmsRegisterForm(request.POST, units=units)
        if action == "send":
            form.errors.clear()
            sent = _send(request, form, smscodes.REGISTER)
            if sent:
                messages.info(request, _("A code is on its way by text message."))
        elif form.is_valid():
            try:
                user = smscodes.sms_register(request=request, **form.registration())
            except ValidationError as exc:
                for message in exc.messages:
                    form.add_error(None, message)
            else:
                login(request, user, backend=smscodes.backend_path())
                access.forget(user)
                messages.success(request, _("Welcome! You are registered and signed in."))
                home = "volunteer_home" if form.cleaned_data["role"] == "volunteer" else "resident_home"
                return redirect(f"people:{home}")
    else:
        form = SmsRegisterForm(units=units)
    return render(request, "people/sms_register.html", {"form": form, "sent": sent})
