import pytest
from django.utils import timezone

from accounts.models import Strategy
from plans.models import AccountPlan, PlanSettings, SectionKind
from plans.services import plan_create
from tests.factories import AccountFactory


@pytest.fixture
def account(kam1):
    return AccountFactory(name="Siam Cement", owner=kam1)


def plan_for(owner, name="Siam Cement"):
    """A new draft of this fiscal year, on a new account of `owner`'s."""
    year = PlanSettings.current().fiscal_year_of(timezone.localdate())
    return plan_create(account=AccountFactory(name=name, owner=owner), fiscal_year=year, by=owner)


@pytest.fixture
def plan(account, kam1):
    year = PlanSettings.current().fiscal_year_of(timezone.localdate())
    return plan_create(account=account, fiscal_year=year, by=kam1)


@pytest.fixture
def south_account(kam2):
    return AccountFactory(name="Hanoi Steel", owner=kam2)


def make_ready(plan):
    """What submitting needs (plans.selectors.plan_checklist): the analysis, a strategy
    and a goal with a target; set directly, so no revision is written."""
    plan.sections.filter(kind=SectionKind.INDUSTRY).update(text="Cement demand grows 4 % a year.")
    AccountPlan.objects.filter(pk=plan.pk).update(strategy=Strategy.RETAIN)
    plan.strategy = Strategy.RETAIN
    plan.goals.create(name="Revenue", unit="USD", target=1000)
    return plan
