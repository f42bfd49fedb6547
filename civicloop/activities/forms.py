from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy as _

from civicloop.activities.models import Activity
from civicloop.core.choices import FocusGroup, Platform


class ActivityForm(forms.Form):
    unit = forms.ModelChoiceField(queryset=None, label=_("Organising unit"))
    team = forms.ModelChoiceField(queryset=None, label=_("Organising team"), required=False)
    category = forms.ChoiceField(choices=Platform.choices, label=_("Platform"))
    title = forms.CharField(max_length=100, label=_("Title"))
    description = forms.CharField(widget=forms.Textarea, required=False, label=_("Description"))
    room = forms.ModelChoiceField(
        queryset=None, required=False, label=_("Venue room"),
        help_text=_("A room of a venue shared with the organising unit; it is booked for the activity's time."),
    )
    place = forms.CharField(
        max_length=200, required=False, label=_("Place"), help_text=_("Left empty with a room, the room's name.")
    )
    starts_at = forms.DateTimeField(
        label=_("Starts at"),
        widget=forms.DateTimeInput(attrs={"type": "datetime-local"}, format="%Y-%m-%dT%H:%M"),
    )
    ends_at = forms.DateTimeField(
        label=_("Ends at"),
        widget=forms.DateTimeInput(attrs={"type": "datetime-local"}, format="%Y-%m-%dT%H:%M"),
    )
    roles = forms.CharField(
        widget=forms.Textarea(attrs={"rows": 3}),
        label=_("Volunteer roles"),
        help_text=_("One role a line: name and number of places, e.g. “讲解员 5”."),
    )
    target_group = forms.ChoiceField(
        choices=[("", _("Everyone")), *list(FocusGroup.choices)], required=False, label=_("Target group")
    )
    expected_audience = forms.IntegerField(
        min_value=0, max_value=100000, initial=0, label=_("Expected audience")
    )
    auto_accept = forms.BooleanField(required=False, initial=True, label=_("Accept sign-ups automatically"))

    def __init__(self, *args, units=None, teams=None, rooms=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["unit"].queryset = units
        self.fields["team"].queryset = teams
        if rooms is None:  # editing: the room is booked when the activity is planned
            del self.fields["room"]
        else:
            self.fields["room"].queryset = rooms
            self.fields["room"].label_from_instance = lambda r: _("%(venue)s · %(room)s (%(n)s seats)") % {
                "venue": r.venue.name, "room": r.name, "n": r.capacity
            }

    def clean(self):
        data = super().clean()
        if not (data.get("place") or "").strip() and not data.get("room"):
            self.add_error("place", _("Say where the activity takes place, or pick a venue room."))
        return data

    def clean_roles(self) -> list[tuple[str, int]]:
        out = []
        for line in self.cleaned_data["roles"].splitlines():
            parts = line.replace("：", " ").replace(":", " ").split()
            if not parts:
                continue
            if len(parts) < 2 or not parts[-1].isdecimal():  # "²" is a digit to isdigit() but not to int()
                raise forms.ValidationError(
                    _("Write each role as a name and a number of places, e.g. “讲解员 5”.")
                )
            out.append((" ".join(parts[:-1]), int(parts[-1])))
        if not out:
            raise forms.ValidationError(_("Add at least one volunteer role with its number of places."))
        return out

    @staticmethod
    def roles_text(activity: Activity) -> str:
        return "\n".join(f"{r.name} {r.quota}" for r in activity.roles.all())


class CloseForm(forms.Form):
    people_served = forms.IntegerField(min_value=0, max_value=100000, label=_("People served"))
    summary = forms.CharField(widget=forms.Textarea, label=_("Activity summary"))
    photos = forms.ImageField(required=False, label=_("Photo"))


class CancelForm(forms.Form):
    reason = forms.CharField(max_length=200, label=_("Reason"))


class CloseConfirmForm(CloseForm):
    """The page's close form: the organiser ticks that the activity is over before hours are credited."""

    confirm = forms.BooleanField(
        label=_("The activity is over: credit the hours now (this cannot be undone)"),
        error_messages={"required": _("Tick the box to confirm that the activity is over.")},
    )
