"""The hand-built portfolio the dashboard tests work out by hand."""

from datetime import date
from decimal import Decimal

import pytest
from django.utils import timezone

from accounts.tiering import tiers_recompute
from kamcrm.models import Role
from tests.factories import AccountFactory, RevenueLineFactory, UserFactory


def bill(account, months: range, amount: str) -> None:
    """Revenue on the 5th of each month `months` back from this month."""
    today = timezone.localdate().replace(day=5)
    for back in months:
        index = today.year * 12 + today.month - 1 - back
        RevenueLineFactory(
            account=account, date=date(index // 12, index % 12 + 1, 5), amount=Decimal(amount)
        )


@pytest.fixture
def portfolio(kam1, kam2, north):
    """North: kam1 with a steady big account, a lost one and a prospect; kam1b with one
    steady small account. South: kam2 with one account director1 must never see."""
    kam1b = UserFactory(username="kam1b", role=Role.KAM, team=north)
    big = AccountFactory(owner=kam1, name="Big", potential=Decimal("30000000"))
    lost = AccountFactory(owner=kam1, name="Lost")
    AccountFactory(owner=kam1, name="Prospect")
    small = AccountFactory(owner=kam1b, name="Small")
    south = AccountFactory(owner=kam2, name="South only")
    bill(big, range(1, 25), "1000000")  # 12 M in each window: A, active
    bill(lost, range(13, 25), "1000")  # bought only in the previous window: lost
    bill(small, range(1, 25), "100")
    bill(south, range(1, 25), "5000000")
    tiers_recompute(as_of=timezone.localdate())
    return {"big": big, "lost": lost, "small": small, "kam1b": kam1b}
