"""The default reward tiers for every township that has none (idempotent; the office edits them afterwards)."""

from django.core.management.base import BaseCommand

from reports.rewards import ensure_default_tiers
from units.models import Township


class Command(BaseCommand):
    help = "Create the default reward tiers (一般事故隐患, 重大事故隐患) for townships without any."

    def handle(self, *args: object, **options: object) -> None:
        created = sum(ensure_default_tiers(township) for township in Township.objects.order_by("pk"))
        self.stdout.write(f"reward tiers created: {created}")
