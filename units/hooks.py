"""What the organisation adds to the menu (core.menu): its master data, the Django admin, and an enterprise
contact's own enterprise. Loaded by UnitsConfig.ready."""

from __future__ import annotations

from typing import Any

from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from core import menu

from .access import get_scope
from .models import Role
from .navigation import COUNTY, FIELD, OFFICE, READERS, seen_by

ORGANISATION = menu.groups.add(menu.MenuGroup("organisation", _("Organisation"), order=50))
ADMINISTRATION = menu.groups.add(menu.MenuGroup("administration", _("Administration"), order=60))

for order, (label, url_name, roles) in enumerate(
    (
        (_("Enterprises"), "units:enterprise_list", (*FIELD, *COUNTY)),
        (_("Villages"), "units:village_list", (*READERS, Role.COUNTY)),
        (_("Units"), "units:unit_list", (*READERS, Role.COUNTY)),
        (_("Sectors"), "units:sector_list", (*READERS, Role.COUNTY)),
        (_("Supervision groups"), "units:group_list", (*READERS, Role.COUNTY)),
        (_("Import enterprises"), "units:enterprise_import", OFFICE),
        (_("Township settings"), "units:township_settings", OFFICE),
        (_("People and roles"), "units:people", OFFICE),
    )
):
    menu.entries.add(menu.MenuEntry(ORGANISATION.key, label, url_name, seen_by(*roles), order=order))
menu.entries.add(menu.MenuEntry(ADMINISTRATION.key, _("Administration"), "admin:index", seen_by(Role.ADMIN), order=90))


def _own_enterprises(user: Any) -> list[menu.MenuLink]:
    """An enterprise contact goes straight to their own enterprise(s)."""
    scope = get_scope(user)
    if not scope.has_role(Role.ENTERPRISE):
        return []
    return [
        menu.MenuLink(_("My enterprise"), reverse("units:enterprise_detail", args=[pk]))
        for pk in sorted(scope.enterprise_ids)
    ]


menu.shortcuts.add(menu.Shortcut("units.own_enterprises", order=0, links=_own_enterprises))
