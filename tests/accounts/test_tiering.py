"""Tiering rules on small portfolios computed by hand; as of 2026-11-23 the window is
November 2025 to October 2026 and the previous window November 2024 to October 2025."""

from datetime import date
from decimal import Decimal
from io import StringIO

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError

from accounts.models import Account, Thresholds, TierSnapshot
from accounts.periods import add_months
from accounts.tiering import tiers_recompute
from kamcrm.models import Notification
from tests.factories import AccountFactory, RevenueLineFactory

AS_OF = date(2026, 11, 23)
WINDOW_START = date(2025, 11, 1)


def bill(account, monthly: dict[int, str]) -> None:
    """Revenue on the 15th of window month `i` (0 = November 2025; negative = before)."""
    for index, amount in monthly.items():
        month = add_months(WINDOW_START, index)
        RevenueLineFactory(account=account, date=month.replace(day=15), amount=Decimal(amount))


def every_month(amount: str) -> dict[int, str]:
    return dict.fromkeys(range(12), amount)


def tier(account) -> TierSnapshot:
    return TierSnapshot.objects.get(account=account, as_of=AS_OF)


@pytest.fixture
def owner(kam1):
    return kam1


def test_abc_boundaries_at_exactly_80_and_95_percent(owner):
    first = AccountFactory(owner=owner, external_id="1")
    second = AccountFactory(owner=owner, external_id="2")
    third = AccountFactory(owner=owner, external_id="3")
    idle = AccountFactory(owner=owner, external_id="4")
    bill(first, {0: "8000"})
    bill(second, {0: "1500"})
    bill(third, {0: "500"})

    tiers_recompute(as_of=AS_OF)

    assert (tier(first).abc, tier(first).share_before) == ("A", 0.0)
    assert (tier(second).abc, tier(second).share_before) == ("B", 0.8)  # not below 0.80
    assert (tier(third).abc, tier(third).share_before) == ("C", 0.95)  # not below 0.95
    assert tier(idle).abc == "C"


def test_abc_ties_are_ranked_by_external_id(owner):
    later = AccountFactory(owner=owner, external_id="B-2")
    earlier = AccountFactory(owner=owner, external_id="B-1")
    bill(later, {0: "500"})
    bill(earlier, {0: "500"})

    tiers_recompute(as_of=AS_OF)

    assert tier(earlier).share_before == 0.0
    assert tier(later).share_before == 0.5


@pytest.mark.parametrize(
    ("low", "high", "expected"),
    [("75", "125", "X"), ("50", "150", "Y"), ("49", "151", "Z")],
)
def test_xyz_boundaries_at_exactly_025_and_05(owner, low, high, expected):
    account = AccountFactory(owner=owner)
    bill(account, {i: (low if i % 2 else high) for i in range(12)})

    tiers_recompute(as_of=AS_OF)

    assert tier(account).xyz == expected


def test_empty_months_count_as_zero_and_no_revenue_is_z(owner):
    once = AccountFactory(owner=owner)
    never = AccountFactory(owner=owner)
    bill(once, {3: "1200"})

    tiers_recompute(as_of=AS_OF)

    assert tier(once).xyz == "Z"
    assert tier(once).coefficient_of_variation == pytest.approx(11**0.5)
    assert (tier(never).xyz, tier(never).coefficient_of_variation) == ("Z", None)


@pytest.mark.parametrize(
    ("revenue", "potential", "contribution", "potential_level", "cls"),
    [
        ("10000000", "20000000", "high", "high", "A"),  # exactly 10 M is high
        ("9999999.96", "20000000", "medium", "high", "C"),
        ("10000000", None, "high", "medium", "B"),  # missing potential: revenue stands in
        ("10000000", "50000000", "medium", "high", "C"),  # 10 of 50 M: relative rule
        ("10000000", "33333333", "high", "high", "A"),  # 0.3000000003 of potential
        ("5000000", "9999999", "medium", "low", "D"),
        ("4999999.92", "10000000", "low", "medium", "C"),
    ],
)
def test_contribution_potential_and_class(
    owner, revenue, potential, contribution, potential_level, cls
):
    account = AccountFactory(owner=owner, potential=Decimal(potential) if potential else None)
    bill(account, {0: revenue})

    tiers_recompute(as_of=AS_OF)

    snapshot = tier(account)
    assert snapshot.revenue_12m == Decimal(revenue)
    assert (snapshot.contribution_level, snapshot.potential_level) == (
        contribution,
        potential_level,
    )
    assert snapshot.nine_box_class == cls


