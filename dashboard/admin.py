from typing import Any

from django.contrib import admin
from django.http import HttpRequest

from core.admin import NoDeleteMixin
from units.admin import HistoryAdmin

from .models import Accident, FiledMonthlyReport, MonthlySnapshot


@admin.register(Accident)
class AccidentAdmin(NoDeleteMixin, HistoryAdmin):
    """Accidents count towards 双下降 (S5): a record is corrected on its page, never deleted."""

    list_display = ("occurred_on", "place", "village", "enterprise", "kind", "deaths", "injuries", "direct_loss")
    list_filter = ("kind", "township")
    search_fields = ("place", "source_document", "description")
    date_hierarchy = "occurred_on"
    raw_id_fields = ("enterprise",)

    # Records are made and corrected on the accident pages, through the services that validate them.
    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False


@admin.register(MonthlySnapshot)
class MonthlySnapshotAdmin(admin.ModelAdmin):
    """Read-only: a snapshot is what was true at a month's end and is never edited."""

    list_display = ("month", "township", "dimension", "label", "found", "open", "open_major", "overdue", "listed")
    list_filter = ("township", "dimension", "month")
    search_fields = ("label",)

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False


@admin.register(FiledMonthlyReport)
class FiledMonthlyReportAdmin(admin.ModelAdmin):
    """Read-only: a filed report is what the office sent; a change is a correction filed on the report page."""

    list_display = ("month", "township", "version", "form_version", "filed_by", "filed_at")
    list_filter = ("township", "month")

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False
