"""The public's pages (/report/): file a report, follow it with the tracking code. No account, no staff menu.

Nothing about the client is kept: no address, no user agent, no cookie. The forms carry no CSRF token: with
`Referrer-Policy: no-referrer` a browser posts them with `Origin: null`, which Django's CSRF check refuses, and there
is no session or account here for a forged request to act with (a forged report is what anyone may send anyway; the
per-client limit and the honeypot hold either way). The pages tell the
browser to keep nothing (Cache-Control: no-store) and to send no Referer onwards. The tracking code travels in a
POST body only, never in a URL (which access logs and browser histories would keep).
"""

from __future__ import annotations

from collections.abc import Callable
from functools import wraps
from typing import Any

from django import forms
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils.translation import gettext as _
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_http_methods

from units.models import Village

from . import codes, limits, services
from .forms import PublicReportForm, TrackForm
from .models import Report


def public_page(view: Callable[..., HttpResponse]) -> Callable[..., HttpResponse]:
    @wraps(view)
    def wrapped(request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        response = view(request, *args, **kwargs)
        response["Cache-Control"] = "no-store"
        response["Referrer-Policy"] = "no-referrer"
        return response

    return wrapped


@csrf_exempt
@public_page
@require_http_methods(["GET", "POST"])
def report_form(request: HttpRequest) -> HttpResponse:
    form = PublicReportForm(request.POST or None, request.FILES or None, initial=_village_initial(request))
    if request.method == "POST":
        if limits.over_limit(request, "submit", limits.SUBMIT_LIMIT):
            form.add_error(None, _("Too many reports from this connection. Please try again in an hour."))
        elif form.is_valid():
            if form.is_bot:
                # A honeypot filled in: answer like a success, keep nothing.
                return render(request, "reports/public/submitted.html", {"code": codes.grouped(codes.new_code())})
            _report, code = services.submit_web_report(
                township=form.cleaned_data["township"],
                fields=form.report_fields(),
                identity=form.identity(),
                photos=form.cleaned_data["photos"],
            )
            return render(request, "reports/public/submitted.html", {"code": codes.grouped(code)})
    return render(request, "reports/public/report_form.html", {"form": form})


class _VillageParam(forms.Form):
    village = forms.ModelChoiceField(queryset=Village.objects.filter(is_active=True), required=False)


def _village_initial(request: HttpRequest) -> dict[str, Any]:
    """A poster's QR code links to /report/?village=<id>: the form starts in that village."""
    param = _VillageParam(request.GET)
    village = param.cleaned_data.get("village") if param.is_valid() else None
    return {"village": village, "township": village.township_id} if village else {}


@csrf_exempt
@public_page
@require_http_methods(["GET", "POST"])
def track(request: HttpRequest) -> HttpResponse:
    """Status, outcome and reply for a code. A wrong code and an unknown one get the same answer."""
    form = TrackForm(request.POST or None)
    report: Report | None = None
    not_found = False
    if request.method == "POST":
        if limits.over_limit(request, "track", limits.TRACK_LIMIT):
            form.add_error(None, _("Too many tries from this connection. Please wait ten minutes and try again."))
        elif form.is_valid():
            digest = codes.code_hash(form.cleaned_data["code"])
            report = Report.objects.filter(tracking_code_hash=digest).select_related("hazard").first()
            not_found = report is None
    return track_answer(request, form, report, not_found=not_found)


def track_answer(request: HttpRequest, form: TrackForm, report: Report | None, *, not_found: bool) -> HttpResponse:
    """The tracking page: the report found by a code (or the one answer for a wrong or unknown code)."""
    context = {
        "form": form,
        "report": report,
        "not_found": not_found,
        "photo_count": report.photos.count() if report else 0,
    }
    return render(request, "reports/public/track.html", context)
