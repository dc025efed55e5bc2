from datetime import date

from django.core.management.base import BaseCommand, CommandError
from django.db.models import Max

from accounts.models import TierSnapshot
from kamcrm import csv_export

COLUMNS = [
    "as_of",
    "external_id",
    "revenue_12m",
    "abc",
    "xyz",
    "contribution_level",
    "potential_level",
    "nine_box_class",
    "strategy",
    "status",
]


class Command(BaseCommand):
    help = (
        "Write a tiering run as CSV to standard output, one row per account: the latest, "
        "or the last one on or before --as-of (backfilled history too)."
    )

    def add_arguments(self, parser):
        parser.add_argument(
            "--as-of", type=date.fromisoformat, help="YYYY-MM-DD: the run in force that day."
        )

    def handle(self, *args, as_of: date | None = None, **options):
        runs = TierSnapshot.objects.all()
        if as_of:
            runs = runs.filter(as_of__lte=as_of)
        run = runs.aggregate(latest=Max("as_of"))["latest"]
        if run is None:
            raise CommandError(
                f"No tiering run on or before {as_of}."
                if as_of
                else "No tiering run yet: run recompute_tiers first."
            )
        writer = csv_export.writer(self.stdout, lineterminator="\n")
        writer.writerow(COLUMNS)
        rows = (
            TierSnapshot.objects.filter(as_of=run)
            .order_by("account__external_id", "account_id")
            .values_list("as_of", "account__external_id", *COLUMNS[2:])
        )
        for row in rows.iterator(chunk_size=5000):
            writer.writerow(row)
