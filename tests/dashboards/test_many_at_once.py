"""Stale KAMs are recomputed together, each query covering them all: every KAM's stored
figures must be what computing that KAM alone gives, lists cut to each KAM's first."""

import json
from datetime import timedelta
from decimal import Decimal

from django.core.serializers.json import DjangoJSONEncoder
from django.utils import timezone

from accounts.models import Commitment
from accounts.tiering import tiers_recompute
from dashboards import store
from dashboards.figures import LIST_LENGTH
from plans.models import PlanSettings
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
