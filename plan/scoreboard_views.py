"""The scoreboard's pages (/plan/scoreboard/): the board of a quarter, its Excel export, the office's weights.
Thin: the figures are plan.scoreboard's, every write a plan.scoreboard_services call."""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _

from core.dates import local_today, quarter_label, quarter_of
from core.errors import WorkflowError
from core.spreadsheets.views import xlsx_response
from units.access import current_township_id, current_user, get_scope, office_township
from units.models import Township

from . import access, scoreboard_services
from .models import ScoreWeights
from .scoreboard import DEFAULT_WEIGHTS, INDICATORS, NORMALISATION, Board, Row, visible_rows
from .scoreboard_exports import scoreboard_workbook
from .scoreboard_forms import BoardForm, WeightsForm

T = "plan/scoreboard/"


def _towns(request: HttpRequest) -> Any:
    """Those who read whole townships choose among them; a village or unit sees its current township's board."""
    scope = get_scope(current_user(request))
    if scope.all_townships:
        return Township.objects.filter(pk__in=scope.all_townships).order_by("code")
    return Township.objects.filter(pk=current_township_id(request) or 0)


def _board(request: HttpRequest) -> tuple[BoardForm, Township, Board, list[Row], list[Row]]:
    user = current_user(request)
    scope = get_scope(user)
    if not access.may_open_board(scope):
        raise Http404
    towns = _towns(request)
    form = BoardForm(request.GET or None, towns=towns)
    data = form.cleaned_data if form.is_bound and form.is_valid() else {}
    today = local_today()
    year, quarter = (data["year"], data["quarter"]) if data else quarter_of(today)
    township = data.get("township") or towns.filter(pk=current_township_id(request)).first() or towns.first()
    if township is None:
        raise Http404
    board = scoreboard_services.board_for(township.pk, year, quarter, today)

    def own(rows: list[Row]) -> list[Row]:
        return visible_rows(
            rows, all_rows=scope.sees_all_of(township.pk), village_ids=scope.village_ids, unit_ids=scope.unit_ids
        )

    return form, township, board, own(board.villages), own(board.units)


@login_required
def board(request: HttpRequest) -> HttpResponse:
    form, township, board, villages, units = _board(request)
    scope = get_scope(current_user(request))
    areas = access.link_areas(scope)
    weights = board.weights
    total = sum(weights.values()) or 1
    indicators = [
        {"indicator": i, "weight": weights.get(i.key, 0), "share": round(100 * weights.get(i.key, 0) / total, 1)}
        for i in INDICATORS
    ]
    initial = {"year": board.year, "quarter": board.quarter, "township": township}
    context = {
        "form": form if form.is_bound else BoardForm(initial=initial, towns=_towns(request)),
        "township": township,
        "board": board,
        "label": quarter_label(board.year, board.quarter),
        "indicators": indicators,
        "normalisation": NORMALISATION,
        "sections": [
            ("villages", _("Villages"), villages, len(board.villages)),
            ("units", _("Units"), units, len(board.units)),
        ],
        "areas": areas,
        "all_rows": scope.sees_all_of(township.pk),
        "may_set_weights": scoreboard_services.may_set_weights(current_user(request), township.pk),
        "querystring": request.GET.urlencode(),
    }
    return render(request, T + "board.html", context)


@login_required
def export(request: HttpRequest) -> HttpResponse:
    _form, township, board, villages, units = _board(request)
    content = scoreboard_workbook(board, villages, units, township=township, filler=current_user(request))
    return xlsx_response(content, f"赛马比拼-{township.name}-{board.year}Q{board.quarter}.xlsx")


def default_weight(key: str) -> int:
    return DEFAULT_WEIGHTS[key]


def weight_changes(township: Township, limit: int = 50) -> list[dict[str, Any]]:
    """Who changed the weights when, each indicator old → new (simple_history, newest first); the first setting
    is compared with the defaults."""
    records = list(
        ScoreWeights.history.filter(township_id=township.pk)
        .select_related("history_user")
        .order_by("-history_date", "-history_id")[: limit + 1]
    )
    changes = []
    for index, record in enumerate(records[:limit]):
        older = records[index + 1] if index + 1 < len(records) else None
        lines = []
        for i in INDICATORS:
            old = getattr(older, i.key) if older else default_weight(i.key)
            new = getattr(record, i.key)
            if old != new:
                lines.append({"label": i.label, "old": old, "new": new})
        if lines:
            changes.append({"at": record.history_date, "by": record.history_user, "lines": lines})
    return changes


@login_required
def weights(request: HttpRequest) -> HttpResponse:
    """The office sets the weights of its township; the changes so far are listed under the form."""
    township = office_township(request)
    user = current_user(request)
    current = ScoreWeights.objects.filter(township=township).first()
    initial = {i.key: (getattr(current, i.key) if current else default_weight(i.key)) for i in INDICATORS}
    form = WeightsForm(request.POST or None, initial=initial)
    if request.method == "POST" and form.is_valid():
        try:
            scoreboard_services.weights_update(township=township, actor=user, weights=form.cleaned_data)
        except WorkflowError as exc:
            form.add_error(None, exc.message)
        else:
            messages.success(request, _("The scoreboard's weights were saved."))
            return redirect("plan:scoreboard_weights")
    context = {"form": form, "township": township, "changes": weight_changes(township)}
    return render(request, T + "weights.html", context)
