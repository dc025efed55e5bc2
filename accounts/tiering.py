"""Account tiering (DOMAIN.md §3, issue rules): ABC, XYZ, the nine-box class, status and
strategy, computed set-based in the database and stored as one snapshot per account.

A run is one transaction (a crash leaves the previous results), replaces its own as-of
date's snapshot (idempotent), and holds a lock so two runs never overlap.
"""

import fcntl
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import date
from decimal import Decimal
from pathlib import Path

from django.db import connection, transaction
from django.db.models import Count, Exists, F, OuterRef, Subquery, Sum
from django.db.models.functions import TruncMonth
from django.urls import reverse

from kamcrm import audit
from kamcrm.models import Notification
from kamcrm.signals import announce_portfolio_change

from .models import (
    ABC,
    XYZ,
    Account,
    NineBoxClass,
    RevenueLine,
    Status,
    Strategy,
    Thresholds,
    TierSnapshot,
)
from .models.money import as_decimal, base_amount
from .models.tier_choices import Band
from .periods import add_months, trailing_window

ZERO = Decimal(0)
BATCH = 5000
# The kinds of move a digest names; the movements page lists them all.
DIGEST_MOVES = 3
LOCK_KEY = 0x7469657273  # "tiers": the PostgreSQL advisory lock's number


class TieringBusy(Exception):
    """Another run holds the lock."""


@dataclass(slots=True)
class AccountSums:
    """What the database sums for one account; everything else is derived from these."""

    account_id: int
    external_id: str
    potential: Decimal  # the account's own estimate in the base currency, 0 when missing
    revenue_12m: Decimal = ZERO
    revenue_previous_12m: Decimal = ZERO
    revenue_last_6m: Decimal = ZERO
    sum_of_squares: Decimal = ZERO  # of the 12 monthly totals in the window
    bought_earlier: bool = False  # revenue before the two windows, however long ago


@dataclass(slots=True)
class Verdict:
    share_before: float | None
    coefficient_of_variation: float | None
    potential: Decimal
    abc: str
    xyz: str
    contribution_level: str
    potential_level: str
    nine_box_class: str
    status: str
    strategy: str


def abc_classes(figures: list[AccountSums], t: Thresholds) -> dict[int, tuple[str, float | None]]:
    """Rank by revenue (ties by external id); A while the share ranked above is < 0.80..."""
    earning = sorted(
        (f for f in figures if f.revenue_12m > 0),
        key=lambda f: (-f.revenue_12m, f.external_id, f.account_id),
    )
    total = sum((f.revenue_12m for f in earning), ZERO)
    result: dict[int, tuple[str, float | None]] = {}
    above = ZERO
    for f in earning:
        share = above / total
        cls = (
            ABC.A
            if share < Decimal(str(t.abc_a_share))
            else (ABC.B if share < Decimal(str(t.abc_b_share)) else ABC.C)
        )
        result[f.account_id] = (cls, float(share))
        above += f.revenue_12m
    return result


def xyz_class(f: AccountSums, t: Thresholds) -> tuple[str, float | None]:
    """Coefficient of variation of the 12 monthly totals (empty months count as 0)."""
    mean = f.revenue_12m / 12
    if mean <= 0:
        return XYZ.Z, None
    variance = max(f.sum_of_squares / 12 - mean * mean, ZERO)
    # Compared squared, in exact decimals, so a CV of exactly 0.25 is X.
    ratio = variance / (mean * mean)
    cv = float(ratio.sqrt())
    if ratio <= Decimal(str(t.xyz_x_cv)) ** 2:
        return XYZ.X, cv
    if ratio <= Decimal(str(t.xyz_y_cv)) ** 2:
        return XYZ.Y, cv
    return XYZ.Z, cv


