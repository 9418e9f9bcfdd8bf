from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class CoreConfig(AppConfig):
    """The lowest layer: deployment basics every app may use; it imports none of them."""

    name = "core"
    verbose_name = _("System")
