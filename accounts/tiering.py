"""Account tiering (DOMAIN.md §3, issue rules): ABC, XYZ, the nine-box class, status and
strategy, stored as one snapshot per account.

On PostgreSQL one INSERT ... SELECT sums, classifies and stores every account, so no row
travels to Python; on SQLite (the embedded default, whose sums are floats) the same rules
run in Python over the sums it hands back. Both compare exactly, never through a rounded
quotient, so the two agree (tests/accounts/test_tiering_paths.py).

A run is one transaction (a crash leaves the previous results), replaces its own as-of
date's snapshot (idempotent), and holds a lock so two runs never overlap.
"""

import fcntl
from collections import Counter
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import date
from decimal import MAX_PREC, Context, Decimal
from pathlib import Path
from typing import Any

from django.db import connection, transaction
from django.db.models import Exists, F, OuterRef, Sum
from django.db.models.functions import TruncMonth
from django.utils import timezone

from kamcrm import audit
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
from .rates import rates_apply
from .snapshots import notify_owners
from .tiering_sql import classify_in_sql, moves_in_sql

ZERO = Decimal(0)
# Sums, products and differences of money without rounding: the SQL path's numerics are
# exact, and a class boundary must fall on the same account in both paths.
EXACT = Context(prec=MAX_PREC)
BATCH = 5000
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


def abc_classes(figures: list[AccountSums], t: Thresholds) -> dict[int, tuple[str, float | None]]:
    """Rank by revenue (ties by external id); A while the share ranked above is < 0.80..."""
    earning = sorted(
        (f for f in figures if f.revenue_12m > 0),
        key=lambda f: (-f.revenue_12m, f.external_id, f.account_id),
    )
    total = ZERO
    for f in earning:
        total = EXACT.add(total, f.revenue_12m)
    a_below = EXACT.multiply(Decimal(str(t.abc_a_share)), total)
    b_below = EXACT.multiply(Decimal(str(t.abc_b_share)), total)
    result: dict[int, tuple[str, float | None]] = {}
    above = ZERO
    for f in earning:
        cls = ABC.A if above < a_below else (ABC.B if above < b_below else ABC.C)
        result[f.account_id] = (cls, float(above / total))
        above = EXACT.add(above, f.revenue_12m)
    return result


def xyz_class(f: AccountSums, t: Thresholds) -> tuple[str, float | None]:
    """Coefficient of variation of the 12 monthly totals (empty months count as 0)."""
    revenue = f.revenue_12m
    if revenue <= 0:
        return XYZ.Z, None
    # CV² = variance / mean² = (12·Σm² - (Σm)²) / (Σm)²: compared squared, in exact
    # decimals, so a CV of exactly 0.25 is X.
    square = EXACT.multiply(revenue, revenue)
    spread = max(EXACT.subtract(EXACT.multiply(12, f.sum_of_squares), square), ZERO)
    cv = float((spread / square).sqrt())
    if spread <= EXACT.multiply(Decimal(str(t.xyz_x_cv)) ** 2, square):
        return XYZ.X, cv
    if spread <= EXACT.multiply(Decimal(str(t.xyz_y_cv)) ** 2, square):
        return XYZ.Y, cv
    return XYZ.Z, cv


