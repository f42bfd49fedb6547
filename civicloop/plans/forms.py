"""Page forms; the services validate again (the API calls them with the same rules and messages)."""

from __future__ import annotations

from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from civicloop.core.forms import IdMultipleChoiceField
from civicloop.network.models import Unit
from civicloop.plans.models import Meeting, Member, Plan, Project

DATE = forms.DateInput(attrs={"type": "date"})
TEXT3 = forms.Textarea(attrs={"rows": 3})


def _members(field: Any) -> None:
    field.label_from_instance = lambda m: m.unit.name


class CommitteeForm(forms.Form):
    """The committee and its leading group; `units` (for a new committee only) are where it may sit."""

    unit = forms.ModelChoiceField(label=_("Unit"), queryset=Unit.objects.none())
    name = forms.CharField(label=_("Committee name"), max_length=100)
    group_name = forms.CharField(label=_("Leading group"), max_length=100, required=False)
    head_name = forms.CharField(label=_("Head of the leading group"), max_length=50, required=False)
    head_title = forms.CharField(label=_("Head's post"), max_length=50, required=False)
    office_name = forms.CharField(label=_("Office"), max_length=100, required=False)

    def __init__(self, *args: Any, units: Any = None, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        if units is None:
            del self.fields["unit"]
        else:
            self.fields["unit"].queryset = units  # type: ignore[attr-defined]


class MemberEditForm(forms.Form):
    role = forms.ChoiceField(label=_("Role in the committee"), choices=Member.Role.choices)
    contact_name = forms.CharField(label=_("Contact person"), max_length=50, required=False)


class MemberForm(forms.Form):
    unit = forms.ModelChoiceField(label=_("Unit"), queryset=Unit.objects.none())
    role = forms.ChoiceField(label=_("Role in the committee"), choices=Member.Role.choices, initial=Member.Role.MEMBER)
    contact_name = forms.CharField(label=_("Contact person"), max_length=50, required=False)

    def __init__(self, *args: Any, units: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["unit"].queryset = units  # type: ignore[attr-defined]


class PlanForm(forms.Form):
    title = forms.CharField(label=_("Title"), max_length=200)
    year = forms.IntegerField(label=_("Year"), min_value=2000, max_value=2100)
    kind = forms.ChoiceField(label=_("Document kind"), choices=Plan.Kind.choices)


class ItemForm(forms.Form):
    goal = forms.CharField(label=_("Goal"), max_length=2000, widget=TEXT3)
    key_tasks = forms.CharField(label=_("Key tasks"), max_length=4000, required=False, widget=TEXT3)
    measures = forms.CharField(label=_("Measures"), max_length=4000, required=False, widget=TEXT3)
    requirements = forms.CharField(label=_("Requirements"), max_length=4000, required=False, widget=TEXT3)
    lead = forms.ModelChoiceField(label=_("Lead unit"), queryset=Member.objects.none(), required=False)
    partners = IdMultipleChoiceField(
        label=_("Co-operating units"), queryset=Member.objects.none(), required=False, widget=forms.CheckboxSelectMultiple
    )

    def __init__(self, *args: Any, members: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        for name in ("lead", "partners"):
            self.fields[name].queryset = members  # type: ignore[attr-defined]
            _members(self.fields[name])


class ProjectForm(forms.Form):
    member = forms.ModelChoiceField(label=_("Member unit"), queryset=Member.objects.none())
    title = forms.CharField(label=_("Title"), max_length=200)
    year = forms.IntegerField(label=_("Year"), min_value=2000, max_value=2100)
    target_value = forms.IntegerField(label=_("Target"), min_value=1, max_value=10_000_000)
    target_unit = forms.CharField(label=_("Measure word"), max_length=10, initial="个")
    target_item = forms.CharField(label=_("What is counted"), max_length=50, required=False)
    kind = forms.ChoiceField(label=_("Project kind"), choices=Project.Kind.choices, required=False)
    metric = forms.ChoiceField(label=_("Platform figure"), choices=Project.Metric.choices, required=False)
    metric_unit = forms.ModelChoiceField(
        label=_("Figure counted under"), queryset=Unit.objects.none(), required=False,
        help_text=_("Left empty, the committee's whole unit tree."),
    )
    due_on = forms.DateField(label=_("Due date"), widget=DATE)
    description = forms.CharField(label=_("Description"), max_length=4000, required=False, widget=TEXT3)

    def __init__(self, *args: Any, members: Any, units: Any = None, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["member"].queryset = members  # type: ignore[attr-defined]
        _members(self.fields["member"])
        if units is not None:
            self.fields["metric_unit"].queryset = units  # type: ignore[attr-defined]


class ProjectEditForm(forms.Form):
    """A live project's title, target and due date (year, member unit and platform figure stay)."""

    title = forms.CharField(label=_("Title"), max_length=200)
    target_value = forms.IntegerField(label=_("Target"), min_value=1, max_value=10_000_000)
    target_unit = forms.CharField(label=_("Measure word"), max_length=10)
    target_item = forms.CharField(label=_("What is counted"), max_length=50, required=False)
    due_on = forms.DateField(label=_("Due date"), widget=DATE)
    description = forms.CharField(label=_("Description"), max_length=4000, required=False, widget=TEXT3)


class MilestoneForm(forms.Form):
    title = forms.CharField(label=_("Milestone"), max_length=200)
    due_on = forms.DateField(label=_("Due date"), widget=DATE)


class MultipleFileInput(forms.ClearableFileInput):
    allow_multiple_selected = True


class MultipleFileField(forms.FileField):
    def __init__(self, *args: Any, **kwargs: Any) -> None:
        kwargs.setdefault("widget", MultipleFileInput())
        super().__init__(*args, **kwargs)

    def clean(self, data: Any, initial: Any = None) -> Any:
        single = super().clean
        if isinstance(data, list | tuple):
            return [single(d, initial) for d in data]
        return [single(data, initial)] if data else []


class ProgressForm(forms.Form):
    quarter = forms.TypedChoiceField(
        label=_("Quarter"), coerce=int, choices=[(1, _("Q1")), (2, _("Q2")), (3, _("Q3")), (4, _("Q4"))]
    )
    figure = forms.IntegerField(
        label=_("Figure reached"), min_value=0, max_value=10_000_000, required=False,
        help_text=_("Left empty, the platform's figure is taken (for targets counted by the platform)."),
    )
    text = forms.CharField(label=_("Progress"), max_length=4000, widget=TEXT3)
    on_track = forms.TypedChoiceField(
        label=_("Assessment"), coerce=lambda v: v == "1", choices=[("1", _("On track")), ("0", _("Behind schedule"))]
    )
    files = MultipleFileField(label=_("Evidence (photos, documents)"), required=False)


class YearReportForm(forms.Form):
    text = forms.CharField(label=_("Report"), max_length=20000, widget=forms.Textarea(attrs={"rows": 10}))


class MeetingCreateForm(forms.Form):
    kind = forms.ChoiceField(label=_("Meeting kind"), choices=Meeting.Kind.choices)
    title = forms.CharField(label=_("Title"), max_length=200)
    held_at = forms.DateTimeField(label=_("Held at"), widget=forms.DateTimeInput(attrs={"type": "datetime-local"}))
    mode = forms.ChoiceField(label=_("Mode"), choices=Meeting.Mode.choices)
    place = forms.CharField(label=_("Place"), max_length=200, required=False)
    branch_venues = forms.CharField(
        label=_("Branch venues"), max_length=2000, required=False, widget=TEXT3, help_text=_("One venue a line.")
    )
    attendees = IdMultipleChoiceField(
        label=_("Attending units"), queryset=Member.objects.none(), required=False, widget=forms.CheckboxSelectMultiple
    )

    def __init__(self, *args: Any, members: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["attendees"].queryset = members  # type: ignore[attr-defined]
        _members(self.fields["attendees"])


class AgendaForm(forms.Form):
    title = forms.CharField(label=_("Agenda item"), max_length=200)
    link = forms.ChoiceField(label=_("Linked to"), required=False)

    def __init__(self, *args: Any, committee: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        choices: list[tuple[str, str]] = [("", "—")]
        choices += [(f"plan:{p.pk}", f"{p.year} {p.title}") for p in committee.plans.order_by("-year")[:50]]
        choices += [(f"project:{p.pk}", f"{p.year} {p.title}") for p in committee.projects.order_by("-year")[:100]]
        choices += [
            (f"year_report:{r.pk}", f"{r.year} {r.member.unit.name}")
            for r in committee.year_reports.select_related("member__unit").order_by("-year")[:100]
        ]
        self.fields["link"].choices = choices  # type: ignore[attr-defined]


class ResolutionForm(forms.Form):
    text = forms.CharField(label=_("Resolution"), max_length=2000, widget=TEXT3)


class FollowUpForm(forms.Form):
    owner = forms.ModelChoiceField(label=_("Responsible unit"), queryset=Member.objects.none())
    title = forms.CharField(label=_("Task"), max_length=200)
    due_on = forms.DateField(label=_("Due date"), widget=DATE)

    def __init__(self, *args: Any, members: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["owner"].queryset = members  # type: ignore[attr-defined]
        _members(self.fields["owner"])


class MinutesForm(forms.Form):
    minutes = forms.CharField(label=_("Minutes"), max_length=20000, required=False, widget=forms.Textarea(attrs={"rows": 6}))
