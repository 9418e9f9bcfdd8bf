"""The report pages: the statistics tables by village or sector and the month-end trend from the stored snapshots
(the monthly report: dashboard.monthly_views, with the helpers here). Figures go through hazards_visible_to /
inspections_visible_to (scope): the office and leadership get their township; a village officer its villages;
department staff their sectors. Enterprise contacts get 404."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Sequence
from typing import Any
from urllib.parse import urlencode

from django import forms
from django.contrib.auth.decorators import login_required
from django.db.models import Q
from django.http import HttpRequest, HttpResponse, QueryDict
from django.shortcuts import render
from django.utils.translation import gettext_lazy as _

from core.dates import local_today
from core.spreadsheets import Column
from core.spreadsheets.views import xlsx_response
from hazards.access import hazards_visible_to
from units.access import Scope, current_township, current_user, get_scope, townships_visible_to
from units.forms import DateInput, StyledFormMixin, chosen_township
from units.models import Township

from . import reports, stats
from .access import (
    may_see_township_totals,
    report_sectors,
    report_villages,
    require_reader,
    trend_dimensions,
)
from .models import (
    FILED_FORM_FIGURES,
    FILED_FORM_FROM,
    ON_TIME_NEW_DEFINITION_FROM,
    SNAPSHOT_FIGURES,
    Dimension,
    MonthlySnapshot,
)

# Each rate's definition, shown beside it (issue 9.5).
DEFINITIONS = {
    "rectification_rate": stats.RECTIFICATION_RATE_DEFINITION,
    "on_time_rate": stats.ON_TIME_RATE_DEFINITION,
    "old_on_time_rate": stats.OLD_ON_TIME_RATE_DEFINITION,
}


class MonthInput(forms.DateInput):
    input_type = "month"

    def __init__(self) -> None:
        super().__init__(format="%Y-%m")


class MonthReportForm(StyledFormMixin, forms.Form):
    month = forms.DateField(label=_("month"), input_formats=["%Y-%m"], widget=MonthInput())


class StatisticsForm(StyledFormMixin, forms.Form):
    start = forms.DateField(label=_("found from"), widget=DateInput())
    end = forms.DateField(label=_("found until"), widget=DateInput())
    by = forms.ChoiceField(label=_("breakdown"), choices=[("village", _("village")), ("sector", _("sector"))])

    def clean(self) -> dict[str, Any]:
        data: dict[str, Any] = super().clean() or {}
        if data.get("start") and data.get("end") and data["start"] > data["end"]:
            raise forms.ValidationError(_("The start date lies after the end date."))
        return data


class TrendForm(StyledFormMixin, forms.Form):
    """The trend's choices; anything not offered falls back to the default (the page always shows something)."""

    year = forms.IntegerField(required=False, min_value=2000, max_value=2100)
    by = forms.CharField(required=False, max_length=20)
    figure = forms.ChoiceField(required=False, choices=[(f, f) for f in SNAPSHOT_FIGURES])


# -- helpers -----------------------------------------------------------------------------------------------------


def reader_scope(request: HttpRequest) -> Scope:
    scope = get_scope(request.user)
    require_reader(scope)
    return scope


def report_township(request: HttpRequest) -> Township:
    """The township the report is about: ?township= among the user's, else the current township."""
    return chosen_township(request.GET, townships_visible_to(request.user)) or current_township(request)


def report_townships(request: HttpRequest) -> list[Township]:
    """The user's townships, when there are several to choose from."""
    towns = list(townships_visible_to(request.user).order_by("code"))
    return towns if len(towns) > 1 else []


def bound_form(form_class: Any, request: HttpRequest, initial: dict[str, Any]) -> Any:
    """The form with the query string when given, else with the defaults (always valid then)."""
    data = request.GET.copy()
    for key, value in initial.items():
        if not data.get(key):
            data[key] = value
    return form_class(data)


def form_query(form: forms.Form) -> str:
    """The form's effective parameters (defaults filled in), for the Excel link of the same table."""
    data = form.data
    return data.urlencode() if isinstance(data, QueryDict) else urlencode(dict(data))


def _lines(
    table: reports.AnyTable | None, columns: Sequence[Column], link: Callable[[Any], str] | None = None
) -> list[dict[str, Any]]:
    """The table's rows for the template: each cell with its value and whether it is a rate (shown with %); each
    row's label links where `link` says (the county's form: to the township's own report)."""
    if table is None:
        return []
    keys = [column.key for column in columns]
    return [
        {
            "key": row.key,
            "label": row.label,
            "url": link(row.key) if link and row.key is not None else "",
            "is_total": row.key is None,
            "cells": [
                {"value": row.values[k], "is_rate": k.endswith("rate"), "is_money": k == "funds_spent"} for k in keys
            ],
        }
        for row in [*table.rows, table.total]
    ]


# -- the statistics tables ---------------------------------------------------------------------------------------


def _statistics(request: HttpRequest) -> tuple[StatisticsForm, reports.ReportTable | None, Township]:
    scope = reader_scope(request)
    township = report_township(request)
    today = local_today()
    form = bound_form(
        StatisticsForm, request, {"start": f"{today.replace(month=1, day=1)}", "end": f"{today}", "by": "village"}
    )
    table = None
    if form.is_valid():
        by = form.cleaned_data["by"]
        table = reports.statistics_table(
            township=township,
            hazards=hazards_visible_to(request.user),
            start=form.cleaned_data["start"],
            end=form.cleaned_data["end"],
            by=by,
            groups=report_villages(scope, township) if by == "village" else report_sectors(scope, township),
        )
    return form, table, township


