"""Drills and plans (§24), penalties and 零处罚 (§28). Thin views: scope, bound form, one service call."""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.paginator import Page, Paginator
from django.db.models import Q, QuerySet
from django.http import FileResponse, Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from core.downloads import download_name
from core.errors import WorkflowError
from core.spreadsheets.views import xlsx_response
from units.access import (
    current_township,
    current_user,
    enterprises_visible_to,
    get_enterprise_for_user,
    get_or_404,
    get_scope,
    townships_visible_to,
)
from units.models import Enterprise

from . import access, due, services
from .exports import drills_workbook, penalties_workbook, zero_penalty_workbook
from .forms import (
    DrillFilterForm,
    DrillForm,
    KeyUnitForm,
    PenaltyFilterForm,
    PenaltyForm,
    PeriodForm,
    PlanForm,
    VoidForm,
)
from .zero_penalty import enforcement_counts

T = "readiness/drills/"
PAGE_SIZE = 30


def _page(request: HttpRequest, qs: Any) -> tuple[Page[Any], str]:
    params = request.GET.copy()
    params.pop("page", None)
    return Paginator(qs, PAGE_SIZE).get_page(request.GET.get("page")), params.urlencode()


def _cleaned(form: Any) -> dict[str, Any]:
    return form.cleaned_data if form.is_bound and form.is_valid() else {}


# -- the overdue list --------------------------------------------------------------------------------------------


def _filtered_enterprises(request: HttpRequest) -> tuple[DrillFilterForm, QuerySet[Enterprise]]:
    user = current_user(request)
    scope = get_scope(user)
    if not access.reads_drills(scope):
        raise Http404
    form = DrillFilterForm(request.GET or None, scope=scope)
    data = _cleaned(form)
    qs = enterprises_visible_to(user).filter(is_active=True)
    if data.get("q"):
        qs = qs.filter(Q(name__icontains=data["q"]) | Q(credit_code__icontains=data["q"]))
    if data.get("village"):
        qs = qs.filter(village=data["village"])
    if data.get("sector"):
        qs = qs.filter(primary_sector=data["sector"])
    qs = due.with_drill_state(qs).select_related("village", "primary_sector")
    obligation = data.get("obligation")
    state = data.get("state")
    if obligation and state:
        qs = qs.filter(Q(**{f"dr_{obligation}": state}))
    elif obligation:
        qs = qs.exclude(Q(**{f"dr_{obligation}": due.NONE}))
    elif state:
        qs = qs.filter(Q(dr_state=state))
    return form, qs.order_by("name", "pk")


@login_required
def drill_list(request: HttpRequest) -> HttpResponse:
    """Readers: the enterprises in their scope with their drills' state; an enterprise contact goes to its own."""
    scope = get_scope(current_user(request))
    if not access.may_open_drill_list(scope):
        raise Http404
    if not access.reads_drills(scope):
        return redirect("readiness:enterprise_drills", min(scope.enterprise_ids))
    form, qs = _filtered_enterprises(request)
    page, querystring = _page(request, qs)
    rows = [(e, due.status_from_annotations(e)) for e in page]
    context = {"form": form, "page_obj": page, "querystring": querystring, "rows": rows, "is_office": scope.is_office}
    return render(request, T + "drill_list.html", context)


@login_required
def drill_export(request: HttpRequest) -> HttpResponse:
    user = current_user(request)
    _form, qs = _filtered_enterprises(request)
    township = current_township(request)
    rows = [(e, due.status_from_annotations(e)) for e in qs.iterator(chunk_size=1000)]
    return xlsx_response(drills_workbook(rows, township=township, filler=user), "应急演练应到期情况.xlsx")


# -- one enterprise --------------------------------------------------------------------------------------------------


@login_required
def enterprise_drills(request: HttpRequest, pk: int) -> HttpResponse:
    user = current_user(request)
    enterprise = get_enterprise_for_user(user, pk)
    scope = get_scope(user)
    marked = enterprise.drill_key_unit if hasattr(enterprise, "drill_key_unit") else None
    context = {
        "enterprise": enterprise,
        "status": due.drill_status(enterprise),
        "plans": access.plans_visible_to(user).filter(enterprise=enterprise),
        "drills": access.drills_visible_to(user).filter(enterprise=enterprise).select_related("plan")[:50],
        "may_record": access.may_record_drills(scope, enterprise),
        "may_mark": access.may_mark_key_unit(scope, enterprise),
        "mark": marked,
        "key_form": KeyUnitForm(initial={"marked": marked is not None, "reason": marked.reason if marked else ""}),
        "reads": access.reads_drills(scope),
    }
    return render(request, T + "enterprise_drills.html", context)


