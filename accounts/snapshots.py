"""How long tier snapshots are kept. Every run stores one row per account, so a nightly run
over 100,000 accounts adds 36 million rows a year. Recent runs are kept day by day; before
that only each month's last run, which is what the history strip and the dashboard's
"since last month" read."""

from collections.abc import Mapping
from datetime import date, timedelta
from typing import Any

from django.db.models import Max, Min
from django.db.models.functions import TruncMonth

from .models import TierSnapshot
from .periods import add_months


def prune_snapshots(*, today: date, keep_days: int, dry_run: bool = False) -> list[date]:
    """Delete the runs older than `keep_days` that a later run of the same month supersedes.
    Returns the run dates deleted (or that would be)."""
    cutoff = today - timedelta(days=keep_days)
    oldest = TierSnapshot.objects.aggregate(oldest=Min("as_of"))["oldest"]
    if oldest is None or oldest >= cutoff:
        return []
    doomed = []
    month = oldest.replace(day=1)
    while month < cutoff:
        after = add_months(month, 1)
        # Probing day by day uses the as_of index; DISTINCT would read every row's entry.
        runs = [
            day
            for day in (month + timedelta(days=n) for n in range((after - month).days))
            if TierSnapshot.objects.filter(as_of=day).exists()
        ]
        doomed += [day for day in runs[:-1] if day < cutoff]
        month = after
    if doomed and not dry_run:
        TierSnapshot.objects.filter(as_of__in=doomed).delete()
    return doomed


def monthly_history(account, *, today: date, months: int = 12) -> list[Mapping[str, Any]]:
    """The account's tier at each month's last run, the last `months` months, oldest first."""
    since = add_months(today.replace(day=1), 1 - months)
    runs = TierSnapshot.objects.filter(account=account, as_of__gte=since)
    last_of_month = runs.values(month=TruncMonth("as_of")).annotate(last=Max("as_of"))
    return list(
        runs.filter(as_of__in=last_of_month.values("last"))
        .order_by("as_of")
        .values("as_of", "nine_box_class", "status", "abc", "xyz")
    )
