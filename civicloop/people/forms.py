from __future__ import annotations

import re
from typing import Any

from django import forms
from django.contrib.auth.forms import AuthenticationForm
from django.db.models import QuerySet
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext_lazy

from civicloop.core.choices import DAY_PARTS, WEEKDAYS, FocusGroup, Platform, VolunteerType
from civicloop.core.validators import (
    normalize_id_number,
    normalize_phone,
    validate_id_number,
    validate_mobile,
)
from civicloop.network.models import Unit
from civicloop.people.models import DAY_PART_LABELS, WEEKDAY_LABELS, User

# Django 5.2 changed this message to "%d" while its zh_Hans catalogue still has "%(min_length)d", so the
# password-length error on our registration forms showed in English. Listing it here puts it in our catalogue.
PASSWORD_TOO_SHORT = ngettext_lazy(
    "This password is too short. It must contain at least %d character.",
    "This password is too short. It must contain at least %d characters.",
    "min_length",
)

USERNAME_RE = re.compile(r"^[\w.\-]{3,150}$", re.ASCII)


class LoginForm(AuthenticationForm):
    username = forms.CharField(
        label=_("Username or mobile number"),
        max_length=150,
        widget=forms.TextInput(
            attrs={"autocomplete": "username", "autofocus": True, "autocapitalize": "none"}
        ),
    )
    password = forms.CharField(
        label=_("Password"),
        strip=False,
        widget=forms.PasswordInput(attrs={"autocomplete": "current-password"}),
    )
    error_messages = {
        "invalid_login": _(
            "Wrong username or password. After 5 wrong attempts the account is locked for 30 minutes."
        ),
        "inactive": _("This account is disabled."),
    }


# --- registration and entry ------------------------------------------------------------------------------------


class AvailabilityWidget(forms.CheckboxSelectMultiple):
    """A week × (morning, afternoon, evening) grid of checkboxes."""

    template_name = "people/widgets/availability.html"


class StationField(forms.TypedChoiceField):
    """A station picked from a list grouped by institute; the allowed set comes from the access package."""

    def __init__(self, *, units: QuerySet[Unit], **kwargs: Any) -> None:
        from civicloop.people.selectors import stations_grouped

        self.units = units
        choices = [("", _("Choose a station")), *stations_grouped(units)]
        super().__init__(choices=choices, coerce=int, **kwargs)
        self.error_messages["invalid_choice"] = _("Choose a station from the list.")

    def clean(self, value: Any) -> Unit | None:
        pk = super().clean(value)
        if pk in (None, ""):
            return None
        unit = self.units.filter(pk=pk).first()
        if unit is None:
            raise forms.ValidationError(_("Choose a station from the list."))
        return unit


MOBILE_LABEL = _("Mobile number")


def _mobile_field(label: Any = MOBILE_LABEL, required: bool = True) -> forms.CharField:
    return forms.CharField(
        label=label,
        required=required,
        max_length=20,
        validators=[validate_mobile],
        widget=forms.TextInput(attrs={"type": "tel", "inputmode": "numeric", "autocomplete": "tel"}),
        error_messages={"required": _("Enter the mobile number.")},
    )


class _PersonForm(forms.Form):
    name = forms.CharField(label=_("Name"), max_length=50, error_messages={"required": _("Enter the name.")})
    phone = _mobile_field()

    def clean_phone(self) -> str:
        return normalize_phone(self.cleaned_data["phone"])


class _AccountMixin(forms.Form):
    username = forms.CharField(
        label=_("Username"),
        max_length=150,
        help_text=_("Letters and digits; you can also sign in with your mobile number."),
        widget=forms.TextInput(attrs={"autocomplete": "username", "autocapitalize": "none"}),
        error_messages={"required": _("Choose a username.")},
    )
    password = forms.CharField(
        label=_("Password"),
        strip=False,
        help_text=_("At least 8 characters, not only digits."),
        widget=forms.PasswordInput(attrs={"autocomplete": "new-password"}),
        error_messages={"required": _("Choose a password.")},
    )

    def clean_username(self) -> str:
        username = self.cleaned_data["username"].strip()
        if not USERNAME_RE.match(username):
            raise forms.ValidationError(_("A username may contain letters, digits and . _ - only."))
        if User.objects.filter(username__iexact=username).exists():
            raise forms.ValidationError(_("This username is already taken."))
        return username


class _ResidentFieldsMixin(forms.Form):
    address = forms.CharField(
        label=_("Address (optional)"),
        required=False,
        max_length=200,
        help_text=_("So volunteers can find you. Only staff of your station see it in full."),
    )
    birth_date = forms.DateField(
        label=_("Birth date (optional)"),
        required=False,
        widget=forms.DateInput(attrs={"type": "date"}),
        error_messages={"invalid": _("Enter a valid date.")},
    )
    focus_groups = forms.MultipleChoiceField(
        label=_("Do any of these apply to you? (optional)"),
        required=False,
        choices=FocusGroup.choices,
        widget=forms.CheckboxSelectMultiple,
        help_text=_(
            "Empty-nest elderly, left-behind children and hardship households are served first. "
            "This is kept encrypted and only staff of your station can see it."
        ),
    )
    guardian_name = forms.CharField(
        label=_("Guardian's name"),
        required=False,
        max_length=50,
        help_text=_("Required for a child under 14."),
    )
    guardian_phone = _mobile_field(_("Guardian's mobile number"), required=False)
    guardian_consent = forms.BooleanField(
        label=_("As the guardian, I agree to the privacy notice for this child."), required=False
    )

    def clean_guardian_phone(self) -> str:
        return normalize_phone(self.cleaned_data.get("guardian_phone", ""))


