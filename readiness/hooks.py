"""What readiness adds to the lower layers: menu entries, panels and the work queue. Loaded by ReadinessConfig.ready."""

from django.utils.translation import gettext_lazy as _

from core import menu

# Order 40 is the dashboard's statistics group: the next free one. Registered once here, before the topics' hooks
# (training, drills, filing) add their entries to it.
READINESS = menu.groups.add(menu.MenuGroup("readiness", _("Readiness"), order=45))

from . import filing_hooks, training_hooks  # noqa: E402, F401
from .drills import hooks as drills_hooks  # noqa: E402, F401