def _recordable(request: HttpRequest, pk: int) -> Enterprise:
    user = current_user(request)
    enterprise = get_enterprise_for_user(user, pk)
    if not access.may_record_drills(get_scope(user), enterprise):
        raise Http404
    return enterprise


@login_required
def drill_create(request: HttpRequest, pk: int) -> HttpResponse:
    enterprise = _recordable(request, pk)
    form = DrillForm(request.POST or None, request.FILES or None, enterprise=enterprise)
    if request.method == "POST" and form.is_valid():
        fields = {k: v for k, v in form.cleaned_data.items() if k != "attachments"}
        try:
            services.drill_record(
                enterprise=enterprise,
                actor=current_user(request),
                fields=fields,
                files=form.cleaned_data["attachments"],
            )
        except WorkflowError as exc:
            form.add_error(None, exc.message)
        else:
            messages.success(request, _("The drill was recorded."))
            return redirect("readiness:enterprise_drills", enterprise.pk)
    return render(request, T + "drill_form.html", {"form": form, "enterprise": enterprise})


@login_required
def plan_create(request: HttpRequest, pk: int) -> HttpResponse:
    enterprise = _recordable(request, pk)
    form = PlanForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            services.plan_add(enterprise=enterprise, actor=current_user(request), fields=form.cleaned_data)
        except WorkflowError as exc:
            form.add_error(None, exc.message)
        else:
            messages.success(request, _("The emergency plan was recorded."))
            return redirect("readiness:enterprise_drills", enterprise.pk)
    return render(request, T + "plan_form.html", {"form": form, "enterprise": enterprise})


@login_required
@require_POST
def key_unit(request: HttpRequest, pk: int) -> HttpResponse:
    user = current_user(request)
    enterprise = get_enterprise_for_user(user, pk)
    if not access.may_mark_key_unit(get_scope(user), enterprise):
        raise Http404
    form = KeyUnitForm(request.POST)
    if not form.is_valid():
        messages.error(request, _("Please check the form."))
    else:
        try:
            services.key_unit_set(enterprise=enterprise, actor=user, **form.cleaned_data)
        except WorkflowError as exc:
            messages.error(request, exc.message)
        else:
            messages.success(request, _("Saved."))
    return redirect("readiness:enterprise_drills", enterprise.pk)


@login_required
def drill_detail(request: HttpRequest, pk: int) -> HttpResponse:
    qs = access.drills_visible_to(request.user).select_related("enterprise", "plan", "recorded_by")
    drill = get_or_404(qs, pk=pk)
    return render(request, T + "drill_detail.html", {"drill": drill, "files": drill.files.all()})


@login_required
def drill_file(request: HttpRequest, pk: int, token: str) -> FileResponse:
    drill = get_or_404(access.drills_visible_to(request.user), pk=pk)
    stored = get_or_404(drill.files.all(), token=token)
    n = drill.files.filter(Q(uploaded_at__lt=stored.uploaded_at) | Q(uploaded_at=stored.uploaded_at, pk__lte=stored.pk))
    response = FileResponse(
        stored.file.open("rb"),
        content_type=stored.content_type,
        as_attachment=not stored.is_image,
        filename=download_name(_("drill") + str(drill.pk), n.count(), extension=stored.extension),
    )
    response["X-Content-Type-Options"] = "nosniff"
    return response


# -- penalties (§28) ---------------------------------------------------------------------------------------------


def _penalties(request: HttpRequest) -> tuple[PenaltyFilterForm, QuerySet[Any]]:
    user = current_user(request)
    form = PenaltyFilterForm(request.GET or None)
    data = _cleaned(form)
    qs = access.penalties_visible_to(user).select_related("enterprise", "unit")
    if data.get("q"):
        qs = qs.filter(Q(enterprise__name__icontains=data["q"]) | Q(document_number__icontains=data["q"]))
    if not data.get("voided"):
        qs = qs.filter(voided_at__isnull=True)
    if data.get("kind"):
        qs = qs.filter(kind=data["kind"])
    if data.get("start"):
        qs = qs.filter(decided_on__gte=data["start"])
    if data.get("end"):
        qs = qs.filter(decided_on__lte=data["end"])
    return form, qs.order_by("-decided_on", "-pk")


