"""Account security pages: two-step sign-in (enrol, verify, recovery codes), password change and reset."""

from __future__ import annotations

from django import forms
from django.contrib import messages
from django.contrib.auth import update_session_auth_hash
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.cache import never_cache

from civicloop.core.ratelimit import rate_limited
from civicloop.people import mfa, passwords


class CodeForm(forms.Form):
    code = forms.CharField(
        label=gettext_lazy("Code"),
        max_length=20,
        widget=forms.TextInput(
            attrs={"autocomplete": "one-time-code", "inputmode": "numeric", "autofocus": True}
        ),
        help_text=gettext_lazy("The 6 digits in your authenticator app, or one of your recovery codes."),
    )


def _next(request: HttpRequest) -> str:
    target = request.POST.get("next") or request.GET.get("next") or ""
    if url_has_allowed_host_and_scheme(target, allowed_hosts={request.get_host()}, require_https=False):
        return target
    return "/me/"


@never_cache
@login_required
def account(request: HttpRequest) -> HttpResponse:
    return render(
        request,
        "people/account.html",
        {"privileged": mfa.is_privileged(request.user), "enrolled": mfa.is_enrolled(request.user)},
    )


@never_cache
@login_required
def mfa_setup(request: HttpRequest) -> HttpResponse:
    """Enrol an authenticator: a QR code and the key to type, then the first code confirms it.
    Replacing an authenticator needs the session to have passed the second factor already."""
    user = request.user
    if mfa.is_enrolled(user) and not mfa.is_verified(request):
        return redirect(f"/accounts/mfa/?next={_next(request)}")
    form = CodeForm(request.POST if request.method == "POST" else None)
    device = mfa.totp_device(user, confirmed=False)
    if request.method == "POST" and device is not None and form.is_valid():
        try:
            codes = mfa.mfa_enrol_confirm(request=request, user=user, code=form.cleaned_data["code"])
        except ValidationError as exc:
            form.add_error("code", exc.messages[0])
        else:
            return render(request, "people/mfa_codes.html", {"codes": codes, "next": _next(request)})
    if device is None or request.method != "POST":
        device = mfa.mfa_enrol_start(user=user)
    import segno  # loaded by the first enrolment page only

    qr = segno.make(device.config_url, error="m").svg_inline(scale=5, dark="#222", light="#fff")
    return render(
        request,
        "people/mfa_setup.html",
        {
            "form": form,
            "qr": qr,
            "secret": mfa.secret_text(device),
            "next": _next(request),
            "mfa_pending": not mfa.is_verified(request),  # no menu of pages that are not open yet
        },
    )


@never_cache
@login_required
@rate_limited("signin")
def mfa_verify(request: HttpRequest) -> HttpResponse:
    if not mfa.is_enrolled(request.user):
        return redirect(f"/accounts/mfa/setup/?next={_next(request)}")
    if mfa.is_verified(request):
        return redirect(_next(request))
    form = CodeForm(request.POST if request.method == "POST" else None)
    if request.method == "POST" and form.is_valid():
        try:
            mfa.mfa_verify(request=request, code=form.cleaned_data["code"])
        except ValidationError as exc:
            form.add_error("code", exc.messages[0])
        else:
            return redirect(_next(request))
    return render(
        request, "people/mfa_verify.html", {"form": form, "next": _next(request), "mfa_pending": True}
    )


@never_cache
@login_required
def mfa_recovery(request: HttpRequest) -> HttpResponse:
    """New recovery codes (the old ones stop working); only after the second factor."""
    if not mfa.is_enrolled(request.user):
        return redirect("account:mfa_setup")
    if request.method == "POST":
        codes = mfa.mfa_recovery_renew(request=request, user=request.user)
        return render(request, "people/mfa_codes.html", {"codes": codes, "next": "/accounts/"})
    return render(request, "people/mfa_recovery.html")


# --- password change and reset -------------------------------------------------------------------------------


