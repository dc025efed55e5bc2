from decimal import Decimal

import pytest

from accounts.models import Account, Currency
from tests.factories import AccountFactory


@pytest.fixture
def north_account(kam1) -> Account:
    return AccountFactory(name="Siam Cement", owner=kam1, external_id="SC-1")


@pytest.fixture
def south_account(kam2) -> Account:
    return AccountFactory(name="Hanoi Steel", owner=kam2, external_id="HS-1")


@pytest.fixture
def rated_accounts(kam1):
    """SCG (THB), ORLEN (PLN), SG (EUR), each currency with a rate, owned by kam1."""
    Currency.objects.filter(code__in=["THB", "EUR", "PLN"]).update(rate_to_base=Decimal("0.03"))
    for external_id, currency in [("SCG", "THB"), ("ORLEN", "PLN"), ("SG", "EUR")]:
        Account.objects.create(
            external_id=external_id, name=external_id, currency_id=currency, owner=kam1
        )
