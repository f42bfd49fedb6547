"""Unit tree pages for staff: browse the subtree, see a unit, edit it, add children, hand out roles."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from civicloop import access
from civicloop.network import policies as policy
from civicloop.network import selectors, services
from civicloop.network.forms import GrantForm, UnitCreateForm, UnitForm
from civicloop.network.models import Membership, Unit

CHILDREN_PER_PAGE = 50


def _unit_for(request: HttpRequest, pk: int, *, action: str, allowed: object) -> Unit:
    unit = get_object_or_404(Unit, pk=pk)
    access.require(request, allowed(request.user, unit), action=action, obj=unit)  # type: ignore[operator]
    return unit


def _form_errors(form: object, exc: ValidationError) -> None:
    for message in exc.messages:
        form.add_error(None, message)  # type: ignore[attr-defined]


@login_required
def unit_tree(request: HttpRequest) -> HttpResponse:
    access.require(request, access.is_staff(request.user), action="unit_tree")
    rows = selectors.unit_rows(request.user, selectors.tree_tops(request.user))
    return render(request, "network/unit_tree.html", {"rows": rows})


@login_required
def unit_children(request: HttpRequest, pk: int) -> HttpResponse:
    """htmx partial: one page of a unit's children with their counts."""
    unit = _unit_for(request, pk, action="unit_view", allowed=policy.can_view_unit)
    page = Paginator(selectors.unit_children(request.user, unit), CHILDREN_PER_PAGE).get_page(
        request.GET.get("page")
    )
    rows = selectors.unit_rows(request.user, page.object_list)
    return render(request, "network/_unit_children.html", {"unit": unit, "rows": rows, "page": page})


@login_required
def unit_detail(request: HttpRequest, pk: int) -> HttpResponse:
    unit = _unit_for(request, pk, action="unit_view", allowed=policy.can_view_unit)
    page = Paginator(selectors.unit_children(request.user, unit), CHILDREN_PER_PAGE).get_page(
        request.GET.get("page")
    )
    user = request.user
    return render(
        request,
        "network/unit_detail.html",
        {
            "unit": unit,
            "own": selectors.unit_rows(user, [unit])[0].counts,
            "rows": selectors.unit_rows(user, page.object_list),
            "page": page,
            "ancestors": selectors.unit_ancestors(user, unit),
            "staff": selectors.unit_staff(unit),
            "can_edit": access.can_edit_unit(user, unit),
            "can_add": access.can_add_child_unit(user, unit),
            "can_roles": policy.can_manage_roles(user, unit),
            "grant_form": GrantForm(),
        },
    )


@login_required
def unit_edit(request: HttpRequest, pk: int) -> HttpResponse:
    unit = _unit_for(request, pk, action="unit_update", allowed=access.can_edit_unit)
    form = UnitForm(request.POST or None, instance=Unit.objects.get(pk=unit.pk))
    if request.method == "POST" and form.is_valid():
        changes = {name: form.cleaned_data[name] for name in form.changed_data}
        try:
            if changes:  # saving an untouched form changes nothing and logs nothing
                services.unit_update(unit=unit, actor=request.user, **changes)
        except ValidationError as exc:
            _form_errors(form, exc)
        else:
            messages.success(request, _("The unit was saved."))
            return redirect("network:unit_detail", pk=unit.pk)
    return render(request, "network/unit_form.html", {"unit": unit, "form": form, "mode": "edit"})


@login_required
def unit_add(request: HttpRequest, pk: int) -> HttpResponse:
    parent = _unit_for(request, pk, action="unit_create", allowed=access.can_add_child_unit)
    form = UnitCreateForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        data = dict(form.cleaned_data)
        try:
            child = services.unit_create(
                parent=parent, name=data.pop("name"), kind=data.pop("kind"), actor=request.user, **data
            )
        except ValidationError as exc:
            _form_errors(form, exc)
        else:
            messages.success(request, _("The unit was added."))
            return redirect("network:unit_detail", pk=child.pk)
    return render(request, "network/unit_form.html", {"unit": parent, "form": form, "mode": "add"})


@login_required
@require_POST
def membership_grant(request: HttpRequest, pk: int) -> HttpResponse:
    unit = _unit_for(request, pk, action="role_grant", allowed=policy.can_manage_roles)
    form = GrantForm(request.POST)
    if form.is_valid():
        person = selectors.account_by_username(form.cleaned_data["username"])
        if person is None:
            form.add_error("username", _("No account has this username."))
        else:
            try:
                services.membership_grant(
                    user=person,
                    unit=unit,
                    role=form.cleaned_data["role"],
                    title=form.cleaned_data["title"],
                    actor=request.user,
                )
            except ValidationError as exc:
                _form_errors(form, exc)
            else:
                messages.success(request, _("The role was granted."))
                return redirect("network:unit_detail", pk=unit.pk)
    return render(request, "network/grant_form.html", {"unit": unit, "form": form}, status=400)


@login_required
@require_POST
def membership_revoke(request: HttpRequest, pk: int) -> HttpResponse:
    membership = get_object_or_404(Membership.objects.select_related("unit", "user"), pk=pk)
    access.require(
        request,
        policy.can_revoke_membership(request.user, membership),
        action="role_revoke",
        obj=membership,
    )
    services.membership_revoke(membership=membership, actor=request.user)
    messages.success(request, _("The role was revoked."))
    return redirect("network:unit_detail", pk=membership.unit_id)
