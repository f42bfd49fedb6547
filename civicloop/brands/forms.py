from __future__ import annotations

from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from civicloop.brands.models import BrandProject
from civicloop.core.choices import Platform
from civicloop.core.forms import IdMultipleChoiceField


class ProjectForm(forms.Form):
    name = forms.CharField(label=_("Project name"), max_length=100)
    owner_unit = forms.ModelChoiceField(queryset=None, label=_("Owner unit"))
    industry = forms.CharField(
        label=_("Industry"),
        max_length=50,
        required=False,
        help_text=_("For an industry's project, e.g. 卫生健康."),
    )
    category = forms.ChoiceField(label=_("Platform"), choices=Platform.choices)
    status = forms.ChoiceField(label=_("Status"), choices=BrandProject.Status.choices)
    description = forms.CharField(
        label=_("Description"), widget=forms.Textarea(attrs={"rows": 4}), required=False
    )
    teams = IdMultipleChoiceField(
        queryset=None, label=_("Volunteer teams"), required=False, widget=forms.CheckboxSelectMultiple
    )

    def __init__(self, *args: Any, units: Any, teams: Any, edit: bool = False, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["owner_unit"].queryset = units
        self.fields["teams"].queryset = teams
        if edit:
            self.fields["owner_unit"].disabled = True
