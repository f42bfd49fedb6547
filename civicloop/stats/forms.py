from __future__ import annotations

import datetime as dt

from django import forms
from django.core.exceptions import ValidationError
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from civicloop.core.validators import validate_filter_date


class PeriodForm(forms.Form):
    """A period: a whole year by default, or a start and an end date."""

    year = forms.IntegerField(label=_("Year"), required=False, min_value=2000, max_value=2100)
    start = forms.DateField(
        label=_("From"),
        required=False,
        widget=forms.DateInput(attrs={"type": "date"}),
        validators=[validate_filter_date],
    )
    end = forms.DateField(
        label=_("To"),
        required=False,
        widget=forms.DateInput(attrs={"type": "date"}),
        validators=[validate_filter_date],
    )

    def clean(self) -> dict:
        data = super().clean()
        start, end = data.get("start"), data.get("end")
        if any(d is not None and not 2000 <= d.year <= 2100 for d in (start, end)):
            raise ValidationError(_("Choose dates between the years 2000 and 2100."))
        if start and end and start > end:
            raise ValidationError(_("The start date must not be after the end date."))
        if (start and end) and (end - start).days > 3660:
            raise ValidationError(_("Choose a period of at most ten years."))
        return data

    def period(self) -> tuple[dt.date, dt.date]:
        """The chosen period; the current year when nothing (valid) was chosen."""
        today = timezone.localdate()
        data = self.cleaned_data if self.is_valid() else {}
        if data.get("start") and data.get("end"):
            return data["start"], data["end"]
        year = data.get("year") or today.year
        return dt.date(year, 1, 1), dt.date(year, 12, 31)
