import datetime as dt
from typing import Any

from django.core.management.base import BaseCommand, CommandError
from django.utils import timezone

from reminders import delivery, engine


class Command(BaseCommand):
    help = (
        "Run every reminder rule once and deliver what is due (without Redis, or for operators): the workflow's "
        "open scan requests too; deliveries a dead worker left half-done are marked for the office to check."
    )

    def add_arguments(self, parser: Any) -> None:
        parser.add_argument("--at", help="Pretend it is this moment (ISO, e.g. 2026-12-01T08:00+08:00).")

    def handle(self, *args: Any, **options: Any) -> None:
        now = None
        if options["at"]:
            try:
                now = dt.datetime.fromisoformat(options["at"])
            except ValueError as exc:
                raise CommandError(f"--at {options['at']!r} is not an ISO date-time") from exc
            if timezone.is_naive(now):
                now = timezone.make_aware(now)
        unknown = delivery.mark_stale_claims()
        result = engine.run_scan_requests(now)
        result.add(engine.scan(now))
        engine.forget_done_scan_requests()
        sent = 0
        for pk in delivery.pending_ids(limit=100000):
            try:
                delivery.deliver(pk)
                sent += 1
            except Exception as exc:  # one bad address must not stop the others
                self.stderr.write(f"reminder {pk}: {exc}")
        self.stdout.write(
            f"{len(result.created)} reminders created, {result.existing} already sent, "
            f"{result.switched_off} skipped (rule off), {sent} delivered, {unknown} marked for checking"
        )
