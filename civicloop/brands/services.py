"""Writes for brand projects."""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils.translation import gettext as _

from civicloop.audit.services import audit_record
from civicloop.brands.models import BrandProject
from civicloop.brands.workflow import PROJECT, step_between
from civicloop.core.choices import Platform
from civicloop.core.workflow import Actor
from civicloop.network.models import Unit


def _check(
    *, name: str, owner_unit: Unit, category: str, industry: str, status: str, exclude_pk: int | None = None
) -> tuple[str, str]:
    name = (name or "").strip()
    if not name:
        raise ValidationError(_("Enter the project's name."))
    if owner_unit is None or not owner_unit.is_active:
        raise ValidationError(_("Choose the unit that owns the project."))
    if category not in Platform.values:
        raise ValidationError(_("Choose one of the six service platforms."))
    if status not in BrandProject.Status.values:
        raise ValidationError(_("Unknown status."))
    industry = (industry or "").strip() or (
        owner_unit.industry if owner_unit.kind == Unit.Kind.DEPARTMENT else ""
    )
    if owner_unit.kind == Unit.Kind.PRACTICE and owner_unit.level not in (
        Unit.Level.CENTER,
        Unit.Level.INSTITUTE,
        Unit.Level.STATION,
    ):
        raise ValidationError(
            _("A brand project belongs to a centre, an institute, a station or a department.")
        )
    clash = BrandProject.objects.filter(owner_unit=owner_unit, name=name)
    if exclude_pk:
        clash = clash.exclude(pk=exclude_pk)
    if clash.exists():
        raise ValidationError(_("This unit already has a brand project with this name."))
    return name[:100], industry[:50]


def _in_area(owner_unit: Unit, rows: Iterable[Any], what: str) -> list[Any]:
    rows = list(rows or [])
    # A practice unit's project draws on its own subtree; a department's (an industry's) on its parent's area,
    # since departments mobilise teams across the network.
    area = owner_unit.path
    if owner_unit.kind != Unit.Kind.PRACTICE:
        area = owner_unit.path[: max(len(owner_unit.path) - Unit.steplen, Unit.steplen)]
    if any(not r.unit_path.startswith(area) for r in rows):
        raise ValidationError(_("Some %(what)s are outside the project's area.") % {"what": what})
    return rows


@transaction.atomic
def brand_create(
    *,
    name: str,
    owner_unit: Unit,
    category: str,
    actor: Actor,
    description: str = "",
    industry: str = "",
    status: str = BrandProject.Status.ACTIVE,
    teams: Iterable[Any] = (),
    activities: Iterable[Any] = (),
    orders: Iterable[Any] = (),
) -> BrandProject:
    name, industry = _check(
        name=name, owner_unit=owner_unit, category=category, industry=industry, status=status
    )
    teams = _in_area(owner_unit, teams, _("teams"))
    activities = _in_area(owner_unit, activities, _("activities"))
    orders = _in_area(owner_unit, orders, _("orders"))
    project = BrandProject.objects.create(
        name=name,
        owner_unit=owner_unit,
        unit_path=owner_unit.path,
        industry=industry,
        category=category,
        description=(description or "").strip(),
        status=status,  # the initial state, chosen on the form
        created_by=actor,
    )
    project.teams.set(teams)
    project.activities.set(activities)
    project.orders.set(orders)
    PROJECT.begin(project, actor=actor, step="create")
    return project


@transaction.atomic
def brand_update(
    *,
    project: BrandProject,
    actor: Actor,
    name: str,
    category: str,
    description: str,
    industry: str,
    status: str,
    teams: Iterable[Any] = (),
    activities: Iterable[Any] = (),
    orders: Iterable[Any] = (),
) -> BrandProject:
    name, industry = _check(
        name=name,
        owner_unit=project.owner_unit,
        category=category,
        industry=industry,
        status=status,
        exclude_pk=project.pk,
    )
    teams = _in_area(project.owner_unit, teams, _("teams"))
    activities = _in_area(project.owner_unit, activities, _("activities"))
    orders = _in_area(project.owner_unit, orders, _("orders"))
    project.name, project.category, project.industry = name, category, industry
    project.description = (description or "").strip()
    project.save(update_fields=["name", "category", "industry", "description"])
    step = step_between(project.status, status)
    if step is not None:  # the status moves only through the declared step
        PROJECT.apply(step, project, actor=actor, cleaned={}, skip_actor_check=True)
    project.teams.set(teams)
    project.activities.set(activities)
    project.orders.set(orders)
    audit_record(action="brand_update", actor=actor, unit=project.owner_unit, obj=project)
    return project
