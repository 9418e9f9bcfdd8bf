from django.contrib import admin, messages
from django.db.models import QuerySet
from django.http import HttpRequest
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from core.admin import NoDeleteMixin

from .delivery import CHANNELS, ResolveError, reminder_resolve
from .models import Delivery, Reminder, RuleSetting, ScanRequest, SmsMessage


def _resolve(request: HttpRequest, queryset: QuerySet[Reminder], *, resend: bool) -> None:
    done = 0
    for reminder in queryset:
        for channel in CHANNELS:
            if getattr(reminder, f"{channel}_state") != Delivery.UNKNOWN:
                continue
            try:
                reminder_resolve(reminder_id=reminder.pk, channel=channel, resend=resend, actor=request.user)  # type: ignore[arg-type]
            except ResolveError:
                continue
            done += 1
    messages.info(request, _("%(n)d deliveries answered.") % {"n": done})


@admin.register(Reminder)
class ReminderAdmin(NoDeleteMixin, admin.ModelAdmin):
    """A reminder row is the proof it was sent once (S7); deleting it would also cascade to its SMS records and
    let the rule send it again."""

    list_display = ("title", "rule", "period", "recipient_key", "created_at", "read_at", "email_state", "sms_state")
    list_filter = ("rule", "email_state", "sms_state")
    search_fields = ("title", "recipient_key", "object_key")
    actions = ["mark_sent", "send_again"]

    @admin.action(description=gettext_lazy("Deliveries “unknown — check”: it was sent"))
    def mark_sent(self, request: HttpRequest, queryset: QuerySet[Reminder]) -> None:
        _resolve(request, queryset, resend=False)

    @admin.action(description=gettext_lazy("Deliveries “unknown — check”: send it again"))
    def send_again(self, request: HttpRequest, queryset: QuerySet[Reminder]) -> None:
        _resolve(request, queryset, resend=True)


@admin.register(SmsMessage)
class SmsMessageAdmin(NoDeleteMixin, admin.ModelAdmin):
    list_display = ("phone", "text", "created_at")
    search_fields = ("phone", "text")


@admin.register(RuleSetting)
class RuleSettingAdmin(admin.ModelAdmin):
    list_display = ("township", "rule", "enabled", "changed_by", "changed_at")


@admin.register(ScanRequest)
class ScanRequestAdmin(admin.ModelAdmin):
    list_display = ("hazard_id", "created_at", "done_at")
    list_filter = ("done_at",)
