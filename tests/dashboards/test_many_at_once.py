"""Stale KAMs are recomputed together, each query covering them all: every KAM's stored
figures must be what computing that KAM alone gives, lists cut to each KAM's first."""

import json
from datetime import timedelta
from decimal import Decimal

from django.core.serializers.json import DjangoJSONEncoder
from django.utils import timezone

from accounts.models import Account, Commitment
from accounts.tiering import tiers_recompute
from dashboards import store
from dashboards.figures import LIST_LENGTH, compute
from plans.models import AccountPlan, PlanSettings, PlanStatus
from plans.services import plan_create
from tests.dashboards.conftest import bill
from tests.factories import AccountFactory, OpportunityFactory


def as_json(figures) -> dict:
    return json.loads(json.dumps(figures, cls=DjangoJSONEncoder, sort_keys=True))


def test_kams_computed_together_get_what_each_alone_gets(kam1, kam2, portfolio):
    """Both KAMs have more lost accounts and due commitments than a list keeps, so each
    list is cut per KAM; kam1 also has a deal on kam2's account (counted for kam1)."""
    today = timezone.localdate()
    for kam in (kam1, kam2):
        for n in range(LIST_LENGTH + 3):
            account = AccountFactory(owner=kam, name=f"{kam.username} lost {n:02}")
            bill(account, range(13, 15), str(100 + n))
            Commitment.objects.create(
                account=account, what=f"Call {n}", due=today + timedelta(days=n), owner=kam
            )
    OpportunityFactory(
        account=AccountFactory(owner=kam2), owner=kam1, amount=Decimal("5"),
        expected_close=today,
    )  # fmt: skip
    tiers_recompute(as_of=today)
    settings = PlanSettings.current()
    year = settings.fiscal_year_of(today)

    together = store.refresh_many([kam1, kam2], fiscal_year=year, today=today)
    alone = {
        kam.pk: as_json(store.refresh(kam, fiscal_year=year, today=today).figures)
        for kam in (kam1, kam2)
    }

    for kam in (kam1, kam2):
        mine = as_json(together[kam.pk].figures)
        assert mine == alone[kam.pk]
        assert len(mine["lists"]["at_risk"]) == LIST_LENGTH
        assert len(mine["lists"]["commitments_due"]) == LIST_LENGTH
        assert {row["owner_name"] for row in mine["lists"]["at_risk"]} == {kam.username}
    assert together[kam1.pk].figures["deals"][kam1.pk]["open_year"] == Decimal("5")


def test_a_kams_figures_read_by_owner_match_those_read_by_account(kam1, portfolio):
    """The store finds rows on a KAM's accounts through the account's owner; the lists'
    downloads, through the accounts themselves: on a portfolio whose deals, commitments
    and plans all sit with their accounts' owner, both read the same figures."""
    today = timezone.localdate()
    year = PlanSettings.current().fiscal_year_of(today)
    for n in range(LIST_LENGTH + 2):
        account = AccountFactory(owner=kam1, name=f"Due {n:02}")
        Commitment.objects.create(account=account, what=f"Call {n}", due=today, owner=kam1)
        plan = plan_create(account=account, fiscal_year=year, by=kam1)
        AccountPlan.objects.filter(pk=plan.pk).update(status=PlanStatus.SUBMITTED)
    tiers_recompute(as_of=today)
    arguments = {"fiscal_year": year, "today": today, "settings": PlanSettings.current()}
    accounts = Account.objects.filter(owner=kam1)

    by_owner = compute(accounts, owners=[kam1.pk], **arguments)
    by_account = compute(accounts, **arguments)

    assert as_json(by_owner) == as_json(by_account)
    assert len(by_owner["lists"]["commitments_due"]) == LIST_LENGTH
    assert len(by_owner["lists"]["plans_to_act_on"]) == LIST_LENGTH
    assert by_owner["plans"][kam1.pk]["waiting"] == LIST_LENGTH + 2
