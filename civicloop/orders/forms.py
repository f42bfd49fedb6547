"""Forms for the order pages. They only check and shape input; the services decide and write."""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

from django import forms
from django.core.exceptions import ValidationError
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from civicloop.core.choices import Platform
from civicloop.core.forms import MAX_ID, IdMultipleChoiceField
from civicloop.orders.models import Order

MAX_PHOTO_BYTES = 5 * 1024 * 1024
MAX_PHOTOS = 6
PHOTO_TYPES = {"JPEG", "PNG", "WEBP"}

DAY_PARTS = [
    ("am", _("Morning (8–12)")),
    ("pm", _("Afternoon (14–18)")),
    ("eve", _("Evening (18–21)")),
]
_DAY_PART_HOURS = {"am": (8, 12), "pm": (14, 18), "eve": (18, 21)}

RATING_TAGS = [
    ("on_time", _("On time")),
    ("patient", _("Patient and kind")),
    ("skilled", _("Skilled")),
    ("solved", _("Solved my problem")),
    ("again", _("Would ask again")),
]
RATING_TAG_LABELS = dict(RATING_TAGS)

ENTRY_CHANNELS = [
    (Order.Channel.PHONE, Order.Channel.PHONE.label),
    (Order.Channel.VISIT, Order.Channel.VISIT.label),
    (Order.Channel.WISH_WALL, Order.Channel.WISH_WALL.label),
    (Order.Channel.STAFF_ENTRY, Order.Channel.STAFF_ENTRY.label),
]


def _window(day: dt.date, part: str) -> tuple[dt.datetime, dt.datetime]:
    start, end = _DAY_PART_HOURS[part]
    tz = timezone.get_current_timezone()
    return (
        dt.datetime.combine(day, dt.time(start), tzinfo=tz),
        dt.datetime.combine(day, dt.time(end), tzinfo=tz),
    )


class _NeedFields(forms.Form):
    """What the resident needs and when: shared by the resident page and staff entry."""

    title = forms.CharField(
        label=_("What do you need?"),
        max_length=100,
        widget=forms.TextInput(attrs={"placeholder": _("e.g. measure blood pressure for my mother")}),
    )
    description = forms.CharField(
        label=_("More details (optional)"),
        required=False,
        max_length=2000,
        widget=forms.Textarea(attrs={"rows": 3}),
    )
    day = forms.DateField(label=_("Which day?"), widget=forms.DateInput(attrs={"type": "date"}))
    day_part = forms.ChoiceField(
        label=_("What time of day?"), choices=DAY_PARTS, widget=forms.RadioSelect, initial="am"
    )
    beneficiaries = forms.IntegerField(label=_("How many people?"), min_value=1, max_value=500, initial=1)
    address = forms.CharField(label=_("Address"), max_length=200, required=False)

    def clean_day(self) -> dt.date:
        day = self.cleaned_data["day"]
        today = timezone.localdate()
        if day < today:
            raise ValidationError(_("Pick today or a later day."))
        if day > today + dt.timedelta(days=180):
            raise ValidationError(_("Pick a day within the next six months."))
        return day

    def window(self) -> tuple[dt.datetime, dt.datetime]:
        return _window(self.cleaned_data["day"], self.cleaned_data["day_part"])


class OrderNewForm(_NeedFields):
    category = forms.ChoiceField(choices=Platform.choices, widget=forms.HiddenInput)


