"""Old daily tier snapshots give way to each month's last run; recent ones stay."""

from datetime import date, timedelta
from io import StringIO

from django.core.management import call_command
from django.urls import reverse
from django.utils import timezone

from accounts.models import Account, TierSnapshot
from accounts.snapshots import prune_snapshots
from accounts.tasks import recompute_tiers
from accounts.tiering import tiers_recompute
from dashboards.figures import compute
from plans.models import PlanSettings
from tests.dashboards.conftest import bill
from tests.factories import AccountFactory, RevenueLineFactory


def runs() -> list[date]:
    return sorted(set(TierSnapshot.objects.values_list("as_of", flat=True)))


def run_on(*days: date) -> None:
    for day in days:
        tiers_recompute(as_of=day)


def test_old_runs_keep_only_each_months_last(north_account):
    RevenueLineFactory(account=north_account, date=date(2025, 12, 5))
    run_on(date(2026, 1, 10), date(2026, 1, 31), date(2026, 2, 3), date(2026, 2, 17))
    run_on(date(2026, 3, 30), date(2026, 4, 1), date(2026, 4, 2))

    # 2026-05-01 minus 30 days: runs before 2026-04-01 are old.
    deleted = prune_snapshots(today=date(2026, 5, 1), keep_days=30)

    assert deleted == [date(2026, 1, 10), date(2026, 2, 3)]
    assert runs() == [
        date(2026, 1, 31), date(2026, 2, 17), date(2026, 3, 30), date(2026, 4, 1),
        date(2026, 4, 2),
    ]  # fmt: skip


def test_a_month_the_cutoff_cuts_keeps_its_later_runs(north_account):
    run_on(date(2026, 4, 1), date(2026, 4, 10), date(2026, 4, 20))

    # Cutoff 2026-04-15: the 1st and 10th are old, and a later April run supersedes them.
    deleted = prune_snapshots(today=date(2026, 5, 15), keep_days=30)

    assert deleted == [date(2026, 4, 1), date(2026, 4, 10)]
    assert runs() == [date(2026, 4, 20)]


def test_a_dry_run_deletes_nothing_and_pruning_twice_changes_nothing(north_account):
    run_on(date(2026, 1, 10), date(2026, 1, 20))
    out = StringIO()

    call_command("prune_snapshots", "--today", "2026-06-01", "--keep-days", "30", "--dry-run",
                 stdout=out)  # fmt: skip
    assert "would delete the snapshots of 1 runs" in out.getvalue()
    assert runs() == [date(2026, 1, 10), date(2026, 1, 20)]

    call_command("prune_snapshots", "--today", "2026-06-01", "--keep-days", "30", stdout=out)
    call_command("prune_snapshots", "--today", "2026-06-01", "--keep-days", "30", stdout=out)
    assert runs() == [date(2026, 1, 20)]
    assert out.getvalue().splitlines()[-1] == "deleted the snapshots of 0 runs"


def test_the_nightly_task_prunes_after_tiering(north_account, settings):
    settings.KAMCRM_DAILY_SNAPSHOT_DAYS = 10
    today = timezone.localdate()
    old = today - timedelta(days=60)
    run_on(old.replace(day=1), old.replace(day=2))

    result = recompute_tiers.run(as_of=today.isoformat())

    assert result["pruned"] == 1
    assert runs() == [old.replace(day=2), today]


def test_the_history_strip_shows_one_run_a_month(client, kam1, north_account):
    today = timezone.localdate()
    first = today.replace(day=1)
    previous = first - timedelta(days=1)
    run_on(previous.replace(day=1), previous, first, today)
    client.force_login(kam1)

    history = client.get(reverse("accounts:performance", args=[north_account.pk])).context[
        "tier_history"
    ]

    assert [row["as_of"] for row in history] == [previous, today]


def test_movements_still_find_last_months_run_after_pruning(kam1):
    fading = AccountFactory(owner=kam1, name="Fading")
    # Bought 7 to 29 months ago: at risk six weeks ago (7 of 12 months), lost now.
    bill(fading, range(7, 30), "100")
    today = timezone.localdate()
    earlier = today.replace(day=1) - timedelta(days=40)
    run_on(earlier - timedelta(days=1), earlier, today)

    assert prune_snapshots(today=today, keep_days=0) == [earlier - timedelta(days=1)]

    settings = PlanSettings.current()
    figures = compute(
        Account.objects.filter(owner=kam1),
        fiscal_year=settings.fiscal_year_of(today),
        today=today,
        settings=settings,
    )
    moves = figures["lists"]["movements"]
    assert [(m["name"], m["old_status"], m["new_status"]) for m in moves] == [
        ("Fading", "at_risk", "lost")
    ]