@login_required
def penalty_list(request: HttpRequest) -> HttpResponse:
    scope = get_scope(current_user(request))
    form, qs = _penalties(request)
    page, querystring = _page(request, qs)
    may_add = access.deciding_units_for(scope, current_township(request).pk).exists()
    context = {"form": form, "page_obj": page, "querystring": querystring, "may_add": may_add}
    context["may_see_zero"] = access.may_see_zero_penalty(scope)
    return render(request, T + "penalty_list.html", context)


@login_required
def penalty_export(request: HttpRequest) -> HttpResponse:
    user = current_user(request)
    _form, qs = _penalties(request)
    township = current_township(request)
    return xlsx_response(penalties_workbook(qs, township=township, filler=user), "行政处罚记录.xlsx")


@login_required
def penalty_create(request: HttpRequest) -> HttpResponse:
    user = current_user(request)
    scope = get_scope(user)
    township_id = current_township(request).pk
    units = access.deciding_units_for(scope, township_id)
    if not units.exists():
        raise Http404
    enterprises = enterprises_visible_to(user).filter(township_id=township_id)
    # "List its records" reloads the form by GET with what was typed: the values are only initial, bound on POST.
    initial = {k: v for k, v in request.GET.items() if k in PenaltyForm.Meta.fields and len(v) <= 2000}
    data = request.POST if request.method == "POST" else None
    form = PenaltyForm(data, initial=initial, enterprises=enterprises, units=units, user=user)
    if request.method == "POST" and form.is_valid():
        try:
            penalty = services.penalty_record(actor=user, township_id=township_id, fields=form.cleaned_data)
        except WorkflowError as exc:
            form.add_error(None, exc.message)
        else:
            messages.success(request, _("The penalty was recorded."))
            return redirect(penalty)
    return render(request, T + "penalty_form.html", {"form": form})


@login_required
def penalty_detail(request: HttpRequest, pk: int) -> HttpResponse:
    qs = access.penalties_visible_to(request.user).select_related("enterprise", "unit", "recorded_by", "voided_by")
    penalty = get_or_404(qs, pk=pk)
    may_void = access.may_void_penalty(get_scope(current_user(request)), penalty)
    return render(request, T + "penalty_detail.html", {"penalty": penalty, "may_void": may_void})


@login_required
def penalty_void(request: HttpRequest, pk: int) -> HttpResponse:
    """The confirmation step (GET) and the correction itself (POST, with the reason)."""
    user = current_user(request)
    penalty = get_or_404(access.penalties_visible_to(user).select_related("enterprise", "unit"), pk=pk)
    if not access.may_void_penalty(get_scope(user), penalty):
        raise Http404
    form = VoidForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            services.penalty_void(penalty=penalty, actor=user, reason=form.cleaned_data["reason"])
        except WorkflowError as exc:
            form.add_error(None, exc.message)
        else:
            messages.success(request, _("The penalty was voided; it no longer counts."))
            return redirect(penalty)
    return render(request, T + "penalty_void.html", {"penalty": penalty, "form": form})


def _zero(request: HttpRequest) -> tuple[PeriodForm, Any, Any]:
    user = current_user(request)
    if not access.may_see_zero_penalty(get_scope(user)):
        raise Http404
    form = PeriodForm(request.GET or {})
    if not form.is_valid():
        form = PeriodForm({})
        form.is_valid()
    start, end = form.bounds()
    towns = frozenset(townships_visible_to(user).values_list("pk", flat=True))
    return form, (start, end), enforcement_counts(towns, start, end)


@login_required
def zero_penalty(request: HttpRequest) -> HttpResponse:
    form, (start, end), rows = _zero(request)
    bad = PeriodForm(request.GET) if request.GET else None
    if bad is not None and not bad.is_valid():
        messages.error(request, _("That period does not exist; the current quarter is shown."))
    context = {
        "form": form,
        "start": start,
        "end": end,
        "zero": [r for r in rows if r.zero_penalty],
        "rows": rows,
        "querystring": request.GET.urlencode(),
    }
    return render(request, T + "zero_penalty.html", context)


@login_required
def zero_penalty_export(request: HttpRequest) -> HttpResponse:
    user = current_user(request)
    _form, (start, end), rows = _zero(request)
    township = current_township(request)
    content = zero_penalty_workbook(rows, start=start, end=end, township=township, filler=user)
    return xlsx_response(content, "零处罚单位.xlsx")
