"""Forms for a person's own details, a mobile change and staff corrections."""

from __future__ import annotations

from typing import Any

from django import forms
from django.db.models import QuerySet
from django.utils.translation import gettext_lazy as _

from civicloop.core.choices import FocusGroup, Platform, VolunteerType
from civicloop.network.models import Unit
from civicloop.people.forms import StationField, _ConsentMixin, _mobile_field, _ResidentFieldsMixin


class BecomeResidentForm(_ConsentMixin):
    """A signed-in volunteer (or staff member) orders services too: no new account, no second mobile."""

    address = _ResidentFieldsMixin.base_fields["address"]
    birth_date = _ResidentFieldsMixin.base_fields["birth_date"]
    focus_groups = _ResidentFieldsMixin.base_fields["focus_groups"]

    field_order = ["unit", "address", "birth_date", "focus_groups", "consent"]

    def __init__(self, *args: Any, units: QuerySet[Unit], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["unit"] = StationField(
            units=units, label=_("Your community station"), error_messages={"required": _("Choose your station.")}
        )
        self.order_fields(self.field_order)


class MyDetailsForm(forms.Form):
    full_name = forms.CharField(label=_("Name"), max_length=50)
    address = forms.CharField(label=_("Address"), max_length=200, required=False)
    focus_groups = forms.MultipleChoiceField(
        label=_("I belong to"), choices=FocusGroup.choices, required=False, widget=forms.CheckboxSelectMultiple
    )
    skills = forms.CharField(label=_("Skills"), max_length=200, required=False)
    categories = forms.MultipleChoiceField(
        label=_("Service platforms"), choices=Platform.choices, required=False, widget=forms.CheckboxSelectMultiple
    )
    types = forms.MultipleChoiceField(
        label=_("Volunteer types"), choices=VolunteerType.choices, required=False,
        widget=forms.CheckboxSelectMultiple,
    )

    def __init__(self, *args: Any, resident: bool, volunteer: bool, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        if not resident:
            for name in ("address", "focus_groups"):
                del self.fields[name]
        if not volunteer:
            for name in ("skills", "categories", "types"):
                del self.fields[name]


class PhoneChangeForm(forms.Form):
    new_phone = _mobile_field(label=_("New mobile number"))


class PhoneConfirmForm(forms.Form):
    code = forms.CharField(
        label=_("Code from the SMS"), max_length=6, min_length=6,
        widget=forms.TextInput(attrs={"inputmode": "numeric", "autocomplete": "one-time-code"}),
    )


class ResidentCorrectForm(forms.Form):
    name = forms.CharField(label=_("Name"), max_length=50)
    phone = _mobile_field(required=False)
    address = forms.CharField(label=_("Address"), max_length=200, required=False)
    birth_date = forms.DateField(
        label=_("Birth date"), required=False, widget=forms.DateInput(attrs={"type": "date"})
    )
    focus_groups = forms.MultipleChoiceField(
        label=_("Focus groups"), choices=FocusGroup.choices, required=False, widget=forms.CheckboxSelectMultiple
    )
    id_number = forms.CharField(label=_("ID number"), max_length=18, required=False)

    def __init__(self, *args: Any, may_unmask: bool, has_account: bool, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        if not may_unmask:
            del self.fields["id_number"]
        if has_account:
            del self.fields["phone"]  # an account holder changes the mobile themselves, confirmed by SMS
