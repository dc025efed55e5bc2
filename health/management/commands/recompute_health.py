from datetime import date

from django.core.management.base import BaseCommand
from django.utils import timezone

from health.scoring import health_recompute


class Command(BaseCommand):
    help = "Score every account's health as of a day (after that day's tiering) and store it."

    def add_arguments(self, parser):
        parser.add_argument("--as-of", type=date.fromisoformat, default=None, help="YYYY-MM-DD")

    def handle(self, *args, as_of: date | None, **options):
        result = health_recompute(as_of=as_of or timezone.localdate())
        self.stdout.write(
            self.style.SUCCESS(
                f"Health as of {result.as_of}: {result.accounts} accounts, "
                f"{result.dropped} dropped a band."
            )
        )
