"""The cast's North world, and clients signed in with a personal token."""

from datetime import date
from decimal import Decimal

import pytest
from rest_framework.test import APIClient

from accounts.figures import figures_refresh
from accounts.models import (
    Activity,
    BuyingCentre,
    Commitment,
    RevenueLine,
    TierSnapshot,
)
from api.services import token_create
from kamcrm.models import Role
from plans.services import plan_create
from tests.factories import AccountFactory, OpportunityFactory, StakeholderFactory, UserFactory


@pytest.fixture
def token_client():
    """A client for `user` sending a personal token, as a machine would."""

    def signed_in(user) -> APIClient:
        _token, secret = token_create(user=user, name="tests")
        client = APIClient()
        client.credentials(HTTP_AUTHORIZATION=f"Bearer {secret}")
        return client

    return signed_in


@pytest.fixture
def kam1b(kam1):
    """kam1's teammate: sees North's accounts, owns none of them."""
    return UserFactory(username="kam1b", role=Role.KAM, team=kam1.team)


@pytest.fixture
def north_world(kam1, kam2):
    """One North account of kam1's with something of every kind on it (kam2 is South)."""
    account = AccountFactory(name="Siam Cement", owner=kam1, external_id="SC-1")
    person = StakeholderFactory(account=account)
    deal = OpportunityFactory(account=account, owner=kam1)
    centre = BuyingCentre.objects.create(account=account, name="Kiln line", opportunity=deal)
    centre.memberships.create(stakeholder=person, role="decision_maker")
    activity = Activity.objects.create(
        account=account, kind="call", date=date(2026, 3, 2), summary="Call", created_by=kam1
    )
    activity.stakeholders.add(person)
    commitment = Commitment.objects.create(
        account=account, what="Samples", due=date(2026, 6, 30), owner=kam1
    )
    line = RevenueLine.objects.create(
        account=account, date=date(2026, 2, 1), amount=Decimal("1000.00"), currency_id="USD",
        external_ref="INV-1",
    )  # fmt: skip
    snapshot = TierSnapshot.objects.create(
        account=account, as_of=date(2026, 1, 31), revenue_12m=1000, revenue_previous_12m=0,
        revenue_last_6m=1000, potential=5000, abc="A", xyz="Z", contribution_level="low",
        potential_level="low", nine_box_class="D", status="active", strategy="wait_and_watch",
    )  # fmt: skip
    plan = plan_create(account=account, fiscal_year=2026, by=kam1)
    figures_refresh()
    return {
        "account": account, "stakeholder": person, "opportunity": deal, "buying_centre": centre,
        "activity": activity, "commitment": commitment, "revenue_line": line,
        "tier_snapshot": snapshot, "plan": plan,
    }  # fmt: skip
