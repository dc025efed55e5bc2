import pytest

from accounts.models import Account
from tests.factories import AccountFactory


@pytest.fixture
def north_account(kam1) -> Account:
    return AccountFactory(name="Siam Cement", owner=kam1, external_id="SC-1")


@pytest.fixture
def south_account(kam2) -> Account:
    return AccountFactory(name="Hanoi Steel", owner=kam2, external_id="HS-1")
