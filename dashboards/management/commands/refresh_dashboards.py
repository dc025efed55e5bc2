from django.core.management.base import BaseCommand
from django.utils import timezone

from dashboards.store import refresh_stale


class Command(BaseCommand):
    help = "Recompute every KAM's stale dashboard figures for today (the nightly job's work)."

    def handle(self, *args, **options):
        count = refresh_stale(timezone.localdate())
        self.stdout.write(f"recomputed the figures of {count} KAMs")
