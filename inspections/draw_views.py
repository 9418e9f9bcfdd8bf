"""Double-random draw pages (§28): the year's draws and random share, a new draw, a draw and its replay check,
and the target share. The office draws; leadership reads; to anyone else the pages do not exist."""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.db.models import Count
from django.http import HttpRequest, HttpResponse, QueryDict
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from core.dates import local_today
from core.errors import WorkflowError
from units.access import Scope, current_user, get_scope, office_township, require_any
from units.forms import chosen_year
from units.models import Enterprise, Role, Sector, Township, Village

from . import draws
from .access import draw_townships_visible_to, draws_visible_to, get_draw_for_user
from .draw_forms import DrawFilterForm, DrawForm, ShareTargetForm
from .models import Inspector, RandomDraw

READERS = (Role.OFFICE, Role.LEADERSHIP, Role.ADMIN)


def reader_scope(request: HttpRequest) -> Scope:
    scope = get_scope(request.user)
    require_any(scope, *READERS)
    return scope


def _year(*sources: Any) -> int:
    """?year= (or the posted year), through a bounded form field; this year when none is valid."""
    year = local_today().year
    for data in reversed(sources):
        year = chosen_year(data, year)
    return year


@login_required
def draw_list(request: HttpRequest) -> HttpResponse:
    scope = reader_scope(request)
    year = _year(request.GET)
    townships = draw_townships_visible_to(request.user).order_by("code")
    shares = [
        {"township": t, "share": draws.random_share(township=t, year=year), "may_set": scope.is_office_for(t.pk)}
        for t in townships
    ]
    rows = (
        draws_visible_to(request.user)
        .filter(year=year)
        .select_related("township", "created_by")
        .annotate(n_planned=Count("inspections"))
        .order_by("-created_at", "-pk")
    )
    this_year = local_today().year
    return render(
        request,
        "inspections/draws/draw_list.html",
        {
            "year": year,
            "years": range(this_year + 1, this_year - 5, -1),
            "shares": shares,
            "draws": rows,
            "may_draw": scope.is_office,
        },
    )


def _pool_summary(township: Township, data: QueryDict | None) -> dict[str, Any]:
    """How many enterprises the filters select, and how many of them are weighted lower (§26)."""
    form = DrawFilterForm(data, township_id=township.pk)
    filters = form.pool_filters() if data is not None and form.is_valid() else {}
    pool = draws.target_pool(township=township, **filters)
    return {"size": len(pool), "lower": sum(draws.target_weight(e) < 1 for e in pool)}


@login_required
def draw_create(request: HttpRequest) -> HttpResponse:
    township = office_township(request)
    data = request.POST if request.method == "POST" else None
    initial = {"name": _("Double-random check %(date)s") % {"date": local_today().isoformat()}}
    form = DrawForm(data, township_id=township.pk, initial=initial)
    if data is not None and "preview" not in data and form.is_valid():
        try:
            draw = draws.draw_create(
                actor=current_user(request),
                township=township,
                name=form.cleaned_data["name"],
                year=form.cleaned_data["planned_on"].year,
                seed=form.cleaned_data["seed"] or None,
                inspector_ids=form.cleaned_data["inspectors"],
                n=form.cleaned_data["n"],
                k=form.cleaned_data["k"],
                planned_on=form.cleaned_data["planned_on"],
                inspecting_unit=form.cleaned_data["inspecting_unit"],
                **form.pool_filters(),
            )
        except WorkflowError as exc:
            form.add_error(None, exc.message)
        else:
            n = len(draw.result)
            message = ngettext(
                "The draw “%(name)s” planned %(n)d inspection.", "The draw “%(name)s” planned %(n)d inspections.", n
            )
            messages.success(request, message % {"name": draw, "n": n})
            return redirect(draw)
    return render(request, "inspections/draws/draw_form.html", {"form": form, "pool": _pool_summary(township, data)})


@login_required
def draw_preview(request: HttpRequest) -> HttpResponse:
    """The pool size for the filters as chosen so far (htmx, while the form is filled in)."""
    township = office_township(request)
    return render(request, "inspections/draws/_pool_preview.html", {"pool": _pool_summary(township, request.GET)})


def _filter_labels(draw: RandomDraw) -> dict[str, Any]:
    filters = draw.target_filters
    return {
        "villages": list(Village.objects.filter(pk__in=filters.get("villages") or []).values_list("name", flat=True)),
        "sectors": list(Sector.objects.filter(pk__in=filters.get("sectors") or []).values_list("name", flat=True)),
        "high_risk": filters.get("high_risk"),
    }


def _pools(draw: RandomDraw) -> dict[str, list[Any]]:
    enterprises = Enterprise.objects.select_related("village").in_bulk(draw.target_pool)
    weights = draw.target_filters.get("weights") or [None] * len(draw.target_pool)
    inspectors = Inspector.objects.in_bulk(draw.inspector_pool)
    return {
        "targets": [(pk, enterprises.get(pk), w) for pk, w in zip(draw.target_pool, weights, strict=False)],
        "inspectors": [(pk, inspectors.get(pk)) for pk in draw.inspector_pool],
    }


@login_required
def draw_detail(request: HttpRequest, pk: int) -> HttpResponse:
    reader_scope(request)
    draw = get_draw_for_user(request.user, pk)
    previous_pk = draw.target_filters.get("previous_draw")
    return render(
        request,
        "inspections/draws/draw_detail.html",
        {
            "draw": draw,
            "rows": draws.draw_result_rows(draw),
            "replay_matches": draws.draw_replay_matches(draw),
            "filters": _filter_labels(draw),
            "pools": _pools(draw),
            "previous": draws_visible_to(request.user).filter(pk=previous_pk).first() if previous_pk else None,
            "holders": set(draw.target_filters.get("credential_holders") or []),
        },
    )


@login_required
def share_target_edit(request: HttpRequest) -> HttpResponse:
    township = office_township(request)
    year = _year(request.GET, request.POST)
    share = draws.random_share(township=township, year=year)
    form = ShareTargetForm(request.POST or None, initial={"year": year, "percent": share.target})
    if request.method == "POST" and form.is_valid():
        try:
            target = draws.share_target_set(
                actor=current_user(request),
                township=township,
                year=form.cleaned_data["year"],
                percent=form.cleaned_data["percent"],
            )
        except WorkflowError as exc:
            form.add_error(None, exc.message)
        else:
            messages.success(
                request,
                _("The target share for %(year)d is now %(percent)d%%.")
                % {"year": target.year, "percent": target.percent},
            )
            return redirect(f"{reverse('inspections:draw_list')}?year={target.year}")
    return render(request, "inspections/draws/share_target_form.html", {"form": form, "share": share, "year": year})