def test_revenue_in_the_as_of_month_is_in_no_window(owner):
    account = AccountFactory(owner=owner)
    bill(account, {12: "999"})  # November 2026, the as-of month

    tiers_recompute(as_of=AS_OF)

    assert tier(account).revenue_12m == 0
    assert tier(account).status == "prospect"


@pytest.mark.parametrize(
    ("monthly", "status", "strategy"),
    [
        ({}, "prospect", "acquire"),
        ({-3: "100"}, "lost", "win_back"),  # bought only in the previous window
        ({-13: "100"}, "lost", "win_back"),  # before both windows: still a former customer
        ({-60: "100"}, "lost", "win_back"),  # five years ago: still not a prospect
        ({-13: "-100"}, "prospect", "acquire"),  # a credit note alone is no purchase
        ({5: "100"}, "lost", "win_back"),  # nothing in the last 6 whole months
        ({6: "100"}, "active", "wait_and_watch"),
        ({-1: "1000", 11: "699"}, "at_risk", "wait_and_watch"),  # class D stays wait and watch
        ({-1: "1000", 11: "700"}, "active", "wait_and_watch"),  # exactly 30 % down is not
    ],
)
def test_status_and_strategy(owner, monthly, status, strategy):
    account = AccountFactory(owner=owner)
    bill(account, monthly)

    tiers_recompute(as_of=AS_OF)

    assert (tier(account).status, tier(account).strategy) == (status, strategy)


def test_a_declining_a_or_b_account_is_to_be_won_back(owner):
    account = AccountFactory(owner=owner, potential=Decimal("30000000"))
    bill(account, {**{i: "2000000" for i in range(-12, 0)}, **every_month("1000000")})

    tiers_recompute(as_of=AS_OF)

    snapshot = tier(account)
    assert (snapshot.nine_box_class, snapshot.status, snapshot.strategy) == (
        "A",
        "at_risk",
        "win_back",
    )


def test_thresholds_are_settings(owner):
    Thresholds.objects.filter(pk=1).update(contribution_high=1000, contribution_medium=500)
    account = AccountFactory(owner=owner)
    bill(account, {0: "1000"})

    tiers_recompute(as_of=AS_OF)

    assert tier(account).contribution_level == "high"


def test_amounts_are_converted_to_the_base_currency(owner):
    from accounts.models import Currency

    Currency.objects.filter(code="THB").update(rate_to_base=Decimal("0.5"))
    account = AccountFactory(owner=owner, currency_id="THB", potential=Decimal("80000000"))
    RevenueLineFactory(
        account=account, date=date(2026, 1, 10), amount=Decimal("30000000"), currency_id="THB"
    )

    tiers_recompute(as_of=AS_OF)

    assert tier(account).revenue_12m == Decimal("15000000")
    assert tier(account).potential == Decimal("40000000")


def test_a_run_is_stored_on_the_accounts_and_rerunning_replaces_it(owner):
    account = AccountFactory(owner=owner)
    bill(account, every_month("100"))

    tiers_recompute(as_of=AS_OF)
    tiers_recompute(as_of=AS_OF)

    assert TierSnapshot.objects.filter(account=account).count() == 1
    account.refresh_from_db()
    assert (account.abc, account.xyz, account.status, account.tiered_on) == (
        "A",
        "X",
        "active",
        AS_OF,
    )


