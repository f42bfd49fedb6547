from __future__ import annotations

from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from civicloop.core.choices import FocusGroup, Platform
from civicloop.needs.models import Need, Question


class DateInput(forms.DateInput):
    input_type = "date"


class RoundForm(forms.Form):
    unit = forms.ModelChoiceField(queryset=None, label=_("Unit"))
    title = forms.CharField(label=_("Title"), max_length=120)
    starts_on = forms.DateField(label=_("Period start"), widget=DateInput)
    ends_on = forms.DateField(label=_("Period end"), widget=DateInput)
    target_groups = forms.MultipleChoiceField(
        label=_("Target groups"),
        choices=FocusGroup.choices,
        required=False,
        widget=forms.CheckboxSelectMultiple,
    )
    scope_note = forms.CharField(label=_("Scope"), max_length=200, required=False)

    def __init__(self, *args: Any, units: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["unit"].queryset = units


class NeedForm(forms.Form):
    unit = forms.ModelChoiceField(queryset=None, label=_("Unit"))
    source = forms.ChoiceField(label=_("Source"), choices=Need.Source.choices, initial=Need.Source.OTHER)
    category = forms.ChoiceField(label=_("Platform"), choices=[("", "—"), *Platform.choices], required=False)
    focus_group = forms.ChoiceField(
        label=_("Focus group"), choices=[("", "—"), *FocusGroup.choices], required=False
    )
    description = forms.CharField(label=_("The need"), widget=forms.Textarea(attrs={"rows": 3}))

    def __init__(self, *args: Any, units: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["unit"].queryset = units


class VisitForm(forms.Form):
    resident = forms.ModelChoiceField(queryset=None, label=_("Resident visited"))
    visited_on = forms.DateField(label=_("Visit date"), widget=DateInput)
    focus_group = forms.ChoiceField(label=_("Focus group"), choices=FocusGroup.choices)
    category = forms.ChoiceField(label=_("Platform"), choices=[("", "—"), *Platform.choices], required=False)
    description = forms.CharField(
        label=_("What they need"),
        widget=forms.Textarea(attrs={"rows": 4}),
        help_text=_("Write the need only; do not copy the phone number, address or ID number here."),
    )

    def __init__(self, *args: Any, residents: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["resident"].queryset = residents
        self.fields["resident"].label_from_instance = lambda r: f"{r.masked_name}（{r.unit.name}）"


class NeedEditForm(forms.Form):
    category = forms.ChoiceField(label=_("Platform"), choices=[("", "—"), *Platform.choices], required=False)
    focus_group = forms.ChoiceField(
        label=_("Focus group"), choices=[("", "—"), *FocusGroup.choices], required=False
    )
    description = forms.CharField(label=_("The need"), widget=forms.Textarea(attrs={"rows": 3}))
    status = forms.ChoiceField(label=_("Outcome"), choices=Need.Status.choices)
    unmet_reason = forms.CharField(label=_("Reason unmet"), max_length=200, required=False)
    order_number = forms.CharField(
        label=_("Order number (if met by an order)"), max_length=32, required=False
    )
    activity_id = forms.IntegerField(
        label=_("Activity number (if met by an activity)"), required=False, min_value=1
    )
    recurring = forms.BooleanField(label=_("Recurring need"), required=False)


class SurveyForm(forms.Form):
    unit = forms.ModelChoiceField(queryset=None, label=_("Unit"))
    round = forms.ModelChoiceField(queryset=None, label=_("Needs round"), required=False)
    title = forms.CharField(label=_("Title"), max_length=120)
    intro = forms.CharField(label=_("Introduction"), widget=forms.Textarea(attrs={"rows": 3}), required=False)
    allow_anonymous = forms.BooleanField(
        label=_("Residents without an account may answer from the link or poster"),
        required=False,
        initial=True,
        help_text=_("One answer per phone or computer; the figures count these answers too."),
    )
    ask_phone = forms.BooleanField(
        label=_("Ask them for a mobile number (one answer per number)"), required=False
    )

    def __init__(self, *args: Any, units: Any, rounds: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["unit"].queryset = units
        self.fields["round"].queryset = rounds


class SurveyOptionsForm(forms.Form):
    allow_anonymous = forms.BooleanField(
        label=_("Residents without an account may answer from the link or poster"), required=False
    )
    ask_phone = forms.BooleanField(
        label=_("Ask them for a mobile number (one answer per number)"), required=False
    )


class AnonymousAnswerForm(forms.Form):
    """The mobile asked of someone answering without an account (only when the questionnaire asks for it)."""

    phone = forms.CharField(
        label=_("Your mobile number"),
        max_length=20,
        widget=forms.TextInput(attrs={"type": "tel", "inputmode": "numeric", "autocomplete": "tel"}),
        help_text=_("Only to make sure each number answers once; it is not stored in readable form."),
    )


class QuestionForm(forms.Form):
    kind = forms.ChoiceField(label=_("Kind"), choices=Question.Kind.choices)
    text = forms.CharField(label=_("Question"), max_length=300)
    options = forms.CharField(
        label=_("Options"),
        widget=forms.Textarea(attrs={"rows": 4}),
        required=False,
        help_text=_("For choice questions: one option per line."),
    )
    required = forms.BooleanField(label=_("Required"), required=False, initial=True)


class PaperCountForm(forms.Form):
    paper_distributed = forms.IntegerField(
        label=_("Paper copies handed out"), min_value=0, max_value=1_000_000
    )


class AnalysisForm(forms.Form):
    unit = forms.ModelChoiceField(queryset=None, label=_("Unit"))
    start = forms.DateField(label=_("From"), widget=DateInput)
    end = forms.DateField(label=_("To"), widget=DateInput)

    def __init__(self, *args: Any, units: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["unit"].queryset = units

    def clean(self) -> dict[str, Any]:
        data = super().clean()
        if data.get("start") and data.get("end") and data["end"] < data["start"]:
            raise forms.ValidationError(_("The period must end on or after its start."))
        return data


def answers_from_post(survey: Any, post: Any) -> dict[int, list[str]]:
    """Raw answers keyed by question id, as lists of strings (services validate them)."""
    return {q.pk: post.getlist(f"q{q.pk}") for q in survey.questions.all()}
