"""Forms for the unit pages. They collect and type-check input; the services decide what is allowed."""

from __future__ import annotations

from typing import Any

from django import forms
from django.db.models import QuerySet
from django.utils.translation import gettext_lazy as _

from civicloop.network.models import Membership, Unit, Venue
from civicloop.network.services import EDITABLE


class UnitForm(forms.ModelForm):
    class Meta:
        model = Unit
        fields = list(EDITABLE)
        widgets = {"description": forms.Textarea(attrs={"rows": 3})}


class UnitCreateForm(forms.ModelForm):
    class Meta:
        model = Unit
        fields = ["kind", *EDITABLE]
        widgets = {"description": forms.Textarea(attrs={"rows": 3})}
        help_texts = {
            "kind": _(
                "A practice unit takes the next level down; departments, organisations and venues "
                "hang under any practice unit."
            ),
        }


class GrantForm(forms.Form):
    username = forms.CharField(label=_("Username"), max_length=150)
    role = forms.ChoiceField(label=_("Role"), choices=Membership.Role.choices)
    title = forms.CharField(label=_("Job title"), max_length=50, required=False)


# --- venues -----------------------------------------------------------------------------------------------------

WEEKDAY_CHOICES = [
    (1, _("Mon")), (2, _("Tue")), (3, _("Wed")), (4, _("Thu")), (5, _("Fri")), (6, _("Sat")), (7, _("Sun")),
]


class VenueForm(forms.Form):
    name = forms.CharField(label=_("Venue name"), max_length=100)
    kind = forms.ChoiceField(label=_("Kind of venue"), choices=Venue.Kind.choices)
    shared_with = forms.ModelMultipleChoiceField(
        label=_("Units sharing it"), queryset=Unit.objects.none(), required=False,
        help_text=_("Their staff and teams may book its rooms too."),
    )
    address = forms.CharField(label=_("Address"), max_length=200, required=False)
    description = forms.CharField(
        label=_("Description"), max_length=2000, required=False, widget=forms.Textarea(attrs={"rows": 2})
    )

    def __init__(self, *args: Any, units: QuerySet[Unit], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["shared_with"].queryset = units.order_by("path")


class RoomForm(forms.Form):
    name = forms.CharField(label=_("Room name"), max_length=100)
    capacity = forms.IntegerField(label=_("Seats"), min_value=1, max_value=5000, initial=30)
    equipment = forms.CharField(label=_("Equipment"), max_length=300, required=False)
    opens_at = forms.TimeField(label=_("Opens at"), initial="08:30", widget=forms.TimeInput(attrs={"type": "time"}))
    closes_at = forms.TimeField(label=_("Closes at"), initial="21:00", widget=forms.TimeInput(attrs={"type": "time"}))
    open_days = forms.TypedMultipleChoiceField(
        label=_("Open on"), choices=WEEKDAY_CHOICES, coerce=int, initial=[1, 2, 3, 4, 5, 6, 7],
        widget=forms.CheckboxSelectMultiple,
    )


class BookingForm(forms.Form):
    day = forms.DateField(label=_("Booking day"), widget=forms.DateInput(attrs={"type": "date"}))
    start = forms.TimeField(label=_("Starts at"), widget=forms.TimeInput(attrs={"type": "time"}))
    end = forms.TimeField(label=_("Ends at"), widget=forms.TimeInput(attrs={"type": "time"}))
    title = forms.CharField(label=_("What for"), max_length=100)
    book_for = forms.ChoiceField(label=_("Booked by"))

    def __init__(self, *args: Any, units: list[Unit], teams: list[Any], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["book_for"].choices = [(f"unit:{u.pk}", u.name) for u in units] + [
            (f"team:{t.pk}", t.name) for t in teams
        ]
