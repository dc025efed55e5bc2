"""Stored tier runs: how long they are kept, and what is read from them (an account's
history, a run's movements and the digest of them each owner gets). Every run stores one
row per account, so a nightly run over 100,000 accounts adds 36 million rows a year.
Recent runs are kept day by day; before that only each month's last run, which is what
the history strip and the dashboard's "since last month" read."""

from collections.abc import Mapping
from datetime import date, timedelta
from typing import Any

from django.db import models
from django.db.models import Count, F, Max, Min, OuterRef, QuerySet, Subquery
from django.db.models.functions import TruncMonth
from django.urls import reverse

from kamcrm.models import Notification

from .models import Account, TierSnapshot
from .periods import add_months

# The kinds of move a digest names; the movements page lists them all.
DIGEST_MOVES = 3


def prune_snapshots(
    *, today: date, keep_days: int, dry_run: bool = False, model=TierSnapshot
) -> list[date]:
    """Delete the runs older than `keep_days` that a later run of the same month supersedes.
    Returns the run dates deleted (or that would be). `model`: any nightly per-account
    table with an indexed `as_of` (the health scores are kept the same way)."""
    cutoff = today - timedelta(days=keep_days)
    oldest = model.objects.aggregate(oldest=Min("as_of"))["oldest"]
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
            if model.objects.filter(as_of=day).exists()
        ]
        doomed += [day for day in runs[:-1] if day < cutoff]
        month = after
    if doomed and not dry_run:
        model.objects.filter(as_of__in=doomed).delete()
    return doomed


def last_of_each_month(runs: QuerySet, *, today: date, months: int) -> QuerySet:
    """Of `runs` (an account's tier snapshots or health scores), each month's last, the
    last `months` months up to `today`, oldest first: one query, a row a month, however
    many nightly runs are kept."""
    since = add_months(today.replace(day=1), 1 - months)
    runs = runs.filter(as_of__gte=since, as_of__lte=today)
    last = runs.values(month=TruncMonth("as_of")).annotate(last=Max("as_of"))
    return runs.filter(as_of__in=last.values("last")).order_by("as_of")


def monthly_history(account, *, today: date, months: int = 12) -> list[Mapping[str, Any]]:
    """The account's tier at each month's last run, the last `months` months, oldest first."""
    runs = last_of_each_month(account.tier_snapshots.all(), today=today, months=months)
    return list(runs.values("as_of", "nine_box_class", "status", "abc", "xyz"))


def run_on_or_before(day: date, model: type[models.Model] = TierSnapshot) -> date | None:
    """The last run (of tiering, or of the model's runs) on or before `day` (one step
    down the as_of index)."""
    return model._default_manager.filter(as_of__lte=day).aggregate(run=Max("as_of"))["run"]


def run_dates(limit: int = 120) -> list[date]:
    """The stored tiering runs, newest first (about 90 daily ones and a monthly one per
    month before them)."""
    runs = TierSnapshot.objects.values_list("as_of", flat=True).distinct().order_by("-as_of")
    return list(runs[:limit])


def movements(*, user, as_of: date):
    """The accounts the user sees whose class or status at the run of `as_of` differs
    from the run before it: (that run's date or None, the rows with old_class and
    old_status, by kind of move then name, and the count of each kind of move)."""
    before = TierSnapshot.objects.filter(as_of__lt=as_of).aggregate(day=Max("as_of"))["day"]
    if before is None:
        return None, TierSnapshot.objects.none(), []
    previous = TierSnapshot.objects.filter(account=OuterRef("account"), as_of=before)
    rows = (
        TierSnapshot.objects.filter(as_of=as_of, account__in=Account.objects.visible_to(user))
        .annotate(
            old_class=Subquery(previous.values("nine_box_class")[:1]),
            old_status=Subquery(previous.values("status")[:1]),
        )
        .exclude(old_class=None)  # new since the run before: no move
        .exclude(nine_box_class=F("old_class"), status=F("old_status"))
    )
    kinds = list(
        rows.values("old_class", "nine_box_class", "old_status", "status")
        .annotate(count=Count("pk"))
        .order_by("-count", "old_class", "nine_box_class", "old_status", "status")
    )
    ordered = rows.select_related("account__owner").order_by(
        "old_class", "nine_box_class", "old_status", "status", "account__name"
    )
    return before, ordered, kinds


def notify_owners(as_of: date) -> int:
    """One digest per owner whose accounts changed class or status since the last run
    stored: how many moved, grouped by change (the bell links to the run's movements);
    returns how many accounts moved."""
    moves = (
        Account.objects.filter(tier_snapshots__as_of=as_of)
        .exclude(nine_box_class="")
        .annotate(
            new_class=F("tier_snapshots__nine_box_class"),
            new_status=F("tier_snapshots__status"),
        )
        .exclude(nine_box_class=F("new_class"), status=F("new_status"))
        .values("owner_id", "nine_box_class", "new_class", "status", "new_status")
        .annotate(count=Count("pk"))
        .order_by("owner_id", "-count", "nine_box_class", "new_class", "status", "new_status")
    )
    digests: dict[int, list[dict]] = {}
    for row in moves:
        digests.setdefault(row["owner_id"], []).append(
            {
                "old_class": row["nine_box_class"],
                "new_class": row["new_class"],
                "old_status": row["status"],
                "new_status": row["new_status"],
                "count": row["count"],
            }
        )
    url = f"{reverse('accounts:movements')}?as_of={as_of.isoformat()}"
    Notification.objects.bulk_create(
        Notification(
            user_id=owner,
            kind="tier_digest",
            url=url,
            data={
                "as_of": as_of.isoformat(),
                "count": sum(move["count"] for move in groups),
                "moves": groups[:DIGEST_MOVES],
            },
        )
        for owner, groups in digests.items()
    )
    return sum(move["count"] for groups in digests.values() for move in groups)