class PasswordChangeForm(forms.Form):
    old_password = forms.CharField(
        label=gettext_lazy("Current password"),
        strip=False,
        widget=forms.PasswordInput(attrs={"autocomplete": "current-password"}),
    )
    new_password1 = forms.CharField(
        label=gettext_lazy("New password"),
        strip=False,
        widget=forms.PasswordInput(attrs={"autocomplete": "new-password"}),
        help_text=gettext_lazy(
            "At least 10 characters, using three of: lower-case letters, capitals, digits, symbols; "
            "not your username or mobile number."
        ),
    )
    new_password2 = forms.CharField(
        label=gettext_lazy("New password again"),
        strip=False,
        widget=forms.PasswordInput(attrs={"autocomplete": "new-password"}),
    )

    def clean(self) -> dict:
        data = super().clean()
        if data.get("new_password1") and data.get("new_password1") != data.get("new_password2"):
            raise forms.ValidationError(_("The two new passwords are not the same."))
        return data


@never_cache
@login_required
def password_change(request: HttpRequest) -> HttpResponse:
    form = PasswordChangeForm(request.POST if request.method == "POST" else None)
    if request.method == "POST" and form.is_valid():
        if not request.user.check_password(form.cleaned_data["old_password"]):
            form.add_error("old_password", _("The current password is not right."))
        else:
            try:
                passwords.password_change(
                    request=request, user=request.user, new_password=form.cleaned_data["new_password1"]
                )
            except ValidationError as exc:
                for message in exc.messages:
                    form.add_error("new_password1", message)
            else:
                update_session_auth_hash(request, request.user)  # stay signed in here, end other sessions
                messages.success(request, _("Your password was changed. API tokens must be requested again."))
                return redirect("account:account")
    return render(request, "people/password_change.html", {"form": form})


class ResetRequestForm(forms.Form):
    phone = forms.CharField(
        label=gettext_lazy("Mobile number"),
        max_length=20,
        widget=forms.TextInput(attrs={"autocomplete": "tel", "inputmode": "tel"}),
    )


class ResetConfirmForm(PasswordChangeForm):
    old_password = None
    code = forms.CharField(
        label=gettext_lazy("Code from the text message"),
        max_length=12,
        widget=forms.TextInput(attrs={"autocomplete": "one-time-code", "inputmode": "numeric"}),
    )
    field_order = ["code", "new_password1", "new_password2"]


RESET_PHONE = "password_reset_phone"


@never_cache
@rate_limited("reset")
def password_reset(request: HttpRequest) -> HttpResponse:
    """Ask for a code by SMS; the answer is the same whether or not the number has an account."""
    form = ResetRequestForm(request.POST if request.method == "POST" else None)
    if request.method == "POST" and form.is_valid():
        try:
            passwords.password_reset_request(request=request, phone=form.cleaned_data["phone"])
        except ValidationError as exc:
            form.add_error("phone", exc.messages[0])
        else:
            request.session[RESET_PHONE] = form.cleaned_data["phone"]
            messages.info(
                request, _("If this number belongs to an account, a code is on its way by text message.")
            )
            return redirect("account:password_reset_confirm")
    return render(request, "people/password_reset.html", {"form": form})


@never_cache
@rate_limited("reset")
def password_reset_confirm(request: HttpRequest) -> HttpResponse:
    phone = request.session.get(RESET_PHONE)
    if not phone:
        return redirect("account:password_reset")
    form = ResetConfirmForm(request.POST if request.method == "POST" else None)
    if request.method == "POST" and form.is_valid():
        try:
            passwords.password_reset_confirm(
                request=request,
                phone=phone,
                code=form.cleaned_data["code"],
                new_password=form.cleaned_data["new_password1"],
            )
        except ValidationError as exc:
            form.add_error(None, exc.messages[0])
        else:
            request.session.pop(RESET_PHONE, None)
            messages.success(request, _("Your password was reset. Sign in with the new password."))
            return redirect("login")
    return render(request, "people/password_reset_confirm.html", {"form": form})
