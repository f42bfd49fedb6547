"""Forms of the SMS-code pages: sign in with a code, register with a code (the API validates with them too)."""

from __future__ import annotations

from typing import Any

from django import forms
from django.db.models import QuerySet
from django.utils.translation import gettext_lazy as _

from civicloop.core.choices import Platform
from civicloop.core.validators import normalize_phone
from civicloop.network.models import Unit
from civicloop.people.forms import StationField, _mobile_field


def _code_field() -> forms.CharField:
    return forms.CharField(
        label=_("Code from the text message"),
        max_length=12,
        widget=forms.TextInput(
            attrs={"autocomplete": "one-time-code", "inputmode": "numeric", "pattern": "[0-9 ]*"}
        ),
        error_messages={"required": _("Enter the 6-digit code from the text message.")},
    )


class PhoneForm(forms.Form):
    """The first step: the number a code is sent to."""

    phone = _mobile_field()

    def clean_phone(self) -> str:
        return normalize_phone(self.cleaned_data["phone"])


class SmsLoginForm(PhoneForm):
    code = _code_field()


ROLE_CHOICES = [("resident", _("Resident: I want to order services")), ("volunteer", _("Volunteer: I want to serve"))]


class SmsRegisterForm(PhoneForm):
    """Register with the mobile and its code: no username (one is made up), the password is optional."""

    code = _code_field()
    name = forms.CharField(label=_("Name"), max_length=50, error_messages={"required": _("Enter the name.")})
    role = forms.ChoiceField(
        label=_("I register as"),
        choices=ROLE_CHOICES,
        initial="resident",
        widget=forms.RadioSelect,
        error_messages={"required": _("Choose whether you register as a resident or a volunteer.")},
    )
    categories = forms.MultipleChoiceField(
        label=_("I can help with (volunteers)"),
        required=False,
        choices=Platform.choices,
        widget=forms.CheckboxSelectMultiple,
    )
    password = forms.CharField(
        label=_("Password (optional)"),
        required=False,
        strip=False,
        widget=forms.PasswordInput(attrs={"autocomplete": "new-password"}),
        help_text=_(
            "Without a password you sign in with a code by text message. With one: at least 10 characters, "
            "using three of: lower-case letters, capitals, digits, symbols."
        ),
    )
    consent = forms.BooleanField(
        label=_("I have read and agree to the privacy notice."),
        error_messages={"required": _("Please read and agree to the privacy notice.")},
    )
    field_order = ["phone", "code", "name", "role", "unit", "categories", "password", "consent"]

    def __init__(self, *args: Any, units: QuerySet[Unit], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["unit"] = StationField(
            units=units,
            label=_("Your community station"),
            error_messages={"required": _("Choose your station.")},
        )
        self.order_fields(self.field_order)

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        if data.get("role") == "volunteer" and not data.get("categories"):
            self.add_error("categories", _("Choose at least one service platform."))
        return data

    def registration(self) -> dict:
        """The cleaned fields `smscodes.sms_register` takes (the page and the API call it the same way)."""
        d = self.cleaned_data
        return {k: d[k] for k in ("phone", "code", "name", "unit", "role", "password", "categories", "consent")}

