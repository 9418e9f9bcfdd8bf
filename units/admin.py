from typing import Any

from django.contrib import admin
from django.contrib.auth.admin import UserAdmin as BaseUserAdmin
from django.http import HttpRequest
from django.utils.translation import gettext_lazy as _
from simple_history.admin import SimpleHistoryAdmin

from .models import Assignment, Enterprise, Sector, SupervisionGroup, Township, Unit, User, Village


class NoDeleteAdmin(SimpleHistoryAdmin):
    """Master data others refer to is deactivated, never deleted."""

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False


@admin.register(Township)
class TownshipAdmin(NoDeleteAdmin):
    list_display = ("name", "code", "is_active")


@admin.register(Village)
class VillageAdmin(NoDeleteAdmin):
    list_display = ("name", "code", "township", "is_active")
    list_filter = ("township", "is_active")
    search_fields = ("name", "code")


@admin.register(Unit)
class UnitAdmin(NoDeleteAdmin):
    list_display = ("name", "kind", "duty_kind", "has_enforcement_power", "is_safety_office", "is_active")
    list_filter = ("township", "kind", "duty_kind", "has_enforcement_power", "is_active")
    search_fields = ("name",)


@admin.register(Sector)
class SectorAdmin(NoDeleteAdmin):
    list_display = ("name", "lead_unit", "is_high_risk", "is_active")
    list_filter = ("township", "is_high_risk", "is_active")
    filter_horizontal = ("participating_units",)
    search_fields = ("name",)


@admin.register(Enterprise)
class EnterpriseAdmin(NoDeleteAdmin):
    list_display = ("name", "credit_code", "village", "primary_sector", "is_active")
    list_filter = ("township", "village", "primary_sector", "is_active")
    search_fields = ("name", "credit_code")
    list_select_related = ("village", "primary_sector")
    filter_horizontal = ("other_sectors",)


@admin.register(SupervisionGroup)
class SupervisionGroupAdmin(NoDeleteAdmin):
    list_display = ("name", "leader", "is_active")
    filter_horizontal = ("members", "villages", "units")


class AssignmentInline(admin.TabularInline):
    model = Assignment
    extra = 1
    autocomplete_fields = ("enterprise",)
    raw_id_fields = ()


@admin.register(User)
class UserAdmin(BaseUserAdmin):
    inlines = [AssignmentInline]
    list_display = ("username", "full_name", "phone", "is_active", "is_staff")
    search_fields = ("username", "full_name", "phone")
    fieldsets = (
        *(BaseUserAdmin.fieldsets or ()),
        (_("Contact"), {"fields": ("full_name", "phone", "email_notifications")}),
    )
