"""What readiness adds to the lower layers: menu entries, panels and the work queue. Loaded by ReadinessConfig.ready."""

from django.utils.translation import gettext_lazy as _

from core import menu

# Order 40 is the dashboard's statistics group: the next free one.
READINESS = menu.groups.add(menu.MenuGroup("readiness", _("Readiness"), order=45))

# -- work plans and monthly reports (filing) --
from . import filing_hooks  # noqa: E402, F401
