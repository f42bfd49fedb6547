"""全域化: the office's coverage page — every town/street and village/community, with or without its 所/站."""

from __future__ import annotations

from django import forms
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from civicloop import access
from civicloop.core.forms import parse_id
from civicloop.network import selectors, services
from civicloop.network.models import Place, Unit


class PlaceLinkForm(forms.Form):
    unit = forms.ModelChoiceField(label=gettext_lazy("Practice unit covering it"), queryset=Unit.objects.none(),
                                  required=False)
    opened_on = forms.DateField(label=gettext_lazy("Opened on"), required=False,
                                widget=forms.DateInput(attrs={"type": "date"}))

    def __init__(self, *args, place: Place, **kwargs) -> None:  # type: ignore[no-untyped-def]
        super().__init__(*args, **kwargs)
        level = Unit.Level.INSTITUTE if place.is_town else Unit.Level.STATION
        self.fields["unit"].queryset = Unit.objects.filter(kind=Unit.Kind.PRACTICE, level=level, is_active=True)


@login_required
def coverage(request: HttpRequest) -> HttpResponse:
    access.require(request, access.is_office(request.user), action="coverage_view")
    return render(request, "network/coverage.html", {"c": selectors.coverage()})


@login_required
def place_edit(request: HttpRequest, pk: int) -> HttpResponse:
    access.require(request, access.is_office(request.user), action="place_link")
    place_id = parse_id(pk)
    place = Place.objects.select_related("unit", "parent").filter(pk=place_id).first() if place_id else None
    if place is None:
        raise Http404
    form = PlaceLinkForm(request.POST if request.method == "POST" else None, place=place,
                         initial={"unit": place.unit_id, "opened_on": place.opened_on})
    if request.method == "POST" and form.is_valid():
        try:
            services.place_link(actor=request.user, place=place, unit=form.cleaned_data["unit"],
                                opened_on=form.cleaned_data["opened_on"])
        except ValidationError as exc:
            for message in exc.messages:
                form.add_error(None, message)
        else:
            messages.success(request, _("The coverage of %(place)s was saved.") % {"place": place.name})
            return redirect("network:coverage")
    return render(request, "network/place_form.html", {"place": place, "form": form})