@login_required
def statistics(request: HttpRequest) -> HttpResponse:
    form, table, township = _statistics(request)
    return render(
        request,
        "dashboard/reports/statistics.html",
        {
            "form": form,
            "table": table,
            "lines": _lines(table, reports.STATISTICS_COLUMNS),
            "township": township,
            "querystring": form_query(form),
            "townships": report_townships(request),
            "definitions": DEFINITIONS,
        },
    )


@login_required
def statistics_excel(request: HttpRequest) -> HttpResponse:
    form, table, _town = _statistics(request)
    if table is None:
        return statistics(request)
    content = reports.statistics_workbook(table, filler=current_user(request))
    by = "按村" if form.cleaned_data["by"] == "village" else "按行业"
    return xlsx_response(content, f"隐患统计表-{by}-{table.start:%Y%m%d}-{table.end:%Y%m%d}.xlsx")


# -- the trend from the month-end snapshots ----------------------------------------------------------------------

TREND_MONTHS = 12
FIGURE_LABELS = {
    "found_in_month": _("found in the month"),
    "closed_in_month": _("closed in the month"),
    "found": _("found (to date)"),
    "found_major": _("major found (to date)"),
    "rectified": _("rectified"),
    "closed": _("closed"),
    "closed_on_time": _("closed on time (old definition)"),
    "rectified_on_time": _("rectified by the deadline"),
    "open": _("open"),
    "open_major": _("open major"),
    "overdue": _("overdue"),
    "overdue_major": _("overdue major"),
    "stock_open_major": _("open major stock"),
    "listed": _("listed"),
    "listed_county_plus": _("listed county+"),
    "five_target": _("major hazards with target and task (目标任务)"),
    "five_funds": _("major hazards with funds and materials (经费物资)"),
    "five_staff": _("major hazards with organisation and staff (机构人员)"),
    "five_time": _("major hazards with time requirement (时间要求)"),
    "five_safety": _("major hazards with safety measures and contingency plan (安全措施应急预案)"),
    "listed_province": _("listed at province level"),
    "rectified_province": _("listed at province level, rectified"),
    "listed_city": _("listed at city level"),
    "rectified_city": _("listed at city level, rectified"),
    "listed_county": _("listed at county level"),
    "rectified_county": _("listed at county level, rectified"),
    "funds_spent": _("funds actually spent (yuan)"),
}


def _trend_months(township: Township, year: int | None) -> list[dt.date]:
    stored = MonthlySnapshot.objects.filter(township=township, dimension=Dimension.TOTAL)
    if year is not None:
        return list(stored.filter(month__year=year).order_by("month").values_list("month", flat=True))
    latest = list(stored.order_by("-month").values_list("month", flat=True)[:TREND_MONTHS])
    return latest[::-1]


def _pivot(township: Township, months: list[dt.date], dimension: str, rows_q: Q, figure: str) -> list[dict[str, Any]]:
    """One line per group, one cell per month: the figure as recorded at that month's end."""
    snaps = MonthlySnapshot.objects.filter(township=township, dimension=dimension, month__in=months).filter(rows_q)
    lines: dict[str, dict[str, Any]] = {}
    for snap in snaps.order_by("label", "key"):
        line = lines.setdefault(snap.key, {"label": snap.label, "cells": dict.fromkeys(months)})
        line["cells"][snap.month] = getattr(snap, figure)
    return [{"label": line["label"], "cells": [line["cells"][m] for m in months]} for line in lines.values()]


@login_required
def trend(request: HttpRequest) -> HttpResponse:
    scope = reader_scope(request)
    township = report_township(request)
    dimensions = trend_dimensions(scope, township)
    form = TrendForm(request.GET)
    form.is_valid()
    # Each choice on its own: the valid ones are kept (a bad year keeps the chosen figure, and the reverse).
    chosen = form.cleaned_data
    by = chosen.get("by") or ""
    by = by if by in dimensions else next(iter(dimensions), "")
    figure = chosen.get("figure") or "open"
    year = chosen.get("year")
    months = _trend_months(township, year)
    totals = []
    if may_see_township_totals(scope, township):
        totals = list(
            MonthlySnapshot.objects.filter(township=township, dimension=Dimension.TOTAL, month__in=months).order_by(
                "month"
            )
        )
    years = MonthlySnapshot.objects.filter(township=township, dimension=Dimension.TOTAL).dates("month", "year")
    context = {
        "township": township,
        "months": months,
        "totals": totals,
        "by": by,
        "dimensions": [(d, Dimension(d).label) for d in dimensions],
        "figure": figure,
        "figures": [(f, FIGURE_LABELS[f]) for f in SNAPSHOT_FIGURES],
        "figure_label": FIGURE_LABELS[figure],
        "pivot": _pivot(township, months, by, dimensions[by], figure) if by else [],
        "year": "" if year is None else str(year),
        "years": [d.year for d in years],
        "definitions": DEFINITIONS,
        "new_definition_from": ON_TIME_NEW_DEFINITION_FROM,
        # The columns of the filed monthly report: recorded from FILED_FORM_FROM on, earlier months in the old form.
        "in_filed_form": figure in (*FILED_FORM_FIGURES, "funds_spent"),
        "filed_form_from": FILED_FORM_FROM,
    }
    return render(request, "dashboard/reports/trend.html", context)
