"""The office's pages for public reports (/reports/): list, entry, the report (redacted), its steps, the identity."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.db.models import Q
from django.http import FileResponse, Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_POST

from core.dates import local_today
from core.downloads import download_name
from core.errors import WorkflowError
from units.access import current_user, get_or_404, get_scope, office_township

from . import codes, services
from .access import (
    may_enter_reports,
    may_handle,
    may_see_identity,
    may_see_reports,
    report_townships,
    reports_visible_to,
)
from .forms import (
    DismissForm,
    EnterpriseForm,
    HazardSearchForm,
    IdentityForm,
    MergeForm,
    ReplyForm,
    ReportFilterForm,
    StaffReportForm,
    VerifyForm,
)
from .models import Report, ReportPhoto

PAGE_SIZE = 30


def _visible_or_404(request: HttpRequest, pk: int) -> Report:
    report: Report = get_or_404(
        reports_visible_to(request.user).select_related("village", "enterprise", "hazard"), pk=pk
    )
    return report


@login_required
def report_list(request: HttpRequest) -> HttpResponse:
    scope = get_scope(request.user)
    if not may_see_reports(scope):
        raise Http404
    form = ReportFilterForm(request.GET or None, township_ids=report_townships(scope))
    qs = reports_visible_to(request.user).select_related("village", "township").prefetch_related("photos")
    if form.is_valid():
        data = form.cleaned_data
        if data["q"]:
            q = data["q"]
            qs = qs.filter(
                Q(content__icontains=q)
                | Q(place__icontains=q)
                | Q(enterprise_name__icontains=q)
                | Q(work_order_number__icontains=q)
            )
        if data["status"]:
            qs = qs.filter(status=data["status"])
        if data["channel"]:
            qs = qs.filter(received_via=data["channel"])
        if data["village"]:
            qs = qs.filter(village=data["village"])
        if data["overdue"]:
            qs = qs.filter(services.reply_overdue_q())
    page = Paginator(qs, PAGE_SIZE).get_page(request.GET.get("page"))
    params = request.GET.copy()
    params.pop("page", None)
    context = {
        "filter_form": form,
        "page_obj": page,
        "querystring": params.urlencode(),
        "today": local_today(),
        "may_enter": may_enter_reports(scope),
        "filtered": form.is_bound and any(form.data.get(k) for k in ("q", "status", "channel", "village", "overdue")),
    }
    return render(request, "reports/report_list.html", context)


@login_required
@never_cache
def report_new(request: HttpRequest) -> HttpResponse:
    township = office_township(request)
    form = StaffReportForm(request.POST or None, request.FILES or None, township=township)
    if request.method == "POST" and form.is_valid():
        try:
            report, code = services.enter_report(
                actor=current_user(request),
                fields=form.report_fields(),
                identity=form.identity(),
                photos=form.cleaned_data["photos"],
            )
        except WorkflowError as exc:
            form.add_error(None, exc.message)
        else:
            return render(request, "reports/report_entered.html", {"report": report, "code": codes.grouped(code)})
    return render(request, "reports/report_form.html", {"form": form})


@login_required
def report_detail(request: HttpRequest, pk: int) -> HttpResponse:
    report = _visible_or_404(request, pk)
    scope = get_scope(request.user)
    steps = {s.name for s in services.allowed_steps(scope, report)}
    context = {
        "report": report,
        "photos": report.photos.all(),
        "events": report.events.select_related("actor"),
        "steps": steps,
        "today": local_today(),
        "dismiss_form": DismissForm(),
        "reply_form": ReplyForm(initial={"text": report.reply}),
        "enterprise_form": EnterpriseForm(township_id=report.township_id, initial={"enterprise": report.enterprise_id})
        if "set_enterprise" in steps
        else None,
        "identity_form": IdentityForm() if "open_identity" in steps else None,
        "openings": report.identity_openings.select_related("user") if may_see_identity(scope, report) else None,
        "may_handle": may_handle(scope, report),
    }
    return render(request, "reports/report_detail.html", context)


def _step_error(request: HttpRequest, report: Report, message: str) -> HttpResponse:
    messages.error(request, message)
    return redirect(report)


@login_required
@require_POST
def report_step(request: HttpRequest, pk: int, step: str) -> HttpResponse:
    """The short steps (start the check, dismiss, reply, identify the enterprise), posted from the report page."""
    report = _visible_or_404(request, pk)
    actor = current_user(request)
    try:
        if step == "start_check":
            services.start_check(actor=actor, report_id=report.pk)
            messages.success(request, _("The check has started."))
        elif step == "dismiss":
            form = DismissForm(request.POST)
            if not form.is_valid():
                return _step_error(request, report, _("Give the reason the reporter will read."))
            services.dismiss(actor=actor, report_id=report.pk, reason=form.cleaned_data["reason"])
            messages.success(request, _("The report was dismissed."))
        elif step == "reply":
            reply_form = ReplyForm(request.POST)
            if not reply_form.is_valid():
                return _step_error(request, report, _("Write the reply (at most 2000 characters)."))
            services.reply(actor=actor, report_id=report.pk, text=reply_form.cleaned_data["text"])
            messages.success(request, _("The reply was saved; the reporter reads it with the tracking code."))
        elif step == "set_enterprise":
            ent_form = EnterpriseForm(request.POST, township_id=report.township_id)
            if not ent_form.is_valid():
                return _step_error(request, report, _("Choose an enterprise of the township."))
            services.set_enterprise(actor=actor, report_id=report.pk, enterprise=ent_form.cleaned_data["enterprise"])
            messages.success(request, _("The enterprise was recorded."))
        else:
            raise Http404
    except WorkflowError as exc:
        return _step_error(request, report, exc.message)
    return redirect(report)


@login_required
def report_verify(request: HttpRequest, pk: int) -> HttpResponse:
    report = _visible_or_404(request, pk)
    scope = get_scope(request.user)
    if "verify" not in {s.name for s in services.allowed_steps(scope, report)}:
        raise Http404
    form = VerifyForm(request.POST or None, scope=scope, report=report)
    if request.method == "POST" and form.is_valid():
        try:
            hazard = services.verify(
                actor=current_user(request), report_id=report.pk, hazard_fields=form.hazard_fields()
            )
        except WorkflowError as exc:
            form.add_error(None, exc.message)
        else:
            messages.success(
                request,
                _("The report was verified; the hazard “%(title)s” is in the register.") % {"title": hazard.title},
            )
            return redirect(report)
    return render(request, "reports/report_verify.html", {"report": report, "form": form})


@login_required
def report_merge(request: HttpRequest, pk: int) -> HttpResponse:
    report = _visible_or_404(request, pk)
    scope = get_scope(request.user)
    if "merge" not in {s.name for s in services.allowed_steps(scope, report)}:
        raise Http404
    actor = current_user(request)
    hazards = services.mergeable_hazards(actor, report)
    search = HazardSearchForm(request.GET or None)
    form = MergeForm(request.POST or None, hazards=hazards)
    if request.method == "POST" and form.is_valid():
        try:
            services.merge(
                actor=actor,
                report_id=report.pk,
                hazard_id=form.cleaned_data["hazard"].pk,
                note=form.cleaned_data["note"],
            )
        except WorkflowError as exc:
            form.add_error(None, exc.message)
        else:
            messages.success(request, _("The report was merged into the hazard."))
            return redirect(report)
    context = {"report": report, "form": form, "search": search, "matches": search.search(hazards)}
    return render(request, "reports/report_merge.html", context)


@login_required
@require_POST
@never_cache
def report_identity(request: HttpRequest, pk: int) -> HttpResponse:
    """The custodian's view of who reported: only after giving a reason, which is recorded with the look."""
    report = _visible_or_404(request, pk)
    if not may_see_identity(get_scope(request.user), report):
        raise Http404
    form = IdentityForm(request.POST)
    if not form.is_valid():
        return _step_error(request, report, _("Give the reason for opening the identity."))
    try:
        identity = services.open_identity(
            actor=current_user(request), report_id=report.pk, reason=form.cleaned_data["reason"]
        )
    except WorkflowError as exc:
        return _step_error(request, report, exc.message)
    response = render(request, "reports/report_identity.html", {"report": report, "identity": identity})
    response["Referrer-Policy"] = "no-referrer"
    return response


@login_required
def report_photo(request: HttpRequest, token: str) -> FileResponse:
    """A report's photo: to those who see the report, never from a public media URL."""
    photo: ReportPhoto = get_or_404(
        ReportPhoto.objects.filter(report__in=reports_visible_to(request.user)), token=token
    )
    n = ReportPhoto.objects.filter(report_id=photo.report_id, pk__lte=photo.pk).count()
    response = FileResponse(
        photo.file.open("rb"),
        content_type=photo.content_type,
        filename=download_name(photo.report.number, _("photo"), n, extension=photo.extension),
    )
    response["X-Content-Type-Options"] = "nosniff"
    return response
