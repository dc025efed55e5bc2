from django.core.management.base import BaseCommand, CommandError
from django.db.models import Max

from accounts.models import TierSnapshot
from kamcrm import csv_export

COLUMNS = [
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
    help = "Write the latest tiering run as CSV to standard output, one row per account."

    def handle(self, *args, **options):
        latest = TierSnapshot.objects.aggregate(latest=Max("as_of"))["latest"]
        if latest is None:
            raise CommandError("No tiering run yet: run recompute_tiers first.")
        writer = csv_export.writer(self.stdout, lineterminator="\n")
        writer.writerow(COLUMNS)
        rows = (
            TierSnapshot.objects.filter(as_of=latest)
            .order_by("account__external_id", "account_id")
            .values_list("account__external_id", *COLUMNS[1:])
        )
        for row in rows.iterator(chunk_size=5000):
            writer.writerow(row)
