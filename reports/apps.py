from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ReportsConfig(AppConfig):
    name = "reports"
    verbose_name = _("Public reports")

    def ready(self) -> None:
        from . import hooks, reward_hooks  # noqa: F401
