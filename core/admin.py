"""Records nobody may hard-delete from the admin, and the beat schedule's admin with deletion switched off."""

from __future__ import annotations

from typing import Any

from django.contrib import admin
from django.http import HttpRequest
from django_celery_beat import admin as beat_admin
from django_celery_beat.models import (
    ClockedSchedule,
    CrontabSchedule,
    IntervalSchedule,
    PeriodicTask,
    SolarSchedule,
)


class NoDeleteMixin:
    """No delete view, no bulk "delete selected" action (Django drops it without the permission), no delete
    checkbox in inlines. For records that are evidence of what happened (accidents, reminders, SMS sent) or whose
    loss silently stops the system (the beat schedule: deleting it stops every reminder)."""

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False


# Deleting a schedule cascades to the periodic tasks that use it; deleting a task stops its rule.
_BEAT_ADMINS: list[tuple[type[Any], type[admin.ModelAdmin[Any]]]] = [
    (PeriodicTask, beat_admin.PeriodicTaskAdmin),
    (CrontabSchedule, beat_admin.CrontabScheduleAdmin),
    (IntervalSchedule, beat_admin.IntervalScheduleAdmin),
    (SolarSchedule, beat_admin.SolarScheduleAdmin),
    (ClockedSchedule, beat_admin.ClockedScheduleAdmin),
]


class ViewOnlyMixin(NoDeleteMixin):
    """The beat schedule is created by migrations and switched per rule on the office's rules page; its admin shows
    it only (django-celery-beat's own forms fail with server errors on malformed crontab or task values)."""

    def has_add_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False


for _model, _admin_class in _BEAT_ADMINS:
    if admin.site.is_registered(_model):
        admin.site.unregister(_model)
    admin.site.register(_model, type(_admin_class.__name__, (ViewOnlyMixin, _admin_class), {}))
