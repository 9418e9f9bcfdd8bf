"""Pages of work plans (三(一) 审核备案) and monthly reports (月报, 零报告).

Thin views: fetch through filing_access (404 for "missing" and "not yours" alike), a bounded form, one service
call, a message and a redirect. Enterprises and county departments have none of these pages.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.db.models import Count, Q
from django.http import FileResponse, Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from core.dates import local_today
from core.downloads import download_name
from core.errors import WorkflowError
from units.access import current_township_id, current_user, get_scope, office_township
from units.models import Township

from . import filing_selectors as sel
from . import filing_services as services
from .filing_access import (
    get_plan_file_for_user,
    get_plan_for_user,
    get_report_for_user,
    get_round_for_user,
    may_file,
    may_see_filing,
    own_target,
    rounds_visible_to,
)
from .filing_forms import (
    CorrectionForm,
    MonthForm,
    MonthlyReportForm,
    PlanFileForm,
    RefileForm,
    ReviewForm,
    RoundForm,
    RoundLineFilter,
    SettingsForm,
    YearForm,
    ZeroReportForm,
)
from .models.filing import PLAN_TRANSITIONS, WorkPlan

T = "readiness/filing/"
PAGE_SIZE = 50


def _require_reader(request: HttpRequest) -> Any:
    user = current_user(request)
    if not may_see_filing(get_scope(user)):
        raise Http404
    return user


def _township(request: HttpRequest) -> Township:
    township_id = current_township_id(request)
    if township_id is None:
        raise Http404
    return Township.objects.get(pk=township_id)


def _own(scope: Any, targets: list[sel.Target]) -> list[sel.Target]:
    return [t for t in targets if t.obj.pk in (scope.village_ids if t.is_village else scope.unit_ids)]


# -- work plans ------------------------------------------------------------------------------------------------


@login_required
def round_list(request: HttpRequest) -> HttpResponse:
    user = _require_reader(request)
    scope = get_scope(user)
    rounds = (
        rounds_visible_to(user)
        .select_related("township")
        .annotate(
            submitted=Count("plans", filter=Q(plans__state=WorkPlan.State.SUBMITTED)),
            approved=Count("plans", filter=Q(plans__state=WorkPlan.State.APPROVED)),
            returned=Count("plans", filter=Q(plans__state=WorkPlan.State.RETURNED)),
        )
    )
    context = {
        "rounds": rounds.order_by("-deadline", "-pk"),
        "may_create": scope.is_office_for(current_township_id(request)),
        "to_file": sel.plans_to_file_count(scope, scope.township_ids),
        "today": local_today(),
    }
    return render(request, T + "round_list.html", context)


@login_required
def round_create(request: HttpRequest) -> HttpResponse:
    township = office_township(request)
    form = RoundForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            round = services.filing_round_create(township=township, actor=current_user(request), **data)
        except WorkflowError as exc:
            form.add_error(None, exc.message)
        else:
            messages.success(request, _("The filing round was set."))
            return redirect(round)
    return render(request, T + "round_form.html", {"form": form})


@login_required
def round_detail(request: HttpRequest, pk: int) -> HttpResponse:
    user = _require_reader(request)
    scope = get_scope(user)
    round = get_round_for_user(user, pk)
    filter_form = RoundLineFilter(request.GET or None)
    state = filter_form.cleaned_data.get("state", "") if filter_form.is_valid() else ""
    lines = sel.round_lines(round, sel.visible_targets(sel.round_filers(round), scope))
    counts = {s: sum(1 for line in lines if line.state == s) for s in (sel.NOT_FILED, *WorkPlan.State.values)}
    if state:
        lines = [line for line in lines if line.state == state]
    own = {t.key for t in _own(scope, sel.round_filers(round))}
    context = {
        "round": round,
        "lines": lines,
        "counts": counts,
        "own": own,
        "filter_form": filter_form,
        "overdue": local_today() > round.deadline,
    }
    return render(request, T + "round_detail.html", context)


@login_required
def plan_file(request: HttpRequest, pk: int) -> HttpResponse:
    """A village or unit files its plan (or, returned, files again) in a round."""
    user = current_user(request)
    scope = get_scope(user)
    round = get_round_for_user(user, pk)
    waiting = [
        line.target for line in sel.round_lines(round, _own(scope, sel.round_filers(round))) if line.waits_for_filer
    ]
    if not may_file(scope) or not waiting:
        raise Http404
    form = PlanFileForm(request.POST or None, request.FILES or None, targets=waiting)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            plan = services.work_plan_file(
                round=round, target=data["target"].obj, actor=user, files=data["documents"], note=data["note"]
            )
        except WorkflowError as exc:
            form.add_error(None, exc.message)
        else:
            messages.success(request, _("The work plan was filed."))
            return redirect(plan)
    return render(request, T + "plan_form.html", {"form": form, "round": round})


def _plan_page(request: HttpRequest, plan: WorkPlan, refused: tuple[str, Any] | None = None) -> HttpResponse:
    initial = {"expected": plan.state}
    forms: dict[str, Any] = {
        "approve": ReviewForm(initial=initial, auto_id="id_approve_%s"),
        "return": ReviewForm(initial=initial, auto_id="id_return_%s"),
        "refile": RefileForm(initial=initial, auto_id="id_refile_%s"),
    }
    if refused is not None:
        forms[refused[0]] = refused[1]
    events = plan.events.select_related("actor").prefetch_related("files")
    context = {
        "plan": plan,
        "actions": services.plan_actions(current_user(request), plan),
        "forms": forms,
        "events": events,
    }
    return render(request, T + "plan_detail.html", context)


@login_required
def plan_detail(request: HttpRequest, pk: int) -> HttpResponse:
    return _plan_page(request, get_plan_for_user(current_user(request), pk))


@login_required
@require_POST
def plan_step(request: HttpRequest, pk: int, step: str) -> HttpResponse:
    """Approve, return or file again: 404 unless the step is ever the user's; the service checks under lock."""
    user = current_user(request)
    plan = get_plan_for_user(user, pk)
    if step not in PLAN_TRANSITIONS or not services.plan_actions(user, plan).holds_role_for(step):
        raise Http404
    form: Any = RefileForm(request.POST, request.FILES) if step == "refile" else ReviewForm(request.POST)
    if not form.is_valid():
        return _plan_page(request, plan, refused=(step, form))
    data = form.cleaned_data
    expected = data["expected"] or None
    try:
        if step == "refile":
            services.work_plan_file(
                round=plan.round, target=plan.target, actor=user, files=data["documents"], note=data["note"]
            )
        elif step == "approve":
            services.work_plan_approve(plan_id=plan.pk, actor=user, note=data["note"], expected=expected)
        else:
            services.work_plan_return(plan_id=plan.pk, actor=user, note=data["note"], expected=expected)
    except WorkflowError as exc:
        messages.error(request, exc.message)
    else:
        messages.success(request, _("Done: %(step)s.") % {"step": PLAN_TRANSITIONS[step].label})
    return redirect(plan)


