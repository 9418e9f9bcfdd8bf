"""The inbox (a bell on every page), the rules page for the office, and each person's reminder settings."""

from __future__ import annotations

from django import forms
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_POST

from units.access import current_user, get_or_404, get_scope, office_township, require_office
from units.forms import BoundedForm, StyledFormMixin

from .access import reminders_visible_to, unknown_deliveries_visible_to
from .delivery import ResolveError, reminder_resolve
from .engine import RULES, rule_set
from .models import Delivery, Reminder, RuleSetting

# Reminder ids are bigint: a larger number names no reminder.
BIGINT_MAX = 9_223_372_036_854_775_807


class InboxForm(BoundedForm):
    unread = forms.ChoiceField(required=False, choices=[("1", gettext_lazy("Unread only"))])


class MarkReadForm(BoundedForm):
    """One reminder (its id) or, without an id, all of the user's unread ones."""

    id = forms.IntegerField(required=False, min_value=1, max_value=BIGINT_MAX)


@login_required
def inbox(request: HttpRequest) -> HttpResponse:
    qs = reminders_visible_to(current_user(request))
    form = InboxForm(request.GET)
    unread_only = form.is_valid() and form.cleaned_data["unread"] == "1"
    if unread_only:
        qs = qs.unread()
    page = Paginator(qs.order_by("-created_at", "-pk"), 30).get_page(request.GET.get("page"))
    return render(request, "reminders/inbox.html", {"page_obj": page, "unread_only": unread_only})


@login_required
def reminder_open(request: HttpRequest, pk: int) -> HttpResponse:
    """Opening a reminder marks it read and goes to its object (whose page checks scope as always)."""
    reminder = get_or_404(reminders_visible_to(current_user(request)), pk=pk)
    Reminder.objects.filter(pk=reminder.pk, read_at__isnull=True).update(read_at=timezone.now())
    safe = url_has_allowed_host_and_scheme(reminder.url, allowed_hosts={request.get_host()})
    return redirect(reminder.url if reminder.url and safe else "reminders:inbox")


@login_required
@require_POST
def mark_read(request: HttpRequest) -> HttpResponse:
    qs = reminders_visible_to(current_user(request)).filter(read_at__isnull=True)
    form = MarkReadForm(request.POST)
    if not form.is_valid():
        messages.error(request, _("No such reminder."))
        return redirect("reminders:inbox")
    if form.cleaned_data["id"] is not None:
        qs = qs.filter(pk=form.cleaned_data["id"])
    count = qs.update(read_at=timezone.now())
    messages.success(request, _("%(n)d reminders marked as read.") % {"n": count})
    return redirect("reminders:inbox")


@login_required
def rules(request: HttpRequest) -> HttpResponse:
    township_id = office_township(request).pk
    off = set(RuleSetting.objects.filter(township_id=township_id, enabled=False).values_list("rule", flat=True))
    rows = [{"rule": rule, "enabled": key not in off} for key, rule in RULES.items()]
    return render(request, "reminders/rules.html", {"rows": rows})


@login_required
@require_POST
def rule_toggle(request: HttpRequest, key: str) -> HttpResponse:
    township = office_township(request)
    if key not in RULES:
        return redirect("reminders:rules")
    enabled = request.POST.get("enabled") == "1"
    rule_set(township_id=township.pk, key=key, enabled=enabled, actor=current_user(request))
    label = RULES[key].label
    messages.success(request, (_("“%(rule)s” is on.") if enabled else _("“%(rule)s” is off.")) % {"rule": label})
    return redirect("reminders:rules")


class ResolveForm(forms.Form):
    channel = forms.ChoiceField(choices=[("email", "email"), ("sms", "sms")])
    resend = forms.TypedChoiceField(choices=[("0", "0"), ("1", "1")], coerce=lambda v: v == "1")


@login_required
def check(request: HttpRequest) -> HttpResponse:
    """Deliveries a dead worker left unknown (it may or may not have left): the office checks each one (SPEC S7)."""
    require_office(get_scope(request.user))
    page = Paginator(unknown_deliveries_visible_to(request.user), 50).get_page(request.GET.get("page"))
    return render(request, "reminders/check.html", {"page_obj": page, "unknown": Delivery.UNKNOWN})


@login_required
@require_POST
def check_resolve(request: HttpRequest, pk: int) -> HttpResponse:
    require_office(get_scope(request.user))
    reminder = get_or_404(unknown_deliveries_visible_to(request.user), pk=pk)
    form = ResolveForm(request.POST)
    if not form.is_valid():
        return redirect("reminders:check")
    resend = form.cleaned_data["resend"]
    try:
        reminder_resolve(
            reminder_id=reminder.pk, channel=form.cleaned_data["channel"], resend=resend, actor=current_user(request)
        )
    except ResolveError:
        messages.warning(request, _("This delivery was already dealt with."))
        return redirect("reminders:check")
    if resend:
        messages.success(request, _("“%(title)s” will be sent again.") % {"title": reminder.title})
    else:
        messages.success(request, _("“%(title)s” is recorded as sent.") % {"title": reminder.title})
    return redirect("reminders:check")


class SettingsForm(StyledFormMixin, forms.Form):
    email = forms.EmailField(label=gettext_lazy("E-mail address"), required=False)
    email_notifications = forms.BooleanField(label=gettext_lazy("Send my reminders by e-mail too"), required=False)


@login_required
def settings_view(request: HttpRequest) -> HttpResponse:
    user = current_user(request)
    form = SettingsForm(
        request.POST or None, initial={"email": user.email, "email_notifications": user.email_notifications}
    )
    if request.method == "POST" and form.is_valid():
        user.email = form.cleaned_data["email"]
        user.email_notifications = form.cleaned_data["email_notifications"]
        user.save(update_fields=["email", "email_notifications"])
        messages.success(request, _("Your reminder settings were saved."))
        return redirect("reminders:settings")
    return render(request, "reminders/settings.html", {"form": form})
