"""The dashboard's reads (issue 6): where the plan stands, the tiles, the charts and the slow-progress tables.

Every hazard figure is computed on hazards_visible_to(user) with the definitions of dashboard.stats, so a village
officer's dashboard counts its villages only; every figure carries the URL of the list that shows the same rows.
The number of queries is fixed: a handful of grouped queries, each answered from one index, summed in Python.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.utils.translation import gettext as _

from core.dates import local_today
from dashboard import phases
from units.access import Scope, get_scope

from .charts import build_charts, slow_rows
from .figures import Dashboard, Names, fetch_figures
from .goals import build_goals
from .tiles import hazard_tiles, work_tiles


def _scope_label(scope: Scope, names: Names) -> str:
    if scope.all_townships:
        return _("the whole township")
    parts = [names.villages.get(pk, "") for pk in sorted(scope.village_ids)]
    parts += [names.units.get(pk, "") for pk in sorted(scope.unit_ids)]
    return "、".join(p for p in parts if p)


def dashboard_for(user: Any, today: dt.date | None = None) -> Dashboard:
    today = today or local_today()
    f = fetch_figures(user, today)
    scope = get_scope(user)
    return Dashboard(
        today=today,
        scope_label=_scope_label(scope, f.names),
        phase=phases.current_phase(today),
        phases=phases.PHASES,
        goals=build_goals(f),
        tiles=[*hazard_tiles(f), *work_tiles(f)],
        charts=build_charts(f),
        slow_villages=slow_rows(f, "village_id", f.names.villages, "village"),
        slow_units=slow_rows(f, "lead_unit_id", f.names.units, "lead_unit"),
    )