@login_required
def plan_document(request: HttpRequest, pk: int) -> FileResponse:
    """A filed document, served only to those who see its plan."""
    stored = get_plan_file_for_user(current_user(request), pk)
    response = FileResponse(
        stored.file.open("rb"),
        content_type=stored.content_type,
        as_attachment=not stored.is_image,
        filename=download_name("工作计划", stored.event.plan_id, stored.pk, extension=stored.extension),
    )
    response["X-Content-Type-Options"] = "nosniff"
    return response


# -- monthly reports -------------------------------------------------------------------------------------------


@login_required
def monthly(request: HttpRequest) -> HttpResponse:
    user = _require_reader(request)
    scope = get_scope(user)
    township = _township(request)
    today = local_today()
    form = MonthForm(request.GET or None)
    data = form.cleaned_data if form.is_bound and form.is_valid() else {}
    month = (data.get("month") or sel.report_month(today)).replace(day=1)
    book = sel.Reporters(township.pk)
    targets = sel.visible_targets(book.for_month(month), scope)
    lines = sel.month_lines(township.pk, month, targets, today, book)
    counts = {
        s: sum(1 for line in lines if line.state == s) for s in (sel.REPORTED, sel.LATE, sel.MISSING, sel.WAITING)
    }
    if data.get("state"):
        lines = [line for line in lines if line.state == data["state"]]
    settings = book.settings_at(month)
    own = {t.key for t in _own(scope, targets)}
    due = book.due(month)
    context = {
        "form": form,
        "month": month,
        "lines": lines,
        "counts": counts,
        "own": own,
        "due": due,
        "may_correct": today <= due,
        "settings": settings,
        "may_report": month < today.replace(day=1),
        "previous": sel.previous_month(month),
        "next": sel.next_month(month) if sel.next_month(month) < today.replace(day=1) else None,
        "is_office": scope.is_office_for(township.pk),
    }
    return render(request, T + "monthly.html", context)


