"""The monthly report pages (issue 13): the township's report — filed (已报送) or live — with its Excel sheet, filing
and correcting it (the office only), and the county's consolidated report with each township's filing.

Who sees what: the readers of the reports (dashboard.access.require_reader) see the report of their part of the
township, live. Those who see all of the township (office, leadership, administrator, the county bureau) see a filed
month as filed, with the current figures beside it when they differ. Only the township's office files (404 to
anyone else); the service (dashboard.filing) checks again.
"""

from __future__ import annotations

import datetime as dt
from typing import Any
from urllib.parse import urlencode

from django import forms
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_POST

from core.dates import local_today
from core.errors import WorkflowError
from core.spreadsheets import filler_line
from core.spreadsheets.views import xlsx_response
from hazards.access import hazards_visible_to
from inspections.access import inspections_visible_to
from units.access import current_user, get_scope, office_township
from units.models import Role, Township, User
from units.offices import filler_unit_name

from . import filing, monthly
from .access import (
    county_townships,
    may_file_monthly_report,
    may_see_filed_report,
    require_county_reader,
    user_counties,
)
from .models import FiledMonthlyReport
from .monthly_documents import (
    FILING_COLUMN,
    Document,
    document_lines,
    document_of,
    document_workbook,
    figures_equal,
    filing_line,
    header_rows,
)
from .report_views import (
    DEFINITIONS,
    MonthReportForm,
    bound_form,
    form_query,
    reader_scope,
    report_township,
    report_townships,
)
from .reports import county_filler_unit
from .snapshots import month_end_moment, month_just_ended


class MonthlyReportForm(MonthReportForm):
    """The month, and which filed version to show (the latest when not given)."""

    version = forms.IntegerField(required=False, min_value=1, max_value=999, widget=forms.HiddenInput)


class FilingForm(MonthReportForm):
    """Filing a month: the month, and the township the page showed (it must be the office's current township)."""

    township = forms.IntegerField(min_value=1, max_value=2**31 - 1, widget=forms.HiddenInput)


class CorrectionForm(FilingForm):
    reason = forms.CharField(
        label=gettext_lazy("reason for the correction"),
        max_length=filing.MAX_REASON,
        widget=forms.Textarea(attrs={"rows": 2}),
    )


def _default_month() -> dict[str, str]:
    return {"month": f"{month_just_ended():%Y-%m}"}


# -- the township's report ---------------------------------------------------------------------------------------


class MonthlyPage:
    """What the page and its workbook show for the month: the live document, the filings, the version shown."""

    def __init__(self, request: HttpRequest) -> None:
        self.user = current_user(request)
        scope = reader_scope(request)
        self.township = report_township(request)
        self.form = bound_form(MonthlyReportForm, request, _default_month())
        self.live: Document | None = None
        self.filings: list[FiledMonthlyReport] = []
        self.shown: FiledMonthlyReport | None = None
        self.may_file = may_file_monthly_report(scope, self.township.pk)
        if not self.form.is_valid():
            return
        self.month: dt.date = self.form.cleaned_data["month"]
        self.live = filing.live_document(self.user, self.township, self.month)
        if may_see_filed_report(scope, self.township.pk):
            self.filings = filing.filings_of(self.township, self.month)
        version = self.form.cleaned_data.get("version")
        if version is not None:
            self.shown = next((f for f in self.filings if f.version == version), None)
            if self.shown is None:
                raise Http404
        elif self.filings:
            self.shown = self.filings[0]

    @property
    def document(self) -> Document | None:
        return self.shown.document if self.shown is not None else self.live

    @property
    def month_ended(self) -> bool:
        return self.live is not None and month_end_moment(self.month) <= timezone.now()

    def context(self) -> dict[str, Any]:
        document, live, shown = self.document, self.live, self.shown
        differs = shown is not None and live is not None and not figures_equal(shown.document, live)
        latest = self.filings[0] if self.filings else None
        return {
            "form": self.form,
            "township": self.township,
            "querystring": form_query(self.form),
            "definitions": DEFINITIONS,
            "document": document,
            "headers": header_rows(document) if document else [],
            "lines": document_lines(document) if document else [],
            "filings": self.filings,
            "shown": shown,
            "is_latest": shown is not None and shown == latest,
            "live_differs": differs,
            "live_headers": header_rows(live) if differs and live else [],
            "live_lines": document_lines(live) if differs and live else [],
            "may_file": self.may_file and self.month_ended and not self.filings,
            "may_correct": self.may_file and differs and shown == latest,
            "future_month": self.live is not None and not self.month_ended,
            "correction_form": CorrectionForm(initial={"month": f"{self.month:%Y-%m}", "township": self.township.pk})
            if self.live is not None
            else None,
        }


@login_required
def monthly_report(request: HttpRequest) -> HttpResponse:
    context = MonthlyPage(request).context() | {"townships": report_townships(request)}
    return render(request, "dashboard/reports/monthly_report.html", context)


