"""The menu group the readiness topics (training, drills, filing …) put their entries in."""

from django.utils.translation import gettext_lazy as _

from core import menu

READINESS = menu.groups.add(menu.MenuGroup("readiness", _("Readiness"), order=45))
