from django.contrib import admin

from .models import Reminder, RuleSetting, SmsMessage


@admin.register(Reminder)
class ReminderAdmin(admin.ModelAdmin):
    list_display = ("title", "rule", "period", "recipient_key", "created_at", "read_at", "email_state", "sms_state")
    list_filter = ("rule", "email_state", "sms_state")
    search_fields = ("title", "recipient_key", "object_key")


@admin.register(SmsMessage)
class SmsMessageAdmin(admin.ModelAdmin):
    list_display = ("phone", "text", "created_at")
    search_fields = ("phone", "text")


@admin.register(RuleSetting)
class RuleSettingAdmin(admin.ModelAdmin):
    list_display = ("township", "rule", "enabled", "changed_by", "changed_at")
