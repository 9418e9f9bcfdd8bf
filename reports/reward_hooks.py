"""What rewards and posters add to the pages and the menu: the reward panels of the report page and the tracking
page (core.panels), and the menu entries. Loaded by ReportsConfig.ready, after reports.hooks (its menu group)."""

from __future__ import annotations

from django.utils.translation import gettext_lazy as _

from core import menu, panels
from units.navigation import by_scope

from . import reward_views
from .access import may_see_reports
from .hooks import REPORTS

menu.entries.add(
    menu.MenuEntry(REPORTS.key, _("Report rewards"), "reports:rewards", by_scope(may_see_reports), order=20)
)
menu.entries.add(
    menu.MenuEntry(REPORTS.key, _("Report posters"), "reports:posters", by_scope(lambda s: s.is_office), order=30)
)

panels.panels.add(
    panels.Panel("reports.detail", "reward", "reports/rewards/_detail_panel.html", reward_views.detail_panel, 10)
)
panels.panels.add(
    panels.Panel("reports.track", "reward", "reports/rewards/_track_panel.html", reward_views.track_panel, 10)
)