class _ConsentMixin(forms.Form):
    consent = forms.BooleanField(
        label=_("I have read and agree to the privacy notice."),
        error_messages={"required": _("Please read and agree to the privacy notice.")},
    )


class ResidentRegisterForm(_PersonForm, _AccountMixin, _ResidentFieldsMixin, _ConsentMixin):
    field_order = [
        "name",
        "phone",
        "username",
        "password",
        "unit",
        "address",
        "birth_date",
        "focus_groups",
        "guardian_name",
        "guardian_phone",
        "guardian_consent",
        "consent",
    ]

    def __init__(self, *args: Any, units: QuerySet[Unit], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["unit"] = StationField(
            units=units,
            label=_("Your community station"),
            error_messages={"required": _("Choose your station.")},
        )
        self.order_fields(self.field_order)


class ResidentEntryForm(_PersonForm, _ResidentFieldsMixin):
    """Staff enter a resident who came in person or phoned (代录)."""

    id_number = forms.CharField(
        label=_("ID number (optional)"),
        required=False,
        max_length=18,
        validators=[validate_id_number],
    )
    consent = forms.BooleanField(
        label=_("The resident was told the privacy notice and agreed."),
        error_messages={"required": _("Record that the resident agreed to the privacy notice.")},
    )
    field_order = [
        "name",
        "phone",
        "unit",
        "id_number",
        "address",
        "birth_date",
        "focus_groups",
        "guardian_name",
        "guardian_phone",
        "guardian_consent",
        "consent",
    ]

    def __init__(self, *args: Any, units: QuerySet[Unit], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["phone"].required = False
        self.fields["phone"].label = _("Mobile number (optional)")
        self.fields["unit"] = StationField(
            units=units, label=_("Station"), error_messages={"required": _("Choose the station.")}
        )
        self.order_fields(self.field_order)

    def clean_id_number(self) -> str:
        return normalize_id_number(self.cleaned_data.get("id_number", ""))


def _availability_choices() -> list[tuple[Any, list[tuple[str, Any]]]]:
    return [
        (WEEKDAY_LABELS[day], [(f"{day}_{part}", DAY_PART_LABELS[part]) for part in DAY_PARTS])
        for day in WEEKDAYS
    ]


class _VolunteerFieldsMixin(forms.Form):
    types = forms.MultipleChoiceField(
        label=_("I am a … (optional)"),
        required=False,
        choices=VolunteerType.choices,
        widget=forms.CheckboxSelectMultiple,
    )
    categories = forms.MultipleChoiceField(
        label=_("I can help with"),
        choices=Platform.choices,
        widget=forms.CheckboxSelectMultiple,
        error_messages={"required": _("Choose at least one service platform.")},
    )
    skills = forms.CharField(
        label=_("Skills (optional)"),
        required=False,
        max_length=200,
        help_text=_("For example: blood pressure checks, calligraphy, phone repair."),
    )
    availability = forms.MultipleChoiceField(
        label=_("When can you usually help? (optional)"),
        required=False,
        choices=_availability_choices,
        widget=AvailabilityWidget,
    )
    id_number = forms.CharField(
        label=_("ID number (optional)"),
        required=False,
        max_length=18,
        validators=[validate_id_number],
        help_text=_("Only used to confirm who you are; your volunteer number is used everywhere else."),
    )

    def clean_id_number(self) -> str:
        return normalize_id_number(self.cleaned_data.get("id_number", ""))

    def clean_availability(self) -> dict[str, list[str]]:
        grid: dict[str, list[str]] = {}
        for value in self.cleaned_data.get("availability") or []:
            day, part = value.split("_", 1)
            grid.setdefault(day, []).append(part)
        return grid


class VolunteerRegisterForm(_PersonForm, _AccountMixin, _VolunteerFieldsMixin, _ConsentMixin):
    field_order = [
        "name",
        "phone",
        "username",
        "password",
        "unit",
        "types",
        "categories",
        "skills",
        "availability",
        "id_number",
        "consent",
    ]

    def __init__(self, *args: Any, units: QuerySet[Unit], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["unit"] = StationField(
            units=units,
            label=_("The station you will serve"),
            error_messages={"required": _("Choose your station.")},
        )
        self.order_fields(self.field_order)


class BecomeVolunteerForm(_VolunteerFieldsMixin, _ConsentMixin):
    """A signed-in person (e.g. a resident) signs up to serve, without a new account."""

    field_order = ["unit", "types", "categories", "skills", "availability", "id_number", "consent"]

    def __init__(self, *args: Any, units: QuerySet[Unit], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["unit"] = StationField(
            units=units,
            label=_("The station you will serve"),
            error_messages={"required": _("Choose your station.")},
        )
        self.order_fields(self.field_order)


class SearchForm(forms.Form):
    q = forms.CharField(
        label=_("Search"),
        required=False,
        max_length=50,
        widget=forms.TextInput(
            attrs={"type": "search", "placeholder": _("Name, pinyin initials (zs) or last 4 digits")}
        ),
    )
    unit = forms.ModelChoiceField(
        label=_("Unit"),
        required=False,
        queryset=Unit.objects.none(),
        empty_label=_("All units in my area"),
    )

    def __init__(self, *args: Any, units: QuerySet[Unit], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["unit"].queryset = units.order_by("path")


class EraseForm(forms.Form):
    confirm = forms.BooleanField(
        label=_("I understand that my personal data will be deleted and cannot be restored."),
        error_messages={"required": _("Tick the box to confirm the deletion.")},
    )
