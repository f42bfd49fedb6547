"""Shared pieces for the Django admin (back office).

`ScopedAdmin` makes every changelist, object page and foreign-key choice go through the access package for
non-superusers: a model admin names the access function that answers "which rows may this user see"
(`scope = access.visible_units`), and anything outside that queryset does not exist for the user.
Superusers see everything. `ReadOnlyAdmin` shows rows that nobody may add, change or delete here.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from django.contrib import admin
from django.db.models import Model, QuerySet
from django.http import HttpRequest

Scope = Callable[[Any], QuerySet]


class ScopedAdmin(admin.ModelAdmin):
    """Filter everything a non-superuser sees through an access function; fail closed if none is set."""

    scope: Scope | None = None
    # Foreign-key fields limited to rows the user may see: {field name: access function}.
    scoped_foreign_keys: dict[str, Scope] = {}

    def _scope(self) -> Scope | None:
        # A plain function set as a class attribute comes back bound to the admin: unwrap it.
        return getattr(self.scope, "__func__", self.scope)

    def get_queryset(self, request: HttpRequest) -> QuerySet:
        qs = super().get_queryset(request)
        if request.user.is_superuser:
            return qs
        scope = self._scope()
        if scope is None:
            return qs.none()
        return qs.filter(pk__in=scope(request.user).values("pk"))

    def _in_scope(self, request: HttpRequest, obj: Model | None) -> bool:
        return obj is None or self.get_queryset(request).filter(pk=obj.pk).exists()

    def has_view_permission(self, request: HttpRequest, obj: Model | None = None) -> bool:
        return super().has_view_permission(request, obj) and self._in_scope(request, obj)

    def has_change_permission(self, request: HttpRequest, obj: Model | None = None) -> bool:
        return super().has_change_permission(request, obj) and self._in_scope(request, obj)

    def has_delete_permission(self, request: HttpRequest, obj: Model | None = None) -> bool:
        return super().has_delete_permission(request, obj) and self._in_scope(request, obj)

    def formfield_for_foreignkey(self, db_field: Any, request: HttpRequest, **kwargs: Any) -> Any:
        scope = self.scoped_foreign_keys.get(db_field.name)
        if scope is not None and not request.user.is_superuser:
            kwargs["queryset"] = scope(request.user)
        return super().formfield_for_foreignkey(db_field, request, **kwargs)


class ReadOnlyAdmin(admin.ModelAdmin):
    """Rows to read in the back office; nobody adds, changes or deletes them here (superusers included)."""

    def has_add_permission(self, request: HttpRequest, obj: Model | None = None) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: Model | None = None) -> bool:
        return False

    def has_delete_permission(self, request: HttpRequest, obj: Model | None = None) -> bool:
        return False
