"""People in the back office. Sensitive values are never shown in full here: lists and pages show them masked,
and the encrypted columns are not on any form. Changes to people go through the people pages and services."""

from __future__ import annotations

from typing import Any

from django.contrib import admin
from django.contrib.auth.admin import UserAdmin as DjangoUserAdmin
from django.http import HttpRequest
from django.utils.translation import gettext_lazy as _

from civicloop import access
from civicloop.core.admin import ReadOnlyAdmin, ScopedAdmin
from civicloop.core.masking import mask_id_number
from civicloop.network import policies as policy
from civicloop.people.models import Resident, Team, User, Volunteer


@admin.register(User)
class UserAdmin(ScopedAdmin, DjangoUserAdmin):
    scope = staticmethod(policy.visible_accounts)
    list_display = ("username", "full_name", "phone_masked", "is_active", "is_staff", "last_login")
    list_filter = ("is_active", "is_staff", "is_superuser")
    search_fields = ("username", "full_name", "name_initials", "phone_last4")
    ordering = ("username",)
    list_per_page = 50
    fieldsets = (
        (None, {"fields": ("username", "password")}),
        (_("Personal info"), {"fields": ("full_name", "phone_masked", "email")}),
        (
            _("Permissions"),
            {"fields": ("is_active", "is_staff", "is_superuser", "groups", "user_permissions")},
        ),
        (_("Important dates"), {"fields": ("last_login", "date_joined")}),
    )

    @admin.display(description=_("mobile"))
    def phone_masked(self, obj: User) -> str:
        return obj.masked_phone

    def get_readonly_fields(self, request: HttpRequest, obj: Any = None) -> tuple[str, ...]:
        readonly = ("phone_masked", "last_login", "date_joined")
        if not request.user.is_superuser:  # only superusers hand out back-office powers
            readonly += ("is_staff", "is_superuser", "groups", "user_permissions")
        return readonly

    def has_add_permission(self, request: HttpRequest) -> bool:
        return request.user.is_superuser  # everyone else registers through the people pages


class _PersonAdmin(ReadOnlyAdmin, ScopedAdmin):
    list_per_page = 50

    @admin.display(description=_("ID number"))
    def id_masked(self, obj: Any) -> str:
        return mask_id_number(obj.id_number)


@admin.register(Resident)
class ResidentAdmin(_PersonAdmin):
    scope = staticmethod(access.visible_residents)
    list_display = ("name_masked", "unit", "phone_masked", "id_masked", "consent_at", "created_at")
    list_select_related = ("unit",)
    search_fields = ("name_initials", "phone_last4")
    fields = (
        "name_masked",
        "unit",
        "phone_masked",
        "id_masked",
        "address_masked",
        "guardian_name",
        "consent_at",
        "guardian_consent_at",
        "entered_by",
        "created_at",
    )
    readonly_fields = fields

    @admin.display(description=_("name"))
    def name_masked(self, obj: Resident) -> str:
        return obj.masked_name

    @admin.display(description=_("mobile"))
    def phone_masked(self, obj: Resident) -> str:
        return obj.masked_phone

    @admin.display(description=_("address"))
    def address_masked(self, obj: Resident) -> str:
        return obj.masked_address


@admin.register(Volunteer)
class VolunteerAdmin(_PersonAdmin):
    scope = staticmethod(access.visible_volunteers)
    list_display = ("number", "user", "home_unit", "id_masked", "is_active", "created_at")
    list_select_related = ("user", "home_unit")
    list_filter = ("is_active",)
    search_fields = ("number", "user__username", "user__full_name", "user__name_initials")
    fields = (
        "number",
        "user",
        "home_unit",
        "types",
        "categories",
        "skills",
        "id_masked",
        "is_active",
        "consent_at",
    )
    readonly_fields = fields


@admin.register(Team)
class TeamAdmin(ReadOnlyAdmin, ScopedAdmin):
    scope = staticmethod(access.visible_teams)
    list_display = ("name", "team_type", "home_unit", "leader", "capacity", "is_active")
    list_select_related = ("home_unit", "leader")
    list_filter = ("team_type", "is_active")
    search_fields = ("name",)
    list_per_page = 50
    fields = (
        "name",
        "team_type",
        "home_unit",
        "leader",
        "categories",
        "capacity",
        "description",
        "is_active",
    )
    readonly_fields = fields
