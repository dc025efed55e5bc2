from datetime import date

from django.conf import settings
from django.core.management.base import BaseCommand
from django.utils import timezone

from accounts.snapshots import prune_snapshots


class Command(BaseCommand):
    help = (
        "Delete tier snapshots older than KAMCRM_DAILY_SNAPSHOT_DAYS that a later run of the "
        "same month supersedes (the nightly tiering task does this after each run)."
    )

    def add_arguments(self, parser):
        parser.add_argument("--today", type=date.fromisoformat, help="YYYY-MM-DD")
        parser.add_argument("--keep-days", type=int, default=settings.KAMCRM_DAILY_SNAPSHOT_DAYS)
        parser.add_argument("--dry-run", action="store_true", help="only list the runs")

    def handle(self, *args, today, keep_days, dry_run, **options):
        runs = prune_snapshots(
            today=today or timezone.localdate(), keep_days=keep_days, dry_run=dry_run
        )
        verb = "would delete" if dry_run else "deleted"
        self.stdout.write(f"{verb} the snapshots of {len(runs)} runs")
        for run in runs:
            self.stdout.write(f"  {run.isoformat()}")