def test_an_older_run_keeps_the_current_values(owner):
    account = AccountFactory(owner=owner)
    bill(account, every_month("100"))
    tiers_recompute(as_of=AS_OF)

    tiers_recompute(as_of=date(2024, 1, 1))

    account.refresh_from_db()
    assert (account.status, account.tiered_on) == ("active", AS_OF)
    assert TierSnapshot.objects.get(account=account, as_of=date(2024, 1, 1)).status == "prospect"


def test_a_failed_run_leaves_the_previous_results_in_place(owner, monkeypatch):
    account = AccountFactory(owner=owner)
    bill(account, every_month("100"))
    tiers_recompute(as_of=AS_OF)
    bill(account, {i: "-100" for i in range(12)})  # would turn it into a prospect

    def crash(as_of):
        raise RuntimeError("worker killed")

    monkeypatch.setattr("accounts.tiering.store_current", crash)
    with pytest.raises(RuntimeError):
        tiers_recompute(as_of=date(2026, 12, 2))

    account.refresh_from_db()
    assert (account.status, account.tiered_on) == ("active", AS_OF)
    assert list(TierSnapshot.objects.values_list("as_of", flat=True)) == [AS_OF]


def test_each_owner_gets_one_digest_of_a_runs_moves(owner, kam2):
    steady = AccountFactory(owner=owner, name="Steady")
    bill(steady, {i: "100" for i in range(-12, 13)})
    for name in ["Fading 1", "Fading 2", "Fading 3"]:
        bill(AccountFactory(owner=owner, name=name), {i: "100" for i in range(-12, 6)})
    bill(AccountFactory(owner=kam2, name="South fading"), {i: "100" for i in range(-12, 6)})
    tiers_recompute(as_of=date(2026, 5, 20))
    assert not Notification.objects.exists()  # the first run sets the baseline

    tiers_recompute(as_of=AS_OF)

    digest = Notification.objects.get(user=owner)
    assert digest.kind == "tier_digest"
    assert digest.url == "/accounts/movements/?as_of=2026-11-23"
    assert digest.message == "Tiering of 11/23/2026: 3 accounts moved (Active → Lost: 3)"
    assert Notification.objects.get(user=kam2).message.endswith(
        "1 account moved (Active → Lost: 1)"
    )


def test_export_tiers_writes_the_latest_run(owner):
    account = AccountFactory(owner=owner, external_id="SC-1", potential=Decimal("30000000"))
    bill(account, every_month("1000000"))
    tiers_recompute(as_of=date(2026, 1, 5))
    tiers_recompute(as_of=AS_OF)
    out = StringIO()

    call_command("export_tiers", stdout=out)

    assert out.getvalue().splitlines() == [
        "as_of,external_id,revenue_12m,abc,xyz,contribution_level,potential_level,"
        "nine_box_class,strategy,status",
        "2026-11-23,SC-1,12000000.00,A,X,high,high,A,retain,active",
    ]


def test_export_tiers_as_of_a_date_writes_the_run_in_force_that_day(owner):
    account = AccountFactory(owner=owner, external_id="SC-1", potential=Decimal("30000000"))
    bill(account, every_month("1000000"))
    tiers_recompute(as_of=date(2025, 12, 5))  # only November 2025 in its window
    tiers_recompute(as_of=AS_OF)
    out = StringIO()

    call_command("export_tiers", "--as-of", "2026-01-31", stdout=out)

    assert (
        out.getvalue().splitlines()[1] == "2025-12-05,SC-1,1000000.00,A,Z,low,high,C,develop,active"
    )
    with pytest.raises(CommandError, match="No tiering run on or before 2025-01-01"):
        call_command("export_tiers", "--as-of", "2025-01-01", stdout=out)


def test_the_command_runs_the_same_code(owner):
    account = AccountFactory(owner=owner)
    bill(account, every_month("100"))
    out = StringIO()

    call_command("recompute_tiers", "--as-of", "2026-11-23", stdout=out, stderr=StringIO())

    assert "Tiers as of 2026-11-23: 1 accounts" in out.getvalue()
    assert Account.objects.get().tiered_on == AS_OF