def _reportable(request: HttpRequest) -> tuple[Any, list[sel.Target]]:
    """The user's own villages and units that report monthly (now; the service checks the month's)."""
    user = current_user(request)
    scope = get_scope(user)
    township_id = current_township_id(request)
    targets = _own(scope, sel.reporters(township_id)) if township_id else []
    if not targets:
        raise Http404
    return user, targets


def _back_to_month(month: dt.date) -> HttpResponse:
    return redirect(f"{reverse('readiness:monthly_reports')}?month={month:%Y-%m}")


@login_required
def monthly_report(request: HttpRequest) -> HttpResponse:
    user, targets = _reportable(request)
    initial = {"month": f"{sel.report_month(local_today()):%Y-%m}"}
    form = MonthlyReportForm(request.POST or None, targets=targets, initial=initial)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            services.monthly_report_submit(
                target=data["target"].obj, month=data["month"], actor=user, hazards_found=data["hazards_found"],
                note=data["note"],
            )  # fmt: skip
        except WorkflowError as exc:
            form.add_error(None, exc.message)
        else:
            messages.success(request, _("The monthly report was sent."))
            return _back_to_month(data["month"])
    month = sel.report_month(local_today())
    found = [(t, sel.hazards_of_month(t, month).count(), sel.hazards_of_month_url(t, month)) for t in targets]
    return render(request, T + "monthly_form.html", {"form": form, "found": found, "month": month})


@login_required
@require_POST
def monthly_zero(request: HttpRequest) -> HttpResponse:
    """One tap: nothing found this month (零报告)."""
    user, targets = _reportable(request)
    form = ZeroReportForm(request.POST, targets=targets)
    if not form.is_valid():
        messages.error(request, _("This zero report could not be sent: choose the village or unit and the month."))
        return redirect("readiness:monthly_reports")
    data = form.cleaned_data
    try:
        services.monthly_report_submit(target=data["target"].obj, month=data["month"], actor=user, hazards_found=0)
    except WorkflowError as exc:
        messages.error(request, exc.message)
    else:
        messages.success(request, _("Zero report sent for %(name)s.") % {"name": data["target"].name})
    return _back_to_month(data["month"].replace(day=1))


@login_required
def monthly_correct(request: HttpRequest, pk: int) -> HttpResponse:
    """Its village or unit corrects a sent report until the month's due day; each correction is kept."""
    user = current_user(request)
    report = get_report_for_user(user, pk)
    target = report.village or report.unit
    if target is None or not own_target(get_scope(user), target):
        raise Http404
    initial = {"hazards_found": report.hazards_found, "note": report.note}
    form = CorrectionForm(request.POST or None, initial=initial)
    if request.method == "POST" and form.is_valid():
        try:
            services.monthly_report_correct(report_id=report.pk, actor=user, **form.cleaned_data)
        except WorkflowError as exc:
            form.add_error(None, exc.message)
        else:
            messages.success(request, _("The monthly report was corrected."))
            return _back_to_month(report.month)
    context = {"form": form, "report": report, "target": target, "events": report.events.select_related("actor")}
    return render(request, T + "monthly_correct.html", context)


@login_required
def monthly_misses(request: HttpRequest) -> HttpResponse:
    user = _require_reader(request)
    scope = get_scope(user)
    township = _township(request)
    today = local_today()
    form = YearForm(request.GET or None)
    year = (form.cleaned_data.get("year") if form.is_bound and form.is_valid() else None) or today.year
    targets = sel.visible_targets(sel.Reporters(township.pk).for_month(), scope)
    misses = sel.misses_per_year(township.pk, year, targets, today)
    rows = sorted(((t, misses[t.key]) for t in targets), key=lambda row: (-row[1], row[0].name))
    page = Paginator(rows, PAGE_SIZE).get_page(request.GET.get("page"))
    return render(
        request, T + "misses.html", {"form": form, "year": year, "page_obj": page, "querystring": f"year={year}"}
    )


@login_required
def filing_settings(request: HttpRequest) -> HttpResponse:
    township = office_township(request)
    current = sel.settings_for(township)
    initial = {
        "villages_report": current.villages_report,
        "units_report": current.units_report,
        "due_day": current.due_day,
    }
    form = SettingsForm(request.POST or None, initial=initial)
    if request.method == "POST" and form.is_valid():
        try:
            services.filing_settings_update(township=township, actor=current_user(request), **form.cleaned_data)
        except WorkflowError as exc:
            form.add_error(None, exc.message)
        else:
            messages.success(request, _("The settings were saved."))
            return redirect("readiness:monthly_reports")
    return render(request, T + "settings.html", {"form": form})
