"""The inspector pool (§30): list, add, edit, deactivate (never delete — inspections keep pointing at them).
The office changes the pool; leadership reads it; to anyone else the pages do not exist."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.db.models import Q, QuerySet
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from units.access import get_or_404, get_scope, office_township
from units.selectors import master_record_history
from units.services import master_record_set_active

from .access import inspectors_visible_to
from .draw_views import reader_scope
from .inspector_forms import InspectorFilterForm, InspectorForm
from .models import Inspector

PAGE_SIZE = 30


def _filtered(qs: QuerySet[Inspector], params: dict[str, str]) -> QuerySet[Inspector]:
    if params["pool"]:
        qs = qs.filter(pool=params["pool"])
    if params["q"]:
        q = params["q"]
        qs = qs.filter(Q(name__icontains=q) | Q(organisation__icontains=q) | Q(speciality__icontains=q))
    if params["status"] != "all":
        qs = qs.filter(is_active=params["status"] != "inactive")
    return qs


@login_required
def inspector_list(request: HttpRequest) -> HttpResponse:
    scope = reader_scope(request)
    form = InspectorFilterForm(request.GET)
    form.is_valid()  # each valid filter applies; one not offered (or too long) is ignored
    params = {key: (form.cleaned_data.get(key) or "").strip() for key in ("pool", "q", "status")}
    params["status"] = params["status"] or "active"
    qs = _filtered(inspectors_visible_to(request.user).select_related("user"), params).order_by("pool", "name", "pk")
    page = Paginator(qs, PAGE_SIZE).get_page(request.GET.get("page"))
    query = request.GET.copy()
    query.pop("page", None)
    return render(
        request,
        "inspections/inspectors/inspector_list.html",
        {
            "page_obj": page,
            "params": params,
            "pools": Inspector.Pool.choices,
            "querystring": query.urlencode(),
            "can_change": scope.is_office,
        },
    )


@login_required
def inspector_create(request: HttpRequest) -> HttpResponse:
    township = office_township(request)
    form = InspectorForm(request.POST or None, township_id=township.pk)
    if request.method == "POST" and form.is_valid():
        form.instance.township = township
        inspector = form.save()
        messages.success(request, _("“%(name)s” was added to the inspector pool.") % {"name": inspector})
        return redirect("inspections:inspector_list")
    return render(request, "inspections/inspectors/inspector_form.html", {"form": form, "inspector": None})


@login_required
def inspector_edit(request: HttpRequest, pk: int) -> HttpResponse:
    scope = reader_scope(request)
    inspector = get_or_404(inspectors_visible_to(request.user).select_related("user"), pk=pk)
    can_change = scope.is_office_for(inspector.township_id)
    if request.method == "POST" and not can_change:
        raise Http404
    form = InspectorForm(request.POST or None, instance=inspector, township_id=inspector.township_id)
    if request.method == "POST" and form.is_valid():
        form.save()
        messages.success(request, _("Changes to “%(name)s” were saved.") % {"name": inspector})
        return redirect("inspections:inspector_edit", pk=inspector.pk)
    if not can_change:
        for field in form.fields.values():
            field.disabled = True
    return render(
        request,
        "inspections/inspectors/inspector_form.html",
        {"form": form, "inspector": inspector, "can_change": can_change, "history": master_record_history(inspector)},
    )


@login_required
@require_POST
def inspector_toggle(request: HttpRequest, pk: int) -> HttpResponse:
    scope = get_scope(request.user)
    inspector = get_or_404(inspectors_visible_to(request.user).select_related("user"), pk=pk)
    if not scope.is_office_for(inspector.township_id):
        raise Http404
    active = request.POST.get("active") == "1"
    master_record_set_active(record=inspector, active=active, actor=request.user)
    if active:
        messages.success(request, _("“%(name)s” is active again.") % {"name": inspector})
    else:
        messages.success(
            request, _("“%(name)s” was deactivated. Past inspections keep referring to them.") % {"name": inspector}
        )
    return redirect("inspections:inspector_edit", pk=inspector.pk)
