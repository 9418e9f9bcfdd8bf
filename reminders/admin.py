from django.contrib import admin

from core.admin import NoDeleteMixin

from .models import Reminder, RuleSetting, SmsMessage


@admin.register(Reminder)
class ReminderAdmin(NoDeleteMixin, admin.ModelAdmin):
    """A reminder row is the proof it was sent once (S7); deleting it would also cascade to its SMS records and
    let the rule send it again."""

    list_display = ("title", "rule", "period", "recipient_key", "created_at", "read_at", "email_state", "sms_state")
    list_filter = ("rule", "email_state", "sms_state")
    search_fields = ("title", "recipient_key", "object_key")


@admin.register(SmsMessage)
class SmsMessageAdmin(NoDeleteMixin, admin.ModelAdmin):
    list_display = ("phone", "text", "created_at")
    search_fields = ("phone", "text")


@admin.register(RuleSetting)
class RuleSettingAdmin(admin.ModelAdmin):
    list_display = ("township", "rule", "enabled", "changed_by", "changed_at")