def verdict(f: AccountSums, abc: tuple[str, float | None], t: Thresholds) -> Verdict:
    revenue = f.revenue_12m
    potential = max(f.potential, revenue)
    if revenue >= t.contribution_high:
        contribution = Band.HIGH
        if potential > 0 and revenue / potential < Decimal(str(t.relative_contribution_min)):
            contribution = Band.MEDIUM
    elif revenue >= t.contribution_medium:
        contribution = Band.MEDIUM
    else:
        contribution = Band.LOW
    if potential >= t.potential_high:
        potential_level = Band.HIGH
    elif potential >= t.potential_medium:
        potential_level = Band.MEDIUM
    else:
        potential_level = Band.LOW
    nine_box = NineBoxClass.of(contribution, potential_level)
    if revenue <= 0 and f.revenue_previous_12m <= 0 and not f.bought_earlier:
        status = Status.PROSPECT  # never bought: a former customer is lost, not a prospect
    elif f.revenue_last_6m <= 0:
        status = Status.LOST
    elif revenue < (1 - Decimal(str(t.at_risk_drop))) * f.revenue_previous_12m:
        status = Status.AT_RISK
    else:
        status = Status.ACTIVE
    strategy = {
        Status.PROSPECT: Strategy.ACQUIRE,
        Status.LOST: Strategy.WIN_BACK,
    }.get(status)
    if strategy is None:
        if status == Status.AT_RISK and nine_box in (NineBoxClass.A, NineBoxClass.B):
            strategy = Strategy.WIN_BACK
        else:
            strategy = {
                NineBoxClass.A: Strategy.RETAIN,
                NineBoxClass.B: Strategy.RETAIN,
                NineBoxClass.C: Strategy.DEVELOP,
                NineBoxClass.D: Strategy.WAIT_AND_WATCH,
            }[nine_box]
    xyz, cv = xyz_class(f, t)
    abc_class, share = abc
    return Verdict(
        share_before=share,
        coefficient_of_variation=cv,
        potential=potential,
        abc=abc_class,
        xyz=xyz,
        contribution_level=contribution,
        potential_level=potential_level,
        nine_box_class=nine_box,
        status=status,
        strategy=strategy,
    )


def gather(as_of: date, t: Thresholds) -> list[AccountSums]:
    """Two queries: the accounts with their potential and whether they bought before the
    two windows, and revenue summed per account over the months of the windows (grouped
    by account and month, then by account)."""
    start, end = trailing_window(as_of)
    previous_start = add_months(start, -12)
    recent_start = add_months(end, -t.lost_after_months)
    earlier = RevenueLine.objects.filter(
        account=OuterRef("pk"), date__lt=previous_start, amount__gt=0
    )
    accounts = Account.objects.annotate(
        potential_base=F("potential") * F("currency__rate_to_base"),
        bought_earlier=Exists(earlier),
    ).values_list("pk", "external_id", "potential_base", "bought_earlier")
    figures = {
        pk: AccountSums(
            account_id=pk, external_id=external_id, potential=potential or ZERO, bought_earlier=b
        )
        for pk, external_id, potential, b in accounts.iterator(chunk_size=10_000)
    }
    monthly = (
        RevenueLine.objects.filter(date__gte=previous_start, date__lt=end)
        .annotate(month=TruncMonth("date"))
        .values("account_id", "month")
        .annotate(total=Sum(base_amount()))
        .order_by()
    )
    inner_sql, inner_params = monthly.query.sql_with_params()
    sql = f"""
        SELECT m.account_id,
               SUM(CASE WHEN m.month >= %s THEN m.total ELSE 0 END),
               SUM(CASE WHEN m.month < %s THEN m.total ELSE 0 END),
               SUM(CASE WHEN m.month >= %s THEN m.total ELSE 0 END),
               SUM(CASE WHEN m.month >= %s THEN m.total * m.total ELSE 0 END)
        FROM ({inner_sql}) m
        GROUP BY m.account_id
    """
    with connection.cursor() as cursor:
        cursor.execute(sql, [start, start, recent_start, start, *inner_params])
        for account_id, revenue, previous, recent, squares in cursor.fetchall():
            f = figures.get(account_id)
            if f is not None:
                f.revenue_12m = as_decimal(revenue)
                f.revenue_previous_12m = as_decimal(previous)
                f.revenue_last_6m = as_decimal(recent)
                f.sum_of_squares = as_decimal(squares)
    return list(figures.values())


