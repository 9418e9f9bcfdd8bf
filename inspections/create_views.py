"""Planning a new inspection: the form, and the enterprise search it types into (htmx, or a page without JS)."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _

from core.dates import local_today
from core.errors import WorkflowError
from units.access import current_user, get_scope

from . import services
from .access import groups_plannable_by, may_plan_inspections
from .create_forms import (
    CreatePrefillForm,
    EnterpriseSearchForm,
    InspectionCreateForm,
    Target,
    checklist_by_sector,
    enterprises_matching,
    planning_scope,
    published_checklists,
)


def _plan(request: HttpRequest, form: InspectionCreateForm) -> HttpResponse | None:
    d = form.cleaned_data
    target = d["enterprise"] or d["place"] or d["unit"] or d["village"]
    try:
        inspection = services.inspection_plan(
            actor=current_user(request),
            township=target.township,
            kind=d["kind"],
            planned_on=d["planned_on"],
            enterprise=d["enterprise"],
            place=d["place"],
            unit=d["unit"],
            village=d["village"],
            place_text=d["place_text"],
            checklist=d["checklist"],
            inspectors=d["inspectors"],
            channel=d["channel"] or None,
            group=d.get("group"),
            inspecting_unit=d.get("inspecting_unit"),
            is_law_enforcement=bool(d.get("is_law_enforcement")),
        )
    except WorkflowError as exc:
        form.add_error(None, exc.message)
        return None
    messages.success(request, _("The inspection was planned."))
    return redirect("inspections:fill", pk=inspection.pk)


@login_required
def inspection_create(request: HttpRequest) -> HttpResponse:
    if not may_plan_inspections(request.user):
        raise Http404
    scope = get_scope(request.user)
    groups = groups_plannable_by(request.user).order_by("name")
    initial = {"planned_on": local_today(), "target": Target.ENTERPRISE}
    form = InspectionCreateForm(request.POST or None, scope=scope, groups=groups, initial=initial)
    if request.method == "POST":
        if form.is_valid() and (response := _plan(request, form)) is not None:
            return response
    else:
        # Coming from the enterprise search page (no JavaScript): that enterprise, and its sector's checklist.
        prefill = CreatePrefillForm(request.GET, enterprises=form.fields["enterprise"].queryset)  # type: ignore[attr-defined]
        if prefill.is_valid() and prefill.cleaned_data["enterprise"] is not None:
            form.initial["enterprise"] = prefill.cleaned_data["enterprise"].pk
            form.suggest_checklist(prefill.cleaned_data["enterprise"])
    return render(request, "inspections/inspection_form.html", {"form": form, "search_form": EnterpriseSearchForm()})


@login_required
def enterprise_search(request: HttpRequest) -> HttpResponse:
    """The enterprises in the user's planning scope matching ?q= (name, credit code, principal), at most 20.

    htmx asks for the list alone; without JavaScript the page links each match to the new-inspection form."""
    if not may_plan_inspections(request.user):
        raise Http404
    form = EnterpriseSearchForm(request.GET)
    q = form.cleaned_data["q"].strip() if form.is_valid() else ""
    where = planning_scope(get_scope(request.user), groups_plannable_by(request.user))
    matches = []
    if q:
        suggested = checklist_by_sector(published_checklists(where.townships))
        matches = [(e, suggested.get(e.primary_sector_id)) for e in enterprises_matching(where.enterprises, q)]
    context = {"form": form, "q": q, "matches": matches}
    if request.htmx:  # type: ignore[attr-defined]
        return render(request, "inspections/_enterprise_matches.html", context)
    return render(request, "inspections/enterprise_search.html", context)
