"""The audit log filter form."""

from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy as _

from civicloop.audit.models import AuditEvent
from civicloop.core.validators import validate_filter_date


class AuditFilterForm(forms.Form):
    action = forms.ChoiceField(label=_("Action"), required=False)
    outcome = forms.ChoiceField(
        label=_("Outcome"), choices=[("", _("All")), *AuditEvent.Outcome.choices], required=False
    )
    actor = forms.CharField(label=_("Actor username"), max_length=150, required=False)
    since = forms.DateField(
        label=_("From"),
        required=False,
        widget=forms.DateInput(attrs={"type": "date"}),
        validators=[validate_filter_date],
    )
    until = forms.DateField(
        label=_("To"),
        required=False,
        widget=forms.DateInput(attrs={"type": "date"}),
        validators=[validate_filter_date],
    )

    def __init__(self, *args: object, actions: list[tuple[str, str]] | None = None, **kwargs: object) -> None:
        super().__init__(*args, **kwargs)  # type: ignore[arg-type]
        self.fields["action"].choices = [("", _("All actions")), *(actions or [])]  # type: ignore[attr-defined]

    def clean(self) -> dict:
        data = super().clean()
        if data.get("since") and data.get("until") and data["since"] > data["until"]:
            raise forms.ValidationError(_("The start date must not be after the end date."))
        return data