@login_required
def monthly_report_excel(request: HttpRequest) -> HttpResponse:
    page = MonthlyPage(request)
    if page.live is None:
        return monthly_report(request)
    if page.shown is not None:
        content = document_workbook(page.shown.document, line=filing_line(page.shown), filing=page.shown)
        name = f"隐患排查治理月报-{page.month:%Y-%m}-第{page.shown.version}版.xlsx"
        return xlsx_response(content, name)
    user: User = page.user
    line = filler_line(filler_unit_name(user, page.township), user.display_name, local_today())
    return xlsx_response(document_workbook(page.live, line=line), f"隐患排查治理月报-{page.month:%Y-%m}.xlsx")


# -- filing and correcting ---------------------------------------------------------------------------------------


def _filing_township(request: HttpRequest, form: FilingForm) -> Township:
    """The office's current township, which must be the one the page showed; 404 to anyone else."""
    township = office_township(request)
    if not may_file_monthly_report(get_scope(request.user), township.pk):
        raise Http404
    if form.is_valid() and form.cleaned_data["township"] != township.pk:
        raise Http404
    return township


def _back(township: Township, month: Any) -> HttpResponse:
    query = urlencode({"month": month, "township": township.pk})
    return redirect(f"{reverse('dashboard:monthly_report')}?{query}")


@login_required
@require_POST
def monthly_report_file(request: HttpRequest) -> HttpResponse:
    form = FilingForm(request.POST)
    township = _filing_township(request, form)
    if not form.is_valid():
        messages.error(request, _("Choose a month to file."))
        return _back(township, f"{month_just_ended():%Y-%m}")
    month = form.cleaned_data["month"]
    try:
        filed = filing.monthly_report_file(user=current_user(request), township=township, month=month)
    except WorkflowError as exc:
        messages.error(request, exc.message)
    else:
        messages.success(request, _("The report of %(month)s has been filed.") % {"month": f"{filed.month:%Y-%m}"})
    return _back(township, f"{month:%Y-%m}")


@login_required
@require_POST
def monthly_report_correct(request: HttpRequest) -> HttpResponse:
    form = CorrectionForm(request.POST)
    township = _filing_township(request, form)
    if not form.is_valid():
        messages.error(request, _("Give the month and the reason for the correction."))
        month = form.cleaned_data.get("month") or month_just_ended()
        return _back(township, f"{month:%Y-%m}")
    month = form.cleaned_data["month"]
    try:
        filed = filing.monthly_report_correct(
            user=current_user(request), township=township, month=month, reason=form.cleaned_data["reason"]
        )
    except WorkflowError as exc:
        messages.error(request, exc.message)
    else:
        messages.success(
            request,
            _("Correction %(version)d of %(month)s has been filed.")
            % {"version": filed.version, "month": f"{filed.month:%Y-%m}"},
        )
    return _back(township, f"{month:%Y-%m}")


# -- the county's monthly report: the townships' reports consolidated (issue 12) --------------------------------


def _county_monthly(request: HttpRequest) -> tuple[MonthReportForm, Document | None, Any]:
    user = current_user(request)
    scope = get_scope(user)
    require_county_reader(scope)
    form = bound_form(MonthReportForm, request, _default_month())
    if not form.is_valid():
        return form, None, None
    table = monthly.county_monthly_report(
        counties=list(user_counties(scope)),
        townships=list(county_townships(scope).values_list("pk", "name")),
        hazards=hazards_visible_to(user),
        inspections=inspections_visible_to(user),
        month=form.cleaned_data["month"],
        with_reporting=scope.has_role(Role.COUNTY),
    )
    filing.with_filed_figures(table, scope)
    columns = [*monthly.figure_columns(), FILING_COLUMN]
    document = document_of(table, filler_unit=county_filler_unit(user, table.counties), columns=columns)
    return form, document, table


@login_required
def county_monthly_report(request: HttpRequest) -> HttpResponse:
    form, document, table = _county_monthly(request)
    links = {}
    if table is not None:
        for row in table.rows:
            query = urlencode({"month": f"{table.start:%Y-%m}", "township": row.key})
            links[row.key] = f"{reverse('dashboard:monthly_report')}?{query}"
    return render(
        request,
        "dashboard/reports/county_monthly_report.html",
        {
            "form": form,
            "document": document,
            "table": table,
            "headers": header_rows(document) if document else [],
            "lines": document_lines(document, links) if document else [],
            "querystring": form_query(form),
            "definitions": DEFINITIONS,
        },
    )


@login_required
def county_monthly_report_excel(request: HttpRequest) -> HttpResponse:
    _form, document, table = _county_monthly(request)
    if document is None:
        return county_monthly_report(request)
    user = current_user(request)
    line = filler_line(document["filler_unit"], user.display_name, local_today())
    name = "、".join(county.name for county in table.counties)
    return xlsx_response(document_workbook(document, line=line), f"隐患排查治理月报-{name}-{table.start:%Y-%m}.xlsx")