class OrderEnterForm(_NeedFields):
    """代点单: staff enter an order for a resident who phoned, came in person or wrote on the wish wall."""

    field_order = ["resident", "new_name", "new_phone", "new_unit", "channel", "category", "subcategory"]

    resident = forms.ModelChoiceField(label=_("Resident"), queryset=None, required=False)  # type: ignore[arg-type]
    new_name = forms.CharField(label=_("Or a new resident: name"), max_length=50, required=False)
    new_phone = forms.CharField(label=_("New resident: mobile"), max_length=20, required=False)
    new_unit = forms.ModelChoiceField(label=_("New resident: station"), queryset=None, required=False)  # type: ignore[arg-type]
    channel = forms.ChoiceField(label=_("How did the order come in?"), choices=ENTRY_CHANNELS)
    category = forms.ChoiceField(label=_("Platform"), choices=Platform.choices)
    subcategory = forms.CharField(label=_("Sub-category (optional)"), max_length=50, required=False)

    def __init__(self, *args: Any, residents: Any, shown_residents: Any, units: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["resident"].queryset = residents
        self.fields["resident"].widget.choices = [("", _("— pick a resident —"))] + [
            (r.pk, f"{r.masked_name} {r.masked_phone} · {r.unit.name}") for r in shown_residents
        ]
        self.fields["new_unit"].queryset = units
        self.fields["address"].help_text = _("Leave empty to use the resident's own address.")

    def clean(self) -> dict[str, Any]:
        data = super().clean()
        if data.get("resident") is None:
            if not data.get("new_name"):
                raise ValidationError(_("Pick a resident, or enter the name and station of a new one."))
            if data.get("new_unit") is None:
                self.add_error("new_unit", _("Pick the station of the new resident."))
        return data


class ReasonForm(forms.Form):
    reason = forms.CharField(label=_("Reason"), max_length=300, widget=forms.Textarea(attrs={"rows": 2}))

    def clean_reason(self) -> str:
        reason = self.cleaned_data["reason"].strip()
        if len(reason) < 2:
            raise ValidationError(_("Write a reason of at least two characters."))
        return reason


class OptionalReasonForm(forms.Form):
    reason = forms.CharField(
        label=_("Reason (optional)"), max_length=300, required=False, widget=forms.Textarea(attrs={"rows": 2})
    )


class NoteForm(forms.Form):
    note = forms.CharField(
        label=_("Note (optional)"), max_length=300, required=False, widget=forms.Textarea(attrs={"rows": 2})
    )


class EmptyForm(forms.Form):
    pass


class DispatchForm(forms.Form):
    team = forms.ModelChoiceField(label=_("Team"), queryset=None)  # type: ignore[arg-type]
    note = forms.CharField(label=_("Note (optional)"), max_length=300, required=False)

    def __init__(self, *args: Any, teams: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["team"].queryset = teams


class RerouteForm(ReasonForm):
    field_order = ["unit", "reason"]
    unit = forms.ModelChoiceField(label=_("Send to unit"), queryset=None)  # type: ignore[arg-type]

    def __init__(self, *args: Any, units: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["unit"].queryset = units


class MergeForm(forms.Form):
    into = forms.CharField(label=_("Number of the order to merge into"), max_length=32)
    note = forms.CharField(label=_("Note (optional)"), max_length=300, required=False)

    def clean_into(self) -> str:
        return self.cleaned_data["into"].strip().upper()


class ClaimForm(forms.Form):
    team = forms.ModelChoiceField(label=_("Team"), queryset=None, widget=forms.HiddenInput)  # type: ignore[arg-type]

    def __init__(self, *args: Any, teams: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        if self.is_bound:
            # A posted claim carries only the team's id: the claim service reads and locks that team in the one
            # statement that also checks its leader, area and load, so the form does not read it first.
            self.fields["team"] = forms.IntegerField(
                label=_("Team"), min_value=1, max_value=MAX_ID, widget=forms.HiddenInput
            )
            return
        self.fields["team"].queryset = teams
        listed = list(teams)
        if len(listed) > 1:
            self.fields["team"].widget = forms.Select()
            self.fields["team"].widget.choices = self.fields["team"].choices
        elif len(listed) == 1:
            self.fields["team"].initial = listed[0].pk


class AssignForm(forms.Form):
    volunteers = IdMultipleChoiceField(
        label=_("Volunteers"),
        queryset=None,
        widget=forms.CheckboxSelectMultiple,  # type: ignore[arg-type]
    )

    def __init__(self, *args: Any, members: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["volunteers"].queryset = members
        self.fields["volunteers"].label_from_instance = lambda v: v.user.display_name


class CheckInForm(forms.Form):
    lat = forms.FloatField(required=False, min_value=-90, max_value=90, widget=forms.HiddenInput)
    lng = forms.FloatField(required=False, min_value=-180, max_value=180, widget=forms.HiddenInput)


class CheckOutForm(forms.Form):
    """签退 is its own confirmed step: the box must be ticked, so a second tap on 签到 cannot end the service."""

    confirm = forms.BooleanField(
        label=_("I have finished serving and want to check out now"),
        error_messages={"required": _("Tick the box to confirm that you have finished serving.")},
    )


class MultipleImageInput(forms.ClearableFileInput):
    allow_multiple_selected = True


class MultipleImageField(forms.ImageField):
    def __init__(self, *args: Any, **kwargs: Any) -> None:
        kwargs.setdefault("widget", MultipleImageInput(attrs={"accept": "image/jpeg,image/png,image/webp"}))
        super().__init__(*args, **kwargs)

    def clean(self, data: Any, initial: Any = None) -> list[Any]:
        files = data if isinstance(data, (list, tuple)) else ([data] if data else [])
        if len(files) > MAX_PHOTOS:
            raise ValidationError(_("Attach at most %(n)d photos.") % {"n": MAX_PHOTOS})
        cleaned = []
        for f in files:
            if f.size > MAX_PHOTO_BYTES:
                raise ValidationError(_("Each photo must be smaller than 5 MB."))
            image = super().clean(f, initial)
            fmt = getattr(getattr(image, "image", None), "format", None)
            if fmt not in PHOTO_TYPES:
                raise ValidationError(_("Photos must be JPEG, PNG or WebP images."))
            image.seek(0)
            cleaned.append(image)
        return cleaned


class ReportForm(forms.Form):
    summary = forms.CharField(
        label=_("What was done"), max_length=2000, widget=forms.Textarea(attrs={"rows": 3})
    )
    people_served = forms.IntegerField(label=_("People served"), min_value=0, max_value=10000)
    photos = MultipleImageField(label=_("Photos (optional)"), required=False)

    def __init__(self, *args: Any, volunteers: Any = None, attended: Any = None, **kwargs: Any) -> None:
        """`volunteers`: the assigned volunteers (the page's form). A posted form may go without them: it then
        takes the `hours_<id>` fields that were sent, without reading the assignments, and the service checks
        each id against the attendance it reads anyway (`label_hours` names them if the page is shown again)."""
        super().__init__(*args, **kwargs)
        self.hour_fields: list[tuple[str, int]] = []
        if volunteers is None:
            volunteers = [_Posted(int(m[1])) for m in (_HOURS_KEY.match(k) for k in (self.data or {})) if m]
        for v in volunteers:
            name = f"hours_{v.pk}"
            # Pre-filled from check-in/check-out (all sessions, to the half hour); 0 for someone who did not
            # check in, who cannot be credited (the service refuses it). A posted form is not pre-filled and
            # does not read the attendance (`attended` None): the service checks the hours against it.
            seen = attended.get(v.pk) if attended is not None else None
            suggested = seen.suggested if seen is not None else Decimal("0")
            attrs = {"step": "0.5", "inputmode": "decimal"}
            if attended is None:
                help_text = ""
            elif seen is None:
                help_text = _("Did not check in: cannot be credited.")
            else:
                spans = "; ".join(
                    f"{timezone.localtime(t_in):%H:%M}–{timezone.localtime(t_out):%H:%M}" if t_out
                    else f"{timezone.localtime(t_in):%H:%M}–"
                    for _session, t_in, t_out in seen.sessions
                )
                help_text = _("Checked in %(spans)s: %(h)d h %(m)d min.") % {
                    "spans": spans, "h": seen.minutes // 60, "m": seen.minutes % 60,
                }
            if attended is not None:
                # geo.js shows the difference when the leader changes the pre-filled figure
                attrs.update({
                    "data-attended": str(suggested),
                    "data-diff-more": str(_("%(h)s h more than the check-in record")),
                    "data-diff-less": str(_("%(h)s h less than the check-in record")),
                })
            self.fields[name] = forms.DecimalField(
                label=_("Hours of %(name)s") % {"name": v.user.display_name} if v.user else _("Hours"),
                min_value=Decimal("0"),
                max_value=Decimal("24"),
                decimal_places=1,
                initial=suggested,
                help_text=help_text,
                widget=forms.NumberInput(attrs=attrs),
            )
            self.hour_fields.append((name, v.pk))

    def clean(self) -> dict[str, Any]:
        data = super().clean()
        if not self.hour_fields:
            raise ValidationError(_("Assign volunteers before filing the report."))
        return data

    def hours(self) -> dict[int, Decimal]:
        return {pk: self.cleaned_data[name] for name, pk in self.hour_fields}

    def label_hours(self, volunteers: Any) -> None:
        """Name the hour fields of a posted form after the volunteers (when the page shows it again)."""
        names = {v.pk: v.user.display_name for v in volunteers}
        for name, pk in self.hour_fields:
            if pk in names:
                self.fields[name].label = _("Hours of %(name)s") % {"name": names[pk]}


_HOURS_KEY = re.compile(r"hours_([1-9][0-9]{0,17})\Z")


@dataclass(frozen=True)
class _Posted:
    """A volunteer id sent with a report (no name read)."""

    pk: int
    user: None = None


class RateForm(forms.Form):
    score = forms.TypedChoiceField(
        label=_("How was the service?"),
        choices=[(i, str(i)) for i in range(5, 0, -1)],
        coerce=int,
        widget=forms.RadioSelect,
    )
    tags = forms.MultipleChoiceField(
        label=_("What was good?"), choices=RATING_TAGS, required=False, widget=forms.CheckboxSelectMultiple
    )
    comment = forms.CharField(
        label=_("Comment (optional)"),
        max_length=500,
        required=False,
        widget=forms.Textarea(attrs={"rows": 2}),
    )


class WhistleForm(forms.Form):
    departments = IdMultipleChoiceField(
        label=_("Departments asked to respond"),
        queryset=None,  # type: ignore[arg-type]
        widget=forms.CheckboxSelectMultiple,
    )
    note = forms.CharField(
        label=_("What is needed"), max_length=500, widget=forms.Textarea(attrs={"rows": 2})
    )

    def __init__(self, *args: Any, departments: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["departments"].queryset = departments


class AnswerForm(forms.Form):
    answer = forms.CharField(label=_("Answer"), max_length=1000, widget=forms.Textarea(attrs={"rows": 2}))
