"""The dashboard page (issue 6): leadership and the office see the township; a village officer their villages; a
lead unit its sectors. An enterprise contact has none (404). The figures come from dashboard.selectors."""

from __future__ import annotations

from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import render

from units.access import current_user, get_scope

from . import selectors
from .access import may_see_dashboard


@login_required
def index(request: HttpRequest) -> HttpResponse:
    user = current_user(request)
    if not may_see_dashboard(get_scope(user)):
        raise Http404
    board = selectors.dashboard_for(user)
    return render(request, "dashboard/index.html", {"board": board})