@contextmanager
def exclusive_run() -> Iterator[None]:
    """One run at a time, across processes and machines. The lock lives as long as the
    run's transaction, and the transaction no longer than its client: a run killed
    mid-statement is noticed by the server within seconds (client_connection_check_
    interval; killed between statements, its socket closes at once), one hung between
    statements within ten minutes (idle_in_transaction_session_timeout), and either way
    the lock goes with it."""
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute("SET LOCAL client_connection_check_interval = '2s'")
            # Long enough for the run's Python between statements at 100,000 accounts.
            cursor.execute("SET LOCAL idle_in_transaction_session_timeout = '10min'")
            cursor.execute("SELECT pg_try_advisory_xact_lock(%s)", [LOCK_KEY])
            if not cursor.fetchone()[0]:
                raise TieringBusy
        yield
        return
    # SQLite serves one machine: a file lock beside the database is enough.
    path = Path(str(connection.settings_dict["NAME"]) + ".tiering.lock")
    if "memory" in path.name:
        yield
        return
    with path.open("w") as handle:
        try:
            fcntl.flock(handle, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            raise TieringBusy from None
        yield


@dataclass
class RunResult:
    as_of: date
    accounts: int
    changed: int


def tiers_recompute(*, as_of: date, progress: Callable[[str], None] | None = None) -> RunResult:
    """Recompute every account's tier as of `as_of` and store it."""
    say = progress or (lambda message: None)
    with transaction.atomic(), exclusive_run(), audit.context(source="tiering"):
        t = Thresholds.current()
        figures = gather(as_of, t)
        say(f"summed revenue for {len(figures)} accounts")
        abc = abc_classes(figures, t)
        TierSnapshot.objects.filter(as_of=as_of).delete()
        # Written in batches, so memory stays flat however many accounts there are.
        for start in range(0, len(figures), BATCH):
            TierSnapshot.objects.bulk_create(
                [
                    _snapshot(f, verdict(f, abc.get(f.account_id, (ABC.C, None)), t), as_of)
                    for f in figures[start : start + BATCH]
                ]
            )
        say(f"stored {len(figures)} snapshots")
        changed = 0
        if not TierSnapshot.objects.filter(as_of__gt=as_of).exists():
            changed = _notify_owners(as_of)
            store_current(as_of)
        announce_portfolio_change()
    return RunResult(as_of=as_of, accounts=len(figures), changed=changed)


def _snapshot(f: AccountSums, v: Verdict, as_of: date) -> TierSnapshot:
    return TierSnapshot(
        account_id=f.account_id,
        as_of=as_of,
        revenue_12m=f.revenue_12m,
        revenue_previous_12m=f.revenue_previous_12m,
        revenue_last_6m=f.revenue_last_6m,
        share_before=v.share_before,
        coefficient_of_variation=v.coefficient_of_variation,
        potential=v.potential,
        abc=v.abc,
        xyz=v.xyz,
        contribution_level=v.contribution_level,
        potential_level=v.potential_level,
        nine_box_class=v.nine_box_class,
        status=v.status,
        strategy=v.strategy,
    )


def store_current(as_of: date) -> None:
    """Copy the run's verdicts onto the accounts, in one UPDATE."""
    snapshot = TierSnapshot.objects.filter(account=OuterRef("pk"), as_of=as_of)

    def latest(field: str) -> Subquery:
        return Subquery(snapshot.values(field)[:1])

    Account.objects.filter(tier_snapshots__as_of=as_of).update(
        abc=latest("abc"),
        xyz=latest("xyz"),
        nine_box_class=latest("nine_box_class"),
        status=latest("status"),
        strategy=latest("strategy"),
        contribution_level=latest("contribution_level"),
        potential_level=latest("potential_level"),
        tier_revenue_12m=latest("revenue_12m"),
        tier_revenue_previous_12m=latest("revenue_previous_12m"),
        tiered_on=as_of,
    )


def _notify_owners(as_of: date) -> int:
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
