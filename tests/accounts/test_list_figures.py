"""The list figures kept on each account (accounts/figures.py) are rewritten only where
they changed: they sit in the list's sort indexes, which every rewritten row grows."""

from decimal import Decimal

from accounts.figures import figures_refresh
from accounts.models import Account, Currency
from tests.factories import AccountFactory, RevenueLineFactory


def test_a_refresh_writes_only_the_accounts_whose_figures_changed(kam1):
    # 100.01 THB is 3.0003 USD, kept as 3.00: the next refresh must see no change in it.
    Currency.objects.filter(code="THB").update(rate_to_base=Decimal("0.03"))
    siam, quiet = AccountFactory.create_batch(2, owner=kam1)
    RevenueLineFactory(account=siam, amount=Decimal("100.01"), currency_id="THB")

    assert figures_refresh() == 1  # the other account's figures were already right
    assert figures_refresh() == 0

    RevenueLineFactory(account=quiet, amount=Decimal("5"))
    assert figures_refresh() == 1
    kept = dict(Account.objects.values_list("pk", "list_revenue_12m"))
    assert kept[siam.pk].quantize(Decimal("0.01")) == Decimal("3.00")
    assert kept[quiet.pk] == Decimal("5")
