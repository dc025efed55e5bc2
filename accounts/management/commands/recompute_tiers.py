from datetime import date

from django.core.management.base import BaseCommand, CommandError
from django.utils import timezone

from accounts.tiering import TieringBusy, tiers_recompute


class Command(BaseCommand):
    help = "Recompute every account's tier (ABC, XYZ, class, status, strategy) and store it."

    def add_arguments(self, parser):
        parser.add_argument(
            "--as-of",
            type=date.fromisoformat,
            default=None,
            help="YYYY-MM-DD; the window is the 12 whole months before this date's month",
        )

    def handle(self, *args, as_of: date | None, **options):
        as_of = as_of or timezone.localdate()
        try:
            result = tiers_recompute(as_of=as_of, progress=self.stderr.write)
        except TieringBusy:
            raise CommandError(
                "Another tiering run is in progress; nothing was done. Try again when it ends."
            ) from None
        self.stdout.write(
            self.style.SUCCESS(
                f"Tiers as of {result.as_of}: {result.accounts} accounts, "
                f"{result.changed} owners notified of a change."
            )
        )
