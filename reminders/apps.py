from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class RemindersConfig(AppConfig):
    name = "reminders"
    verbose_name = _("Reminders")

    def ready(self) -> None:
        # The rules register themselves with the engine when their modules are imported.
        from . import hooks, rules  # noqa: F401
