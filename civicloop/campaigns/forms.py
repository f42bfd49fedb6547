"""Forms of the campaign pages and of the workflow steps (the API validates with the same forms)."""

from __future__ import annotations

import re
from typing import Any

from django import forms
from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _

from civicloop.campaigns.models import DEFAULT_WEIGHTS, Category, Exposure
from civicloop.core.forms import IdMultipleChoiceField, parse_id
from civicloop.network.models import Unit

MAX_PHOTO_BYTES = 10 * 1024 * 1024
# Exposure texts are public: refuse anything that looks like a phone or ID number.
PERSONAL = re.compile(r"1[3-9]\d{9}|\d{17}[\dXx]|\d{15}")


class IdChoiceField(forms.ModelChoiceField):
    """A ModelChoiceField whose id beyond 64 bits is an invalid choice (not a database error)."""

    def to_python(self, value: Any) -> Any:
        if value not in self.empty_values and parse_id(value) is None:
            raise ValidationError(self.error_messages["invalid_choice"], code="invalid_choice")
        return super().to_python(value)


def check_photo(photo: Any) -> Any:
    if photo and photo.size > MAX_PHOTO_BYTES:
        raise ValidationError(_("The photo is larger than 10 MB."))
    return photo


def no_personal_data(value: str) -> str:
    if PERSONAL.search(value or ""):
        raise ValidationError(_("Public texts must not contain phone or ID numbers."))
    return value


class GeoFields(forms.Form):
    lat = forms.FloatField(required=False, min_value=-90, max_value=90, widget=forms.HiddenInput)
    lng = forms.FloatField(required=False, min_value=-180, max_value=180, widget=forms.HiddenInput)
    place = forms.CharField(label=_("Address or landmark"), max_length=200, required=False)

    def clean(self) -> dict[str, Any]:
        data = super().clean()
        if (data.get("lat") is None) != (data.get("lng") is None):
            raise ValidationError(_("The position is incomplete; please give the address instead."))
        if data.get("lat") is None and not (data.get("place") or "").strip():
            raise ValidationError(_("Give the address, or allow the phone to share its position."))
        return data


