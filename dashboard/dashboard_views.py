"""The dashboard pages (issue 6): leadership and the office see the township; a village officer their villages; a
lead unit its sectors. An enterprise contact has none (404). The county's users have the county page: its townships
side by side (issue 12); to anyone else it does not exist. The figures come from dashboard.selectors."""

from __future__ import annotations

from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import render

from units.access import current_user, get_scope

from . import selectors, stats
from .access import may_see_dashboard, require_county_reader
from .selectors.county import county_board_for


@login_required
def index(request: HttpRequest) -> HttpResponse:
    user = current_user(request)
    if not may_see_dashboard(get_scope(user)):
        raise Http404
    board = selectors.dashboard_for(user)
    return render(request, "dashboard/index.html", {"board": board})


@login_required
def county(request: HttpRequest) -> HttpResponse:
    user = current_user(request)
    require_county_reader(get_scope(user))
    context = {
        "board": county_board_for(user),
        # Each rate's definition goes with it (issue 9.5).
        "definitions": [stats.RECTIFICATION_RATE_DEFINITION, stats.ON_TIME_RATE_DEFINITION],
    }
    return render(request, "dashboard/county.html", context)
