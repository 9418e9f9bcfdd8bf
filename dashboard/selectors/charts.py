"""The charts and the slow-progress tables."""

from __future__ import annotations

from collections import defaultdict
from typing import Any

from django.utils.functional import Promise
from django.utils.translation import gettext as _

from core import dates
from dashboard import stats
from hazards.models import Channel, Level

from .figures import NOT_DISMISSED, OPEN, SLOW_ROWS, Chart, Figure, Figures, SlowRow, hazards_url, is_major, sum_rows

# -- charts and slow progress ------------------------------------------------------------------------------------------


def _grouped(rows: list[dict[str, Any]], key: str) -> dict[Any, list[dict[str, Any]]]:
    groups: dict[Any, list[dict[str, Any]]] = defaultdict(list)
    for row in rows:
        groups[row[key]].append(row)
    return groups


def _bar_chart(key: str, title: str | Promise, f: Figures, column: str, names: dict[int, str], param: str) -> Chart:
    """Open hazards per village / sector / lead unit, largest first; each bar opens its filtered list. (Hazards
    without a recorded lead unit have no bar in the lead-unit chart: the list cannot select "none".)"""
    counts = [(pk, sum_rows(rows, "open")) for pk, rows in _grouped(f.breakdown, column).items() if pk is not None]
    counts.sort(key=lambda c: (-c[1], names.get(c[0], "")))
    categories = [names.get(pk, f"#{pk}") for pk, _n in counts]
    data = [{"value": n, "url": hazards_url((param, pk), OPEN), "pk": pk} for pk, n in counts]
    return Chart(key, title, "bar", categories, [{"name": str(_("open hazards")), "data": data}])


def _channel_chart(f: Figures) -> Chart:
    groups = _grouped(f.breakdown, "channel")
    data = [
        {"value": sum_rows(groups.get(value, []), "open"), "url": hazards_url(("channel", value), OPEN), "pk": value}
        for value, _label in Channel.choices
    ]
    categories = [str(label) for _value, label in Channel.choices]
    return Chart(
        "channel",
        _("Open hazards by source channel"),
        "bar",
        categories,
        [{"name": str(_("open hazards")), "data": data}],
    )


def _trend_chart(f: Figures) -> Chart:
    found, closed = [], []
    categories = []
    for first in dates.month_starts(f.today, stats.TREND_MONTHS):
        last = dates.month_end(first)
        categories.append(_("%(year)d/%(month)d") % {"year": first.year, "month": first.month})
        month = [("found_from", first.isoformat()), ("found_to", last.isoformat())]
        found.append(
            {"value": f.found_months.get(first, {}).get("found", 0), "url": hazards_url(*month, NOT_DISMISSED)}
        )
        closed_url = hazards_url(("closed_from", first.isoformat()), ("closed_to", last.isoformat()))
        closed.append({"value": f.closed_months.get(first, 0), "url": closed_url})
    series = [{"name": str(_("found")), "data": found}, {"name": str(_("closed (销号)")), "data": closed}]
    return Chart("trend", _("Found and closed per month (last 12 months)"), "trend", categories, series)


def build_charts(f: Figures) -> list[Chart]:
    n = f.names
    return [
        _bar_chart("village", _("Open hazards by village"), f, "village_id", n.villages, "village"),
        _bar_chart("lead_unit", _("Open hazards by lead unit"), f, "lead_unit_id", n.units, "lead_unit"),
        _bar_chart("sector", _("Open hazards by sector"), f, "sector_id", n.sectors, "sector"),
        _channel_chart(f),
        _trend_chart(f),
    ]  # fmt: skip


def slow_rows(f: Figures, column: str, names: dict[int, str], param: str) -> list[SlowRow]:
    """§18 slow progress: ranked by overdue major hazards, then by the age of the oldest open major hazard."""
    result = []
    for pk, rows in _grouped([r for r in f.breakdown if is_major(r)], column).items():
        if pk is None:
            continue
        oldest = min(r["oldest_found"] for r in rows)
        overdue_url = hazards_url((param, pk), ("level", Level.MAJOR), ("overdue", "true"))
        open_url = hazards_url((param, pk), ("level", Level.MAJOR), OPEN, ("sort", "found"))
        result.append(
            SlowRow(
                pk=pk,
                name=names.get(pk, f"#{pk}"),
                overdue_major=Figure(
                    "overdue_major", _("overdue major hazards"), sum_rows(rows, "overdue"), overdue_url
                ),
                open_major=Figure("open_major", _("open major hazards"), sum_rows(rows, "open"), open_url),
                oldest_found=oldest,
                age_days=(f.today - oldest).days,
            )
        )
    result.sort(key=lambda r: (-int(r.overdue_major.value or 0), -(r.age_days or 0), r.name))
    return result[:SLOW_ROWS]
