"""The pages of rewards and posters: the reward's steps (posted from the report page), the rewards list and its
export, the tier settings, the reporter's claim, the village posters. None of them names a reporter."""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.db.models import Count, Q, QuerySet, Sum
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.safestring import mark_safe
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_POST

from core.dates import local_today
from core.errors import WorkflowError
from core.spreadsheets.views import xlsx_response
from units.access import current_user, get_or_404, get_scope, office_township
from units.models import Village

from . import limits, posters, rewards
from .access import may_see_reports, report_townships, reports_visible_to
from .forms import TrackForm
from .public_views import public_page, track_answer
from .reward_exports import rewards_workbook
from .reward_forms import ApproveForm, PayForm, ProposeForm, RefuseForm, RewardFilterForm, TierForm
from .reward_models import Reward, RewardStatus, RewardTier

PAGE_SIZE = 30


# -- the steps, from the report page -----------------------------------------------------------------------------------


@login_required
@require_POST
def reward_step(request: HttpRequest, pk: int, step: str) -> HttpResponse:
    report = get_or_404(reports_visible_to(request.user).select_related("hazard"), pk=pk)
    actor = current_user(request)
    try:
        if step == "propose":
            form: Any = ProposeForm(request.POST, tiers=rewards.tiers_for(report))
            if not form.is_valid():
                raise WorkflowError(_("Choose a tier; the amount is a whole number of yuan."))
            rewards.propose(
                actor=actor, report_id=report.pk, tier=form.cleaned_data["tier"], amount=form.cleaned_data["amount"]
            )
            messages.success(request, _("The reward was proposed; another member of the office approves it."))
        elif step == "approve":
            form = ApproveForm(request.POST)
            if not form.is_valid():
                raise WorkflowError(_("The amount is a whole number of yuan."))
            rewards.approve(actor=actor, report_id=report.pk, amount=form.cleaned_data["amount"])
            messages.success(request, _("The reward was approved."))
        elif step == "refuse":
            form = RefuseForm(request.POST)
            if not form.is_valid():
                raise WorkflowError(_("Give the reason for refusing the reward."))
            rewards.refuse(actor=actor, report_id=report.pk, reason=form.cleaned_data["reason"])
            messages.success(request, _("The reward was refused."))
        elif step == "pay":
            form = PayForm(request.POST)
            if not form.is_valid():
                raise WorkflowError(_("Give the payment date and how it was paid."))
            rewards.pay(
                actor=actor,
                report_id=report.pk,
                paid_on=form.cleaned_data["paid_on"],
                method=form.cleaned_data["method"],
            )
            messages.success(request, _("The payment was recorded."))
        else:
            raise Http404
    except WorkflowError as exc:
        messages.error(request, exc.message)
    return redirect(report)


def detail_panel(request: HttpRequest, report: Any) -> dict[str, Any] | None:
    """The reward panel of the office's report page (core.panels place "reports.detail")."""
    reward = rewards.reward_of(report)
    if reward is None and not report.is_valid:
        return None
    scope = get_scope(request.user)
    steps = {s.name for s in rewards.allowed_steps(scope, report, reward)}
    propose_form = ProposeForm(tiers=rewards.tiers_for(report)) if "propose" in steps else None
    return {
        "report": report,
        "reward": reward,
        "steps": steps,
        "blocker": rewards.blocker(report) if reward is None else None,
        "propose_form": propose_form,
        "approve_form": ApproveForm(initial={"amount": reward.amount}) if "approve" in steps and reward else None,
        "refuse_form": RefuseForm() if "refuse" in steps else None,
        "pay_form": PayForm(initial={"paid_on": local_today()}) if "pay" in steps else None,
        "proposer_waits": reward is not None
        and reward.status == RewardStatus.PROPOSED
        and reward.proposed_by_id == scope.user_id,
    }


def track_panel(request: HttpRequest, report: Any) -> dict[str, Any] | None:
    """What the reporter reads of the reward with the code (core.panels place "reports.track"): this report's
    reward alone, and nothing of any other report."""
    reward = rewards.reward_of(report)
    if reward is None:
        return None
    return {"reward": reward, "code": request.POST.get("code", "")[:40]}


# -- the reporter's claim ----------------------------------------------------------------------------------------------


