"""Forms for the unit pages. They collect and type-check input; the services decide what is allowed."""

from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy as _

from civicloop.network.models import Membership, Unit
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
