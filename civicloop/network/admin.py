"""Back office for the unit tree and memberships; writes go through the network services (validated, audited)."""

from __future__ import annotations

from typing import Any

from django import forms
from django.contrib import admin
from django.core.exceptions import PermissionDenied, ValidationError
from django.db.models import Model, QuerySet
from django.http import HttpRequest

from civicloop import access
from civicloop.core.admin import ScopedAdmin
from civicloop.network import policies as policy
from civicloop.network import services
from civicloop.network.models import Membership, Unit


class UnitAdminForm(forms.ModelForm):
    """Runs the same rules as the unit pages, so bad input is a message on the form, never a crash."""

    def _post_clean(self) -> None:
        super()._post_clean()
        try:
            services.unit_validate(self.instance)
        except ValidationError as exc:
            self.add_error(None, exc)


@admin.register(Unit)
class UnitAdmin(ScopedAdmin):
    form = UnitAdminForm
    scope = staticmethod(access.visible_units)
    list_display = ("name", "level", "kind", "division_code", "contact_name", "is_active")
    list_filter = ("level", "kind", "is_active")
    search_fields = ("name", "division_code")
    ordering = ("path",)
    fields = ("level", "kind", "path", *services.EDITABLE)
    readonly_fields = ("level", "kind", "path")
    list_per_page = 50

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False  # units are added under their parent on the unit pages, where the tree rules apply

    def has_delete_permission(self, request: HttpRequest, obj: Model | None = None) -> bool:
        return False  # units are deactivated, never deleted: orders, records and people point at them

    def save_model(self, request: HttpRequest, obj: Unit, form: Any, change: bool) -> None:
        changes = {name: form.cleaned_data[name] for name in form.changed_data if name in services.EDITABLE}
        services.unit_update(unit=Unit.objects.get(pk=obj.pk), actor=request.user, **changes)


@admin.register(Membership)
class MembershipAdmin(ScopedAdmin):
    scope = staticmethod(policy.visible_memberships)
    scoped_foreign_keys = {"unit": access.visible_units}
    list_display = ("user", "unit", "role", "title", "created_at")
    list_filter = ("role",)
    search_fields = ("user__username", "user__full_name", "unit__name")
    list_select_related = ("user", "unit")
    raw_id_fields = ("user",)
    list_per_page = 50

    def has_change_permission(self, request: HttpRequest, obj: Model | None = None) -> bool:
        return False  # a role is granted or revoked, never edited in place

    def save_model(self, request: HttpRequest, obj: Membership, form: Any, change: bool) -> None:
        if not request.user.is_superuser and not policy.can_manage_roles(request.user, obj.unit):
            raise access.deny(request, action="role_grant", obj=obj.unit)
        created = services.membership_grant(
            user=obj.user, unit=obj.unit, role=obj.role, title=obj.title, actor=request.user
        )
        obj.pk = created.pk

    def delete_model(self, request: HttpRequest, obj: Membership) -> None:
        if not request.user.is_superuser and not policy.can_revoke_membership(request.user, obj):
            raise PermissionDenied
        services.membership_revoke(membership=obj, actor=request.user)

    def delete_queryset(self, request: HttpRequest, queryset: QuerySet[Membership]) -> None:
        for membership in queryset.select_related("user", "unit"):
            self.delete_model(request, membership)
