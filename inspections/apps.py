from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class InspectionsConfig(AppConfig):
    name = "inspections"
    verbose_name = _("Inspections")

    def ready(self) -> None:
        from hazards.responsibility import register_stuck_source

        from .stuck import stuck_problems

        register_stuck_source(stuck_problems)
