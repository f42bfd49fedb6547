"""Who may see and manage brand projects and the compliance page."""

from __future__ import annotations

from typing import TYPE_CHECKING

from django.db.models import QuerySet

from civicloop import access

if TYPE_CHECKING:
    from civicloop.brands.models import BrandProject
    from civicloop.network.models import Unit
    from civicloop.people.models import User


def visible_projects(user: User) -> QuerySet[BrandProject]:
    from civicloop.brands.models import BrandProject

    return BrandProject.objects.filter(access.scope_q(user))


def can_create_project(user: User, owner_unit: Unit | None) -> bool:
    return access.in_scope(user, owner_unit)


def can_edit_project(user: User, project: BrandProject) -> bool:
    return access.path_in_scope(user, project.unit_path)


def owner_units(user: User) -> QuerySet[Unit]:
    from civicloop.network.models import Unit

    return access.visible_units(user).filter(is_active=True).exclude(level=Unit.Level.POINT).order_by("path")


def can_view_compliance(user: User) -> bool:
    """The civilisation office checks that every town/street and industry keeps a brand project."""
    return access.is_office(user)
