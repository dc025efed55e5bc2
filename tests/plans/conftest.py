import pytest
from django.utils import timezone

from plans.models import PlanSettings
from plans.services import plan_create
from tests.factories import AccountFactory


@pytest.fixture
def account(kam1):
    return AccountFactory(name="Siam Cement", owner=kam1)


@pytest.fixture
def plan(account, kam1):
    year = PlanSettings.current().fiscal_year_of(timezone.localdate())
    return plan_create(account=account, fiscal_year=year, by=kam1)


@pytest.fixture
def south_account(kam2):
    return AccountFactory(name="Hanoi Steel", owner=kam2)
