"""Hazard pages: the list, a hazard and its timeline, reporting, the workflow steps, evidence and extensions.

Thin views: fetch through hazards.access (404 out of scope), bind a form, call one service, message, redirect.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from django import forms
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.db.models import Prefetch, Q
from django.http import FileResponse, Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from core.downloads import download_name
from core.errors import WorkflowError
from units.access import Scope, current_user, get_or_404, get_scope, require_office, townships_managed_by

from . import forms as hf
from . import services
from .access import (
    HazardActions,
    HazardRights,
    allowed,
    evidence_visible_to,
    extensions_visible_to,
    get_hazard_for_user,
    hazard_actions,
    hazards_visible_to,
    may_fix_on_the_spot,
    may_report,
    may_see_hazard_list,
    step_capacity,
)
from .evidence import hazard_file_label
from .filters import filtered_hazards
from .models import TRANSITIONS, Evidence, Hazard, HazardEvent, Listing
from .responsibility import next_turn, stuck_items

PAGE_SIZE = 30

# step name -> (form class, service, form needs the hazard)
STEPS: dict[str, tuple[type[forms.Form], Callable[..., Hazard], bool]] = {
    "confirm": (hf.ConfirmForm, services.hazard_confirm, True),
    "dismiss": (hf.DismissForm, services.hazard_dismiss, False),
    "start_rectification": (hf.StartRectificationForm, services.hazard_start_rectification, True),
    "request_acceptance": (hf.RequestAcceptanceForm, services.hazard_request_acceptance, False),
    "verify": (hf.VerifyForm, services.hazard_verify, False),
    "refuse_acceptance": (hf.RefuseAcceptanceForm, services.hazard_refuse_acceptance, False),
    "close": (hf.CloseForm, services.hazard_close, False),
}


@login_required
def hazard_list(request: HttpRequest) -> HttpResponse:
    scope = get_scope(request.user)
    if not may_see_hazard_list(scope):
        raise Http404
    base = hazards_visible_to(request.user).select_related("enterprise", "village", "sector", "lead_unit")
    flt, qs = filtered_hazards(request.GET, base, scope)
    page = Paginator(qs, PAGE_SIZE).get_page(request.GET.get("page"))
    # One query for the active listings of the page, instead of one per row.
    active = Listing.objects.filter(hazard__in=[h.pk for h in page], delisted_on__isnull=True).select_related(
        "supervising_unit", "supervising_department", "listed_by_county"
    )
    listed = {listing.hazard_id: listing for listing in active}
    for hazard in page:
        hazard.active_listing = listed.get(hazard.pk)  # type: ignore[attr-defined]
    params = request.GET.copy()
    params.pop("page", None)
    return render(
        request,
        "hazards/hazard_list.html",
        {
            "filter": flt,
            "page_obj": page,
            "listed": listed,
            "querystring": params.urlencode(),
            "may_report": may_report(scope),
            "may_fix_on_the_spot": may_fix_on_the_spot(scope),
        },
    )


def _step_note(name: str, hazard: Hazard, scope: Scope) -> str:
    """What the step will record about the capacity the user acts in (the event says the same)."""
    capacity, on_behalf_of = step_capacity(scope, hazard, name)
    if capacity == HazardEvent.Capacity.ON_BEHALF:
        return _("You record this on behalf of %(enterprise)s from its paper evidence; the timeline will say so.") % {
            "enterprise": on_behalf_of
        }
    if capacity == HazardEvent.Capacity.LAST_RESORT:
        return _("You act as the verifier of last resort in place of the responsible unit; the timeline will say so.")
    return ""


def _step_forms(hazard: Hazard, actions: HazardActions, scope: Scope) -> list[dict[str, Any]]:
    """The steps this user may take now (access.hazard_actions), each with its blank form."""
    available = []
    for name in actions.steps:
        form_class, _service, needs_hazard = STEPS[name]
        kwargs: dict[str, Any] = {"initial": {"expected_status": hazard.status}}
        if needs_hazard:
            kwargs["hazard"] = hazard
        if name == "confirm":
            kwargs["initial"].update(
                level=hazard.level, hazard_type=hazard.hazard_type, sector=hazard.sector_id,
                basis=hazard.basis, clause=hazard.clause, is_major_fire=hazard.is_major_fire,
            )  # fmt: skip
        available.append(
            {
                "name": name,
                "label": TRANSITIONS[name].label,
                "form": form_class(**kwargs),
                "capacity_note": _step_note(name, hazard, scope),
            }
        )
    return available


@login_required
def hazard_detail(request: HttpRequest, pk: int) -> HttpResponse:
    hazard = get_hazard_for_user(request.user, pk)
    scope = get_scope(request.user)
    actions = hazard_actions(scope, hazard)
    events = (
        hazard.events.select_related("actor")
        .prefetch_related(Prefetch("evidence", Evidence.objects.order_by("pk")))
        .order_by("created_at", "pk")
    )
    extensions = list(hazard.extensions.select_related("requested_by", "decided_by"))
    return render(
        request,
        "hazards/hazard_detail.html",
        {
            "hazard": hazard,
            "actions": actions,
            "events": events,
            "steps": _step_forms(hazard, actions, scope),
            "turn": next_turn(hazard),
            "extensions": extensions,
            "evidence_form": hf.EvidenceForm(),
            "extension_form": hf.ExtensionRequestForm(),
            "decide_form": hf.ExtensionDecideForm(),
            "days_overdue": hazard.days_overdue(),
            "missing_five": hazard.missing_five() if hazard.is_major else [],
        },
    )


@login_required
def hazard_report(request: HttpRequest) -> HttpResponse:
    scope = get_scope(request.user)
    if not may_report(scope):
        raise Http404
    form = hf.HazardReportForm(request.POST or None, request.FILES or None, scope=scope)
    if request.method == "POST" and form.is_valid():
        try:
            hazard = services.hazard_report(
                actor=current_user(request), fields=form.hazard_fields(), photos=form.cleaned_data["photos"]
            )
        except WorkflowError as exc:
            form.add_error(None, exc.message)
        else:
            messages.success(request, _("The hazard “%(title)s” was reported.") % {"title": hazard.title})
            return redirect(hazard)
    return render(request, "hazards/hazard_form.html", {"form": form, "title": _("Report a hazard")})


@login_required
def hazard_fix_on_the_spot(request: HttpRequest) -> HttpResponse:
    scope = get_scope(request.user)
    if not may_fix_on_the_spot(scope):
        raise Http404
    form = hf.FixOnTheSpotForm(request.POST or None, request.FILES or None, scope=scope)
    if request.method == "POST" and form.is_valid():
        try:
            hazard = services.hazard_fix_on_the_spot(
                actor=current_user(request),
                fields=form.hazard_fields(),
                before=form.cleaned_data["before"],
                after=form.cleaned_data["after"],
            )
        except WorkflowError as exc:
            form.add_error(None, exc.message)
        else:
            messages.success(request, _("The hazard fixed on the spot was recorded and closed."))
            return redirect(hazard)
    return render(
        request, "hazards/hazard_form.html", {"form": form, "title": _("Record a hazard fixed on the spot (立查立改)")}
    )


@login_required
@require_POST
def hazard_step(request: HttpRequest, pk: int, step: str) -> HttpResponse:
    hazard = get_hazard_for_user(request.user, pk)
    if step not in STEPS:
        raise Http404
    form_class, service, needs_hazard = STEPS[step]
    kwargs: dict[str, Any] = {"hazard": hazard} if needs_hazard else {}
    form = form_class(request.POST, request.FILES, **kwargs)
    if not form.is_valid():
        for field, errors in form.errors.items():
            label = form.fields[field].label if field in form.fields else ""
            for error in errors:
                messages.error(request, f"{label}：{error}" if label else str(error))
        return redirect(hazard)
    data = form.cleaned_data
    call: dict[str, Any] = {"hazard_id": hazard.pk, "actor": request.user, "note": data.get("note") or ""}
    call["expected_status"] = data.get("expected_status") or None
    if hasattr(form, "service_kwargs"):
        call.update(form.service_kwargs())
    if "photos" in data:
        call["photos"] = data["photos"]
    if "funds_spent" in data:
        call["funds_spent"] = data["funds_spent"]
    try:
        service(**call)
    except WorkflowError as exc:
        messages.error(request, exc.message)
    else:
        messages.success(request, _("Done: %(step)s.") % {"step": TRANSITIONS[step].label})
    return redirect(hazard)


@login_required
@require_POST
def hazard_add_evidence(request: HttpRequest, pk: int) -> HttpResponse:
    hazard = get_hazard_for_user(request.user, pk)
    form = hf.EvidenceForm(request.POST, request.FILES)
    if form.is_valid():
        try:
            services.hazard_add_evidence(
                hazard_id=hazard.pk,
                actor=current_user(request),
                kind=form.cleaned_data["kind"],
                photos=form.cleaned_data["photos"],
                note=form.cleaned_data["note"],
            )
        except WorkflowError as exc:
            messages.error(request, exc.message)
        else:
            messages.success(request, _("The files were added."))
    else:
        for errors in form.errors.values():
            for error in errors:
                messages.error(request, str(error))
    return redirect(hazard)


@login_required
def hazard_edit(request: HttpRequest, pk: int) -> HttpResponse:
    hazard = get_hazard_for_user(request.user, pk)
    if not allowed(HazardRights(get_scope(request.user), hazard).check_edit):
        raise Http404
    form = hf.HazardEditForm(request.POST or None, instance=hazard)
    if request.method == "POST" and form.is_valid():
        changes = {f: form.cleaned_data[f] for f in form.changed_data}
        try:
            services.hazard_update(hazard_id=hazard.pk, actor=current_user(request), changes=changes)
        except WorkflowError as exc:
            form.add_error(None, exc.message)
        else:
            messages.success(request, _("Changes were saved."))
            return redirect(hazard)
    return render(request, "hazards/hazard_form.html", {"form": form, "title": _("Edit hazard"), "hazard": hazard})


@login_required
@require_POST
def extension_request(request: HttpRequest, pk: int) -> HttpResponse:
    hazard = get_hazard_for_user(request.user, pk)
    form = hf.ExtensionRequestForm(request.POST)
    if form.is_valid():
        try:
            services.extension_request(hazard_id=hazard.pk, actor=current_user(request), **form.cleaned_data)
        except WorkflowError as exc:
            messages.error(request, exc.message)
        else:
            messages.success(request, _("The extension request was sent for a decision."))
    else:
        messages.error(request, _("Please give a valid date and a reason."))
    return redirect(hazard)


@login_required
@require_POST
def extension_decide(request: HttpRequest, pk: int) -> HttpResponse:
    extension = get_or_404(extensions_visible_to(request.user), pk=pk)
    form = hf.ExtensionDecideForm(request.POST)
    if form.is_valid():
        try:
            services.extension_decide(extension_id=extension.pk, actor=current_user(request), **form.cleaned_data)
        except WorkflowError as exc:
            messages.error(request, exc.message)
        else:
            messages.success(request, _("The decision was recorded."))
    else:
        messages.error(request, _("Please choose approve or refuse."))
    return redirect(reverse("hazards:detail", args=[extension.hazard_id]))


@login_required
def evidence_file(request: HttpRequest, token: str) -> FileResponse:
    """Evidence is served only to users who may see its hazard; never from a public media URL."""
    evidence = get_or_404(evidence_visible_to(request.user), token=token)
    # The n-th file of its kind on the hazard, in upload order: 隐患12-问题-2.jpg.
    same_kind = Evidence.objects.filter(hazard_id=evidence.hazard_id, kind=evidence.kind)
    up_to = Q(uploaded_at__lt=evidence.uploaded_at) | Q(uploaded_at=evidence.uploaded_at, pk__lte=evidence.pk)
    n = same_kind.filter(up_to)
    response = FileResponse(
        evidence.file.open("rb"),
        content_type=evidence.content_type,
        as_attachment=not evidence.is_image,
        filename=download_name(
            hazard_file_label(evidence.hazard_id),
            evidence.get_kind_display(),
            n.count(),
            extension=evidence.extension,
        ),
    )
    response["X-Content-Type-Options"] = "nosniff"
    return response


@login_required
def stuck(request: HttpRequest) -> HttpResponse:
    """The office's list of what no active user can act on, and of what the office acts on in a unit's place."""
    require_office(get_scope(request.user))
    townships = townships_managed_by(request.user).order_by("code")
    sections = [(t, stuck_items(t)) for t in townships]
    return render(request, "hazards/stuck.html", {"sections": sections})
