from typing import Any

from django.contrib import admin
from django.contrib.admin.utils import unquote
from django.contrib.auth.admin import UserAdmin as BaseUserAdmin
from django.core.exceptions import ValidationError
from django.http import Http404, HttpRequest, HttpResponse
from django.utils.translation import gettext_lazy as _
from simple_history.admin import SimpleHistoryAdmin

from .forms import AdminLoginForm
from .models import (
    Assignment,
    County,
    CountyDepartment,
    Enterprise,
    Sector,
    SupervisionGroup,
    Township,
    Unit,
    User,
    Village,
)

# The admin's own login page checks the user name's length like ours (issue 10).
admin.site.login_form = AdminLoginForm


class HistoryAdmin(SimpleHistoryAdmin):
    """simple_history's history pages, answering 404 for an object id that cannot be one (issue 10).

    simple_history queries with the id as given, so "history/²/" raised a ValueError (a server error).
    """

    @staticmethod
    def _require_pk(model: Any, value: str) -> None:
        try:
            model._meta.pk.to_python(unquote(value))
        except (ValidationError, ValueError) as exc:
            raise Http404 from exc

    def history_view(self, request: HttpRequest, object_id: str, extra_context: Any = None) -> HttpResponse:
        self._require_pk(self.model, object_id)
        return super().history_view(request, object_id, extra_context)  # type: ignore[no-any-return]

    def history_form_view(
        self, request: HttpRequest, object_id: str, version_id: str, extra_context: Any = None
    ) -> HttpResponse:
        self._require_pk(self.model, object_id)
        self._require_pk(self.model.history.model, version_id)  # type: ignore[attr-defined]
        return super().history_form_view(request, object_id, version_id, extra_context)  # type: ignore[no-any-return]


class NoDeleteAdmin(HistoryAdmin):
    """Master data others refer to is deactivated, never deleted."""

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False


@admin.register(County)
class CountyAdmin(NoDeleteAdmin):
    list_display = ("name", "code", "is_active")


@admin.register(CountyDepartment)
class CountyDepartmentAdmin(NoDeleteAdmin):
    list_display = ("name", "county", "is_active")
    list_filter = ("county", "is_active")


@admin.register(Township)
class TownshipAdmin(NoDeleteAdmin):
    list_display = ("name", "code", "county", "stock_cutoff", "is_active")
    list_filter = ("county", "is_active")


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
    fields = ("role", "township", "unit", "village", "enterprise", "county", "county_department", "is_active")
    autocomplete_fields = ("enterprise",)
    raw_id_fields = ()


@admin.register(User)
class UserAdmin(BaseUserAdmin):
    inlines = [AssignmentInline]
    list_display = ("username", "full_name", "phone", "is_active", "is_staff")
    search_fields = ("username", "full_name", "phone")
    fieldsets = (
        *(BaseUserAdmin.fieldsets or ()),
        (_("Contact"), {"fields": ("full_name", "phone", "email_notifications", "must_change_password")}),
    )