@csrf_exempt  # a public page: see reports.public_views (Origin: null under no-referrer; no session to protect)
@public_page
@require_POST
def claim(request: HttpRequest) -> HttpResponse:
    """The reporter claims an approved reward with the code: the answer is the tracking page, and a wrong code gets
    the tracking page's answer to an unknown one. Throttled with the tracking page (one budget per client)."""
    form = TrackForm(request.POST)
    report = None
    not_found = False
    if limits.over_limit(request, "track", limits.TRACK_LIMIT):
        form.add_error(None, _("Too many tries from this connection. Please wait ten minutes and try again."))
    elif form.is_valid():
        # The panel shows the claim's date; no message (a message would need a cookie the public pages never set).
        rewards.claim(raw_code=form.cleaned_data["code"])
        report = rewards.report_for_code(form.cleaned_data["code"])
        not_found = report is None
    return track_answer(request, form, report, not_found=not_found)


# -- the rewards list and its export -----------------------------------------------------------------------------------


def _may_list(scope: Any) -> bool:
    return may_see_reports(scope)


def _filtered(request: HttpRequest) -> tuple[RewardFilterForm, QuerySet[Reward]]:
    scope = get_scope(request.user)
    if not _may_list(scope):
        raise Http404
    form = RewardFilterForm(request.GET or None)
    qs = Reward.objects.filter(township_id__in=report_townships(scope)).select_related(
        "report", "hazard", "tier", "township"
    )
    if form.is_valid():
        if form.cleaned_data["status"]:
            qs = qs.filter(status=form.cleaned_data["status"])
        if form.cleaned_data["year"]:
            qs = qs.filter(proposed_at__year=form.cleaned_data["year"])
    return form, qs


@login_required
def reward_list(request: HttpRequest) -> HttpResponse:
    form, qs = _filtered(request)
    totals = qs.aggregate(
        n=Count("pk"),
        proposed=Sum("amount", filter=Q(status=RewardStatus.PROPOSED), default=0),
        approved=Sum("amount", filter=Q(status=RewardStatus.APPROVED), default=0),
        paid=Sum("amount", filter=Q(status=RewardStatus.PAID), default=0),
    )
    page = Paginator(qs, PAGE_SIZE).get_page(request.GET.get("page"))
    params = request.GET.copy()
    params.pop("page", None)
    scope = get_scope(request.user)
    context = {
        "filter_form": form,
        "page_obj": page,
        "querystring": params.urlencode(),
        "totals": totals,
        "may_set_tiers": scope.is_office,
    }
    return render(request, "reports/rewards/reward_list.html", context)


@login_required
def reward_export(request: HttpRequest) -> HttpResponse:
    _form, qs = _filtered(request)
    content = rewards_workbook(qs[:20000])
    return xlsx_response(content, f"举报奖励-{local_today():%Y-%m-%d}.xlsx")


# -- the tiers ---------------------------------------------------------------------------------------------------------


@login_required
def tier_list(request: HttpRequest) -> HttpResponse:
    township = office_township(request)
    tiers = RewardTier.objects.filter(township=township).annotate(n_rewards=Count("rewards"))
    changes = RewardTier.history.filter(township_id=township.pk).select_related("history_user")[:20]
    return render(request, "reports/rewards/tier_list.html", {"tiers": tiers, "changes": changes})


@login_required
@never_cache
def tier_edit(request: HttpRequest, pk: int | None = None) -> HttpResponse:
    township = office_township(request)
    tier = get_or_404(RewardTier.objects.filter(township=township), pk=pk) if pk else RewardTier(township=township)
    form = TierForm(request.POST or None, instance=tier)
    if request.method == "POST" and form.is_valid():
        try:
            rewards.save_tier(actor=current_user(request), tier=form.instance, reason=form.cleaned_data["reason"])
        except WorkflowError as exc:
            form.add_error(None, exc.message)
        else:
            messages.success(request, _("The tier was saved."))
            return redirect("reports:reward_tiers")
    return render(request, "reports/rewards/tier_form.html", {"form": form, "tier": tier})


# -- the posters -------------------------------------------------------------------------------------------------------


@login_required
def poster_list(request: HttpRequest) -> HttpResponse:
    township = office_township(request)
    villages = Village.objects.filter(township=township, is_active=True).order_by("code", "pk")
    return render(request, "reports/posters/poster_list.html", {"township": township, "villages": villages})


@login_required
def poster(request: HttpRequest, pk: int) -> HttpResponse:
    township = office_township(request)
    village = get_or_404(Village.objects.filter(township=township), pk=pk)
    url = posters.report_url(request, village)
    tiers = RewardTier.objects.filter(township=township, is_active=True)
    context = {
        "township": township,
        "village": village,
        "url": url,
        "qr": mark_safe(posters.qr_svg(url)),  # noqa: S308 -- segno's own SVG of our own URL, no user markup
        "lines": posters.phone_lines(),
        "tiers": tiers,
    }
    return render(request, "reports/posters/poster.html", context)
