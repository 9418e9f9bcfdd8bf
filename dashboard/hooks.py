"""What the dashboard adds to the menu (core.menu). Loaded by DashboardConfig.ready."""

from __future__ import annotations

from django.utils.translation import gettext_lazy as _

from core import menu
from units.navigation import COUNTY, FIELD, seen_by

DASHBOARD = menu.groups.add(menu.MenuGroup("dashboard", _("Dashboard"), order=10))
STATISTICS = menu.groups.add(menu.MenuGroup("statistics", _("Statistics"), order=40))

# The county bureau and the county departments (issue 12): the county's pages, and the townships' reports.
menu.entries.add(menu.MenuEntry(DASHBOARD.key, _("Dashboard"), "dashboard:index", seen_by(*FIELD), order=0))
menu.entries.add(menu.MenuEntry(DASHBOARD.key, _("County dashboard"), "dashboard:county", seen_by(*COUNTY), order=1))
menu.entries.add(
    menu.MenuEntry(
        STATISTICS.key, _("County monthly report"), "dashboard:county_monthly_report", seen_by(*COUNTY), order=0
    )
)
for order, (label, url_name) in enumerate(
    (
        (_("Monthly report"), "dashboard:monthly_report"),
        (_("Statistics tables"), "dashboard:statistics"),
        (_("Month-end trend"), "dashboard:trend"),
        (_("Accidents"), "dashboard:accidents"),
    ),
    start=1,
):
    menu.entries.add(menu.MenuEntry(STATISTICS.key, label, url_name, seen_by(*FIELD, *COUNTY), order=order))
