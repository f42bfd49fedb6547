"""Forms of calls for entries. The entry form is built from the call (its kind, categories, required fields)."""

from __future__ import annotations

from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from civicloop.contests import policies
from civicloop.contests.models import Call, Judge
from civicloop.contests.services import AUTHOR_FIELDS
from civicloop.contests.text import ZI_PATTERN

DT = forms.DateTimeInput(attrs={"type": "datetime-local"}, format="%Y-%m-%dT%H:%M")
AUTHOR_LABELS = {
    "name": _("Author's name"),
    "address": _("Address"),
    "postcode": _("Postcode"),
    "phone": _("Phone"),
    "organisation": _("Organisation (unit)"),
}


class CallForm(forms.Form):
    organiser = forms.ModelChoiceField(label=_("Organiser"), queryset=None)
    title = forms.CharField(label=_("Title"), max_length=120)
    kind = forms.ChoiceField(label=pgettext_lazy("contests", "Kind"), choices=Call.Kind.choices)
    sponsor = forms.CharField(label=_("Sponsor"), max_length=120, required=False)
    theme = forms.CharField(label=_("Theme"), widget=forms.Textarea(attrs={"rows": 3}), required=False)
    eligibility = forms.CharField(label=_("Who may enter"), widget=forms.Textarea(attrs={"rows": 2}), required=False)
    rules = forms.CharField(label=_("Rules"), widget=forms.Textarea(attrs={"rows": 6}), required=False)
    contact = forms.CharField(label=_("Contact for questions"), max_length=200, required=False)
    marker = forms.CharField(label=_("Title marker"), max_length=80, required=False)
    opens_at = forms.DateTimeField(label=_("Opens at (Beijing time)"), widget=DT)
    closes_at = forms.DateTimeField(label=_("Closes at (Beijing time)"), widget=DT)
    required_fields = forms.MultipleChoiceField(
        label=_("Required author fields"), choices=[(k, AUTHOR_LABELS[k]) for k in AUTHOR_FIELDS],
        widget=forms.CheckboxSelectMultiple, required=False,
    )
    categories = forms.CharField(
        label=_("Categories"), widget=forms.Textarea(attrs={"rows": 3}), required=False, help_text=_("One a line.")
    )
    guideline_chars = forms.IntegerField(label=_("Length guideline (字)"), min_value=1, max_value=100000, required=False)
    limit_chars = forms.IntegerField(label=_("Hard length limit (字)"), min_value=1, max_value=100000, required=False)
    rubric = forms.CharField(
        label=_("Rubric"), widget=forms.Textarea(attrs={"rows": 4}), required=False,
        help_text=_("One criterion a line: name and weight, e.g. “思想内容 40”; weights add up to 100."),
    )
    first = forms.IntegerField(label=_("First prizes"), min_value=0, max_value=100, initial=1)
    second = forms.IntegerField(label=_("Second prizes"), min_value=0, max_value=100, initial=2)
    third = forms.IntegerField(label=_("Third prizes"), min_value=0, max_value=100, initial=3)
    merit = forms.IntegerField(label=_("Awards of excellence"), min_value=0, max_value=500, initial=5)
    publicity_days = forms.IntegerField(label=_("Publicity period (days)"), min_value=0, max_value=60, initial=7)
    votes_per_day = forms.IntegerField(label=_("Votes per person per day"), min_value=1, max_value=50, initial=3)

    def __init__(self, *args: Any, user: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["organiser"].queryset = policies.organiser_units(user)

    def clean_rubric(self) -> list[dict[str, Any]]:
        rubric = []
        for i, line in enumerate((self.cleaned_data.get("rubric") or "").splitlines(), start=1):
            parts = line.strip().rsplit(None, 1)
            if not parts:
                continue
            if len(parts) != 2 or not parts[1].isascii() or not parts[1].isdigit():
                raise forms.ValidationError(_("Line %(n)s: write a name and a weight."), params={"n": i})
            rubric.append({"code": f"c{i}", "label": parts[0][:60], "weight": int(parts[1])})
        return rubric


def zi_counter(call: Call) -> dict[str, str]:
    """Attributes for the essay box's live 字 counter (static/js/contests-zi.js): the server's own counting
    pattern, the guideline and limit, and the messages already translated (no inline script under the CSP)."""
    attrs = {
        "data-count": "zi",
        "data-zi-pattern": ZI_PATTERN,
        "data-zi-label": str(_("Length: %(n)s 字")),
        "data-zi-ok": str(_("Within the guideline.")),
        "data-zi-over-guideline": str(_("Above the guideline of %(g)s 字: it can still be submitted.")),
        "data-zi-over-limit": str(_("Above the limit of %(l)s 字: it cannot be submitted until shortened.")),
    }
    if call.guideline_chars:
        attrs["data-zi-guideline"] = str(call.guideline_chars)
        attrs["data-zi-guideline-text"] = str(_("guideline %(g)s") % {"g": call.guideline_chars})
    if call.limit_chars:
        attrs["data-zi-limit"] = str(call.limit_chars)
        attrs["data-zi-limit-text"] = str(_("limit %(l)s") % {"l": call.limit_chars})
    return attrs


class EntryForm(forms.Form):
    """The entry form of one call: its kind decides the fields; required author fields are starred."""

    def __init__(self, *args: Any, call: Call, staff: bool = False, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.call = call
        f = self.fields
        if call.is_nomination:
            f["unit"] = forms.ModelChoiceField(label=_("The nominee's community"), queryset=policies.nomination_units(call))
            f["title"] = forms.CharField(label=_("Headline of the good deed"), max_length=120)
            f["nominee_name"] = forms.CharField(label=_("Nominee's name"), max_length=50)
            f["nominee_phone"] = forms.CharField(label=_("Nominee's phone"), max_length=20, required=False,
                                                 help_text=_("Only the station sees it, to check the story."))
            f["body"] = forms.CharField(label=_("The story"), widget=forms.Textarea(attrs={"rows": 8}))
            f["photo"] = forms.ImageField(label=_("A photo (optional)"), required=False)
            f["nominee_consent"] = forms.BooleanField(
                label=_("The nominee knows about this nomination and agrees that the story and their name (masked) "
                        "are shown publicly."), required=False,
            )
            return
        f["title"] = forms.CharField(label=_("Title"), max_length=120)
        if call.categories:
            f["category"] = forms.ChoiceField(label=_("Category"), choices=[("", "—")] + [(c, c) for c in call.categories],
                                              required=False)
        if call.kind == Call.Kind.ESSAY:
            help_text = ""
            if call.guideline_chars:
                help_text = _("About %(n)s 字 or fewer is preferred.") % {"n": call.guideline_chars}
            if call.limit_chars:
                help_text = f"{help_text} " + str(_("More than %(n)s 字 cannot be accepted.") % {"n": call.limit_chars})
            f["body"] = forms.CharField(label=_("Text"), widget=forms.Textarea(attrs={"rows": 14, **zi_counter(call)}),
                                        required=False, help_text=help_text.strip())
        else:
            f["photo"] = forms.ImageField(label=_("Photo"), required=False,
                                          help_text=_("JPEG or PNG, up to 20 MB; we keep the original."))
            f["caption"] = forms.CharField(
                label=_("Caption"), widget=forms.Textarea(attrs={"rows": 4}), required=False,
                help_text=_("The news, then the date, the place and what happens, then “某某 摄”."),
            )
        for code in AUTHOR_FIELDS:
            name = "organisation" if code == "organisation" else f"author_{code}"
            required = code in call.required_fields
            if not required and code != "organisation":
                continue
            f[name] = forms.CharField(label=AUTHOR_LABELS[code], max_length=200, required=False)
            if required:
                f[name].label = f"{AUTHOR_LABELS[code]} *"


class ScoreForm(forms.Form):
    def __init__(self, *args: Any, call: Call, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        for crit in call.rubric:
            self.fields[crit["code"]] = forms.IntegerField(
                label=f"{crit['label']} ({crit['weight']}%)", min_value=0, max_value=100,
                widget=forms.NumberInput(attrs={"inputmode": "numeric"}),
            )
        self.fields["comment"] = forms.CharField(label=pgettext_lazy("contests", "Comment"), widget=forms.Textarea(attrs={"rows": 3}),
                                                 required=False, max_length=2000)


class JudgeForm(forms.Form):
    username = forms.CharField(label=_("Judge's user name"), max_length=150)
    stage = forms.ChoiceField(label=_("Stage"), choices=Judge.Stage.choices)


class DeclareForm(forms.Form):
    conflicts = forms.CharField(
        label=_("Organisations or people you are close to"), required=False, widget=forms.Textarea(attrs={"rows": 3}),
        help_text=_("One a line; their entries are not shown to you."),
    )
    confirm = forms.BooleanField(
        label=_("I declare that I have no other conflict of interest and will stand aside from any entry I "
                "recognise."),
    )


class ReasonForm(forms.Form):
    reason = forms.CharField(label=_("Reason"), max_length=200)


class AdvanceForm(forms.Form):
    stage = forms.ChoiceField(label=_("Stage"), choices=Judge.Stage.choices)
    top = forms.IntegerField(label=_("How many go on (second round)"), min_value=1, max_value=10000, required=False)


class UnitAwardForm(forms.Form):
    organisation = forms.CharField(label=_("Organisation (unit)"), max_length=100)
    reason = forms.CharField(label=_("Reason"), max_length=200, required=False)


class ObjectionForm(forms.Form):
    text = forms.CharField(label=_("Your objection"), widget=forms.Textarea(attrs={"rows": 4}), max_length=4000)


class AnswerForm(forms.Form):
    answer = forms.CharField(label=_("Answer"), widget=forms.Textarea(attrs={"rows": 3}), max_length=4000)
    upheld = forms.BooleanField(label=_("The objection is upheld (the award is withdrawn)"), required=False)


class DiscountForm(forms.Form):
    ip = forms.GenericIPAddressField(label=_("IP address"), required=False)
    device = forms.CharField(label=_("Device"), max_length=64, required=False)
    start = forms.DateTimeField(label=pgettext_lazy("contests", "From"), widget=DT)
    end = forms.DateTimeField(label=pgettext_lazy("contests", "Until"), widget=DT)
    reason = forms.CharField(label=_("Reason"), max_length=200)
