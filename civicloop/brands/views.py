"""Brand project pages: the registry, create/edit, and the office's compliance page."""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _

from civicloop import access
from civicloop.brands import policies as policy
from civicloop.brands import selectors, services
from civicloop.brands.forms import ProjectForm
from civicloop.brands.models import BrandProject
from civicloop.core.choices import Platform
from civicloop.core.forms import error_text

PER_PAGE = 25


@login_required
def project_list(request: HttpRequest) -> HttpResponse:
    access.require(request, access.is_staff(request.user), action="brand_list")
    qs = policy.visible_projects(request.user)
    status, category, q = (
        request.GET.get("status", ""),
        request.GET.get("category", ""),
        request.GET.get("q", "").strip(),
    )
    if status in BrandProject.Status.values:
        qs = qs.filter(status=status)
    if category in Platform.values:
        qs = qs.filter(category=category)
    if q:
        qs = qs.filter(name__icontains=q)
    page = Paginator(selectors.projects_for_list(qs).order_by("unit_path", "name"), PER_PAGE).get_page(
        request.GET.get("page")
    )
    return render(
        request,
        "brands/project_list.html",
        {
            "page": page,
            "status": status,
            "category": category,
            "q": q,
            "statuses": BrandProject.Status.choices,
            "categories": Platform.choices,
            "can_compliance": policy.can_view_compliance(request.user),
        },
    )


def _form(request: HttpRequest, **kwargs: Any) -> ProjectForm:
    return ProjectForm(
        request.POST or None,
        units=policy.owner_units(request.user),
        teams=access.visible_teams(request.user).filter(is_active=True).order_by("name"),
        **kwargs,
    )


@login_required
def project_create(request: HttpRequest) -> HttpResponse:
    access.require(request, access.is_staff(request.user), action="brand_create")
    form = _form(request, initial={"status": BrandProject.Status.ACTIVE})
    if request.method == "POST" and form.is_valid():
        d = form.cleaned_data
        access.require(
            request, policy.can_create_project(request.user, d["owner_unit"]), action="brand_create"
        )
        try:
            project = services.brand_create(
                name=d["name"],
                owner_unit=d["owner_unit"],
                category=d["category"],
                industry=d["industry"],
                status=d["status"],
                description=d["description"],
                teams=d["teams"],
                actor=request.user,
            )
        except ValidationError as exc:
            form.add_error(None, error_text(exc))
        else:
            messages.success(request, _("The brand project is registered."))
            return redirect("brands:project_detail", project.pk)
    return render(request, "brands/project_form.html", {"form": form, "title": _("Register a brand project")})


@login_required
def project_detail(request: HttpRequest, pk: int) -> HttpResponse:
    project = get_object_or_404(BrandProject.objects.select_related("owner_unit"), pk=pk)
    access.require(request, policy.can_edit_project(request.user, project), action="brand_view", obj=project)
    form = _form(
        request,
        edit=True,
        initial={
            "name": project.name,
            "owner_unit": project.owner_unit_id,
            "industry": project.industry,
            "category": project.category,
            "status": project.status,
            "description": project.description,
            "teams": list(project.teams.values_list("pk", flat=True)),
        },
    )
    if request.method == "POST" and form.is_valid():
        d = form.cleaned_data
        try:
            services.brand_update(
                project=project,
                actor=request.user,
                name=d["name"],
                category=d["category"],
                description=d["description"],
                industry=d["industry"],
                status=d["status"],
                teams=d["teams"],
                activities=project.activities.all(),
                orders=project.orders.all(),
            )
        except ValidationError as exc:
            form.add_error(None, error_text(exc))
        else:
            messages.success(request, _("The brand project is saved."))
            return redirect("brands:project_detail", project.pk)
    return render(
        request,
        "brands/project_form.html",
        {
            "form": form,
            "title": project.name,
            "project": project,
            "activities": project.activities.all()[:50],
            "orders": project.orders.all()[:50],
        },
    )


@login_required
def compliance(request: HttpRequest) -> HttpResponse:
    access.require(request, policy.can_view_compliance(request.user), action="brand_compliance")
    root = next(u for u in access.staff_units(request.user) if u.depth == 1)
    return render(request, "brands/compliance.html", {"data": selectors.compliance(root), "root": root})