def verdict(
    f: AccountSums, abc: tuple[str, float | None], t: Thresholds, as_of: date
) -> TierSnapshot:
    revenue = f.revenue_12m
    potential = max(f.potential, revenue)
    if revenue >= t.contribution_high:
        contribution = Band.HIGH
        share_needed = EXACT.multiply(Decimal(str(t.relative_contribution_min)), potential)
        if potential > 0 and revenue < share_needed:
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
    elif revenue < EXACT.multiply(1 - Decimal(str(t.at_risk_drop)), f.revenue_previous_12m):
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
    return TierSnapshot(
        account_id=f.account_id,
        as_of=as_of,
        revenue_12m=revenue,
        revenue_previous_12m=f.revenue_previous_12m,
        revenue_last_6m=f.revenue_last_6m,
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
            # Far longer than any pause between a run's statements.
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
        rates_apply(today=timezone.localdate())  # a rate dated today takes over first
        t = Thresholds.current()
        TierSnapshot.objects.filter(as_of=as_of).delete()
        if connection.vendor == "postgresql":
            accounts = classify_in_sql(as_of, t)
        else:
            accounts = classify_in_python(as_of, t)
        say(f"stored {accounts} snapshots")
        changed = 0
        if not TierSnapshot.objects.filter(as_of__gt=as_of).exists():
            changed = notify_owners(as_of)
            store_current(as_of)
        # Verdicts only: no row the list's kept figures sum has changed, so they are not
        # refreshed (9.6 s of a run at 100,000 accounts). A rate that took over today has
        # announced itself, with its refresh, in rates_apply above.
        announce_portfolio_change(scores_only=True)
    return RunResult(as_of=as_of, accounts=accounts, changed=changed)


def classify_in_python(as_of: date, t: Thresholds) -> int:
    """The rules above over `gather`'s sums; returns how many accounts were stored."""
    figures = gather(as_of, t)
    abc = abc_classes(figures, t)
    # Written in batches, so memory stays flat however many accounts there are.
    for start in range(0, len(figures), BATCH):
        TierSnapshot.objects.bulk_create(
            [
                verdict(f, abc.get(f.account_id, (ABC.C, None)), t, as_of)
                for f in figures[start : start + BATCH]
            ]
        )
    return len(figures)


def store_current(as_of: date) -> None:
    """Copy the run's verdicts onto the accounts, in one UPDATE joined to its snapshots."""
    with connection.cursor() as cursor:
        cursor.execute(
            """UPDATE accounts_account SET abc = s.abc, xyz = s.xyz,
                   nine_box_class = s.nine_box_class, status = s.status, strategy = s.strategy,
                   contribution_level = s.contribution_level,
                   potential_level = s.potential_level, tier_revenue_12m = s.revenue_12m,
                   tier_revenue_previous_12m = s.revenue_previous_12m, tiered_on = s.as_of
               FROM accounts_tiersnapshot s
               WHERE s.account_id = accounts_account.id AND s.as_of = %s""",
            [as_of],
        )


@dataclass
class Preview:
    """What a run as of `as_of` with some thresholds would change, storing nothing: each
    kind of move of the accounts tiered before (from and to: "class", "status", "abc",
    "xyz"; and "count"), and how many accounts it would tier for the first time.
    `changed` is what the run's own count (RunResult.changed: class or status) will be,
    the data staying as it is."""

    as_of: date
    moves: list[dict[str, Any]]
    first_tiered: int

    @property
    def changed(self) -> int:
        return sum(
            m["count"]
            for m in self.moves
            if m["old_class"] != m["new_class"] or (m["old_status"] != m["new_status"])
        )

    def moves_of(self, what: str) -> list[tuple[str, str, int]]:
        """(from, to, accounts) for the moves of "class", "status", "abc" or "xyz", most
        accounts first."""
        counts: Counter[tuple[str, str]] = Counter()
        for move in self.moves:
            if move[f"old_{what}"] != move[f"new_{what}"]:
                counts[move[f"old_{what}"], move[f"new_{what}"]] += move["count"]
        return [(old, new, n) for (old, new), n in counts.most_common()]

    def class_moves(self) -> list[tuple[str, str, int]]:
        return self.moves_of("class")


KEYS = ("class", "status", "abc", "xyz")


def tiers_preview(*, thresholds: Thresholds, as_of: date) -> Preview:
    """The run `tiers_recompute` would make with `thresholds` (saved or not), counted by
    the database rather than stored: on PostgreSQL the same statement, grouped."""
    with transaction.atomic():  # the SQL path's settings are the transaction's
        if connection.vendor == "postgresql":
            rows = moves_in_sql(as_of, thresholds)
        else:
            rows = _moves_in_python(as_of, thresholds)
    moves: list[dict[str, Any]] = []
    first = 0
    for *pairs, count in rows:
        if not pairs[0]:  # never tiered: no class to move from
            first += count
            continue
        move: dict[str, Any] = {"count": count}
        for n, key in enumerate(KEYS):
            move[f"old_{key}"], move[f"new_{key}"] = pairs[2 * n], pairs[2 * n + 1]
        moves.append(move)
    return Preview(as_of=as_of, moves=moves, first_tiered=first)


def _moves_in_python(as_of: date, t: Thresholds) -> list[tuple]:
    figures = gather(as_of, t)
    abc = abc_classes(figures, t)
    fields = ("nine_box_class", "status", "abc", "xyz")
    stored = {pk: rest for pk, *rest in Account.objects.values_list("pk", *fields)}
    counts: Counter[tuple] = Counter()
    for f in figures:
        tier = verdict(f, abc.get(f.account_id, (ABC.C, None)), t, as_of)
        now = stored.get(f.account_id, ["", "", "", ""])
        then = [getattr(tier, field) for field in fields]
        if list(now) != then:
            counts[tuple(v for pair in zip(now, then, strict=True) for v in pair)] += 1
    return [(*key, n) for key, n in counts.items()]