class InspectionForm(GeoFields):
    """An inspector's problem: category, responsible unit, description, photo, position or address."""

    category = forms.ChoiceField(label=_("Category"), choices=Category.choices)
    unit = IdChoiceField(label=_("Responsible unit"), queryset=Unit.objects.none())
    item = forms.TypedChoiceField(label=_("Checklist item"), required=False, coerce=int, empty_value=None)
    description = forms.CharField(label=_("What is wrong"), max_length=2000, widget=forms.Textarea(attrs={"rows": 3}))
    photo = forms.ImageField(
        label=_("Photo"),
        widget=forms.ClearableFileInput(attrs={"accept": "image/*", "capture": "environment"}),
    )

    field_order = ["category", "unit", "item", "description", "photo", "place", "lat", "lng"]

    def __init__(self, *args: Any, units: Any = None, items: Any = (), **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        if units is not None:
            self.fields["unit"].queryset = units
        self.fields["item"].choices = [("", "—"), *items]

    def clean_photo(self) -> Any:
        return check_photo(self.cleaned_data.get("photo"))


class ResidentReportForm(GeoFields):
    """随手拍: a resident's photo of a problem, for staff to accept."""

    category = forms.ChoiceField(label=_("Category"), choices=Category.choices)
    description = forms.CharField(label=_("What is wrong"), max_length=1000, widget=forms.Textarea(attrs={"rows": 3}))
    photo = forms.ImageField(
        label=_("Photo"),
        widget=forms.ClearableFileInput(attrs={"accept": "image/*", "capture": "environment"}),
    )

    field_order = ["category", "description", "photo", "place", "lat", "lng"]

    def clean_photo(self) -> Any:
        return check_photo(self.cleaned_data.get("photo"))


# --- step forms --------------------------------------------------------------------------------------------


class RegisterForm(forms.Form):
    """立案: the unit select holds only the units the step offers this actor (`units`, from the access policy);
    without it (the API's schema) nothing is a valid choice."""

    unit = IdChoiceField(label=_("Responsible unit"), queryset=Unit.objects.none())
    category = forms.ChoiceField(label=_("Category"), choices=Category.choices)
    note = forms.CharField(label=_("Note"), max_length=2000, required=False, widget=forms.Textarea(attrs={"rows": 2}))

    def __init__(self, *args: Any, units: Any = None, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        if units is not None:
            self.fields["unit"].queryset = units


class RectifyForm(forms.Form):
    photo = forms.ImageField(
        label=_("Photo after rectification"),
        required=False,
        widget=forms.ClearableFileInput(attrs={"accept": "image/*", "capture": "environment"}),
    )
    note = forms.CharField(label=_("Work done"), max_length=2000, widget=forms.Textarea(attrs={"rows": 2}))

    def clean_photo(self) -> Any:
        return check_photo(self.cleaned_data.get("photo"))


class FailForm(forms.Form):
    note = forms.CharField(label=_("What is still wrong"), max_length=2000, widget=forms.Textarea(attrs={"rows": 2}))


class ExtendForm(forms.Form):
    hours = forms.IntegerField(label=_("Extra hours"), min_value=1, max_value=720)
    note = forms.CharField(label=_("Reason"), max_length=2000, widget=forms.Textarea(attrs={"rows": 2}))


class TaskReportForm(forms.Form):
    progress = forms.IntegerField(label=_("Progress (%)"), min_value=0, max_value=100)
    note = forms.CharField(label=_("Work done"), max_length=2000, widget=forms.Textarea(attrs={"rows": 2}))
    photo = forms.ImageField(
        label=_("Evidence photo"),
        required=False,
        widget=forms.ClearableFileInput(attrs={"accept": "image/*", "capture": "environment"}),
    )

    def clean_photo(self) -> Any:
        return check_photo(self.cleaned_data.get("photo"))


class ApproveExposureForm(forms.Form):
    faces_checked = forms.BooleanField(
        label=_("I checked the photo: no face or number plate can be recognised"), required=False,
        help_text=_("Faces the platform finds are blurred automatically before publication; number plates and "
                    "faces it misses are not, so look at the photo."),
    )
    note = forms.CharField(label=_("Note"), max_length=2000, required=False, widget=forms.Textarea(attrs={"rows": 2}))


# --- office forms ------------------------------------------------------------------------------------------


class WeightsForm(forms.Form):
    on_time = forms.IntegerField(label=_("On-time rectification"), min_value=0, max_value=100)
    rework = forms.IntegerField(label=_("Few returns for rework"), min_value=0, max_value=100)
    extension = forms.IntegerField(label=_("Few extensions"), min_value=0, max_value=100)
    recurrence = forms.IntegerField(label=_("Few recurrences"), min_value=0, max_value=100)
    tasks = forms.IntegerField(label=_("Task completion"), min_value=0, max_value=100)
    visits = forms.IntegerField(label=_("Supervision visits"), min_value=0, max_value=100)

    def clean(self) -> dict[str, Any]:
        data = super().clean()
        if set(data) == set(DEFAULT_WEIGHTS) and sum(data.values()) != 100:
            raise ValidationError(_("The weights must add up to 100."))
        return data


class VisitForm(forms.Form):
    unit = IdChoiceField(label=_("Unit visited"), queryset=Unit.objects.none())
    visited_on = forms.DateField(label=_("Date"), widget=forms.DateInput(attrs={"type": "date"}))
    place = forms.CharField(label=_("Place"), max_length=200)
    findings = forms.CharField(label=_("Findings"), max_length=4000, widget=forms.Textarea(attrs={"rows": 3}))
    photo = forms.ImageField(
        label=_("Photo"), required=False,
        widget=forms.ClearableFileInput(attrs={"accept": "image/*", "capture": "environment"}),
    )

    def __init__(self, *args: Any, units: Any = None, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        if units is not None:
            self.fields["unit"].queryset = units

    def clean_photo(self) -> Any:
        return check_photo(self.cleaned_data.get("photo"))


class ExposureForm(forms.Form):
    kind = forms.ChoiceField(label=_("Kind"), choices=Exposure.Kind.choices)
    title = forms.CharField(label=_("Title"), max_length=100, validators=[no_personal_data])
    text = forms.CharField(
        label=_("Text"), max_length=2000, widget=forms.Textarea(attrs={"rows": 3}), validators=[no_personal_data],
        help_text=_("Public: name the place and the unit, never a resident."),
    )
    unit = IdChoiceField(label=_("Unit"), queryset=Unit.objects.none(), required=False)
    problem = forms.IntegerField(label=_("Problem number"), required=False, min_value=1, max_value=2**62)
    photo_mode = forms.ChoiceField(label=_("Photo"), choices=Exposure.PhotoMode.choices)

    def __init__(self, *args: Any, units: Any = None, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        if units is not None:
            self.fields["unit"].queryset = units

    def clean(self) -> dict[str, Any]:
        data = super().clean()
        if not data.get("unit") and not data.get("problem"):
            raise ValidationError(_("Name the unit or the problem this entry is about."))
        return data


class TaskForm(forms.Form):
    """The office sets a task: its action, standard (one checklist item a line), deadline and units."""

    action = IdChoiceField(label=_("Campaign action"), queryset=Unit.objects.none())
    title = forms.CharField(label=_("Task"), max_length=150)
    due_at = forms.DateTimeField(label=_("Deadline"), widget=forms.DateTimeInput(attrs={"type": "datetime-local"}))
    lead_department = IdChoiceField(label=_("Lead department"), queryset=Unit.objects.none())
    units = IdMultipleChoiceField(label=_("Responsible units"), queryset=Unit.objects.none())
    items = forms.CharField(
        label=_("Standard (one checklist item a line)"), max_length=4000, widget=forms.Textarea(attrs={"rows": 3})
    )

    def __init__(self, *args: Any, campaign: Any = None, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        if campaign is not None:
            area = Unit.objects.filter(path__startswith=campaign.unit_path, is_active=True).order_by("path")
            self.fields["action"].queryset = campaign.actions.all()
            self.fields["lead_department"].queryset = area.filter(kind=Unit.Kind.DEPARTMENT)
            self.fields["units"].queryset = area.filter(kind__in=[Unit.Kind.PRACTICE, Unit.Kind.DEPARTMENT])

    def clean_items(self) -> list[str]:
        lines = [line.strip() for line in self.cleaned_data["items"].splitlines() if line.strip()]
        if not lines:
            raise ValidationError(_("Write at least one checklist item."))
        return lines[:30]


class CampaignForm(forms.Form):
    """The office opens (or edits) a campaign: year, name, goal, the 督导 and recurrence settings; on creation
    also the command unit (from the actor's own scope) and the actions (八大行动), one a line."""

    year = forms.IntegerField(label=_("Year"), min_value=2000, max_value=2100)
    name = forms.CharField(label=_("Campaign name"), max_length=100)
    goal = forms.CharField(label=_("Goal"), max_length=4000, required=False, widget=forms.Textarea(attrs={"rows": 3}))
    command_unit = IdChoiceField(label=_("Command unit"), queryset=Unit.objects.none())
    actions = forms.CharField(
        label=_("Actions (one a line)"), max_length=4000, required=False, widget=forms.Textarea(attrs={"rows": 4}),
        help_text=_("For example the 八大行动; more can be added later."),
    )
    visit_target = forms.IntegerField(
        label=_("Supervision visits expected per unit and month"), min_value=0, max_value=60, initial=2
    )
    recurrence_days = forms.IntegerField(label=_("Recurrence window (days)"), min_value=1, max_value=365, initial=30)
    recurrence_metres = forms.IntegerField(
        label=_("Recurrence distance (metres)"), min_value=5, max_value=5000, initial=50
    )

    def __init__(self, *args: Any, units: Any = None, editing: bool = False, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        if editing:  # the command unit and the first actions are set once; actions are added one by one
            del self.fields["command_unit"], self.fields["actions"]
        elif units is not None:
            self.fields["command_unit"].queryset = units

    def clean_name(self) -> str:
        return self.cleaned_data["name"].strip()

    def clean_actions(self) -> list[str]:
        lines = [line.strip() for line in (self.cleaned_data.get("actions") or "").splitlines() if line.strip()]
        if len(lines) > 20:
            raise ValidationError(_("At most 20 actions."))
        if any(len(line) > 100 for line in lines):
            raise ValidationError(_("An action's name is at most 100 characters."))
        if len(lines) != len(set(lines)):
            raise ValidationError(_("Each action may appear only once."))
        return lines


class ActionForm(forms.Form):
    name = forms.CharField(label=_("New action"), max_length=100)

    def clean_name(self) -> str:
        name = self.cleaned_data["name"].strip()
        if not name:
            raise ValidationError(_("This field is required."))
        return name
