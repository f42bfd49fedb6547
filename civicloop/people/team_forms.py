"""Forms for founding a team and asking to join one (the workflow steps carry their own forms)."""

from __future__ import annotations

from typing import Any

from django import forms
from django.db.models import QuerySet
from django.utils.translation import gettext_lazy as _

from civicloop.core.choices import Platform, VolunteerType
from civicloop.network.models import Unit


class TeamFoundForm(forms.Form):
    name = forms.CharField(label=_("Team name"), max_length=100)
    team_type = forms.ChoiceField(label=_("Team type"), choices=VolunteerType.choices)
    home_unit = forms.ModelChoiceField(label=_("Home unit"), queryset=Unit.objects.none())
    served_units = forms.ModelMultipleChoiceField(
        label=_("Units served"),
        queryset=Unit.objects.none(),
        required=False,
        help_text=_("The home unit and units below it; none chosen means the home unit."),
    )
    categories = forms.MultipleChoiceField(
        label=_("Service platforms"), choices=Platform.choices, widget=forms.CheckboxSelectMultiple
    )
    capacity = forms.IntegerField(label=_("Orders at once"), min_value=1, max_value=100, initial=3)
    leader_number = forms.CharField(
        label=_("Leader's volunteer number"),
        max_length=20,
        required=False,
        help_text=_("Leave empty to lead the team yourself."),
    )
    contact_name = forms.CharField(label=_("Contact person"), max_length=50, required=False)
    contact_phone = forms.CharField(label=_("Contact mobile"), max_length=20, required=False)
    description = forms.CharField(
        label=_("Description"), max_length=2000, required=False, widget=forms.Textarea(attrs={"rows": 3})
    )

    def __init__(self, *args: Any, units: QuerySet[Unit], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["home_unit"].queryset = units.order_by("path")
        self.fields["served_units"].queryset = units.order_by("path")


class TeamEditForm(forms.Form):
    """The team's details its leader or owning unit may change (not its state, leader, members or units)."""

    name = forms.CharField(label=_("Team name"), max_length=100)
    team_type = forms.ChoiceField(label=_("Team type"), choices=VolunteerType.choices)
    categories = forms.MultipleChoiceField(
        label=_("Service platforms"), choices=Platform.choices, widget=forms.CheckboxSelectMultiple
    )
    capacity = forms.IntegerField(label=_("Orders at once"), min_value=1, max_value=100)
    contact_name = forms.CharField(label=_("Contact person"), max_length=50, required=False)
    contact_phone = forms.CharField(label=_("Contact mobile"), max_length=20, required=False)
    description = forms.CharField(
        label=_("Description"), max_length=2000, required=False, widget=forms.Textarea(attrs={"rows": 3})
    )


class TeamApplyForm(forms.Form):
    message = forms.CharField(label=_("A word to the leader"), max_length=300, required=False)


class TeamInviteForm(forms.Form):
    volunteer_number = forms.CharField(label=_("Volunteer number"), max_length=20)
    message = forms.CharField(label=_("Message"), max_length=300, required=False)
