"""The benchmarks' portfolio is built in raw SQL, which no model default protects: build a
small one in the test database so a schema change that breaks `make bench` fails here."""

import sys
from pathlib import Path

import pytest
from django.urls import reverse
from django.utils import timezone

from accounts.models import Account, Stakeholder
from accounts.tiering import tiers_recompute
from health.scoring import health_recompute
from kamcrm.models import User
from plans.models import AccountPlan, PlanSettings
from tests.needs import needs_postgresql

# bench/ holds scripts, not a package.
sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "bench"))
from portfolio import add_history, add_relationships, build


@pytest.mark.django_db(transaction=True)  # VACUUM cannot run inside a transaction
def test_the_benchmark_portfolio_builds_and_its_dashboard_answers(client):
    needs_postgresql("the benchmarks build their portfolio in its SQL")

    build(accounts=40, lines=2_000, kams=12)
    tiers_recompute(as_of=timezone.localdate())
    add_relationships(PlanSettings.current().fiscal_year_of(timezone.localdate()))

    assert Account.objects.exclude(tiered_on=None).count() == 40
    assert Stakeholder.objects.count() == 200
    assert AccountPlan.objects.exists()
    client.force_login(User.objects.get(username="bench-director-1"))
    response = client.get(reverse("dashboards:dashboard"))
    assert response.status_code == 200
    assert (
        sum(cell["count"] for row in response.context["dashboard"]["nine_box"] for cell in row) > 0
    )

    # A year of pruned runs for one account: 90 nightly, then each month's last.
    account = Account.objects.order_by("pk").first()
    health_recompute(as_of=timezone.localdate())
    add_history(account.pk, days=90, months=12)
    for runs in (account.tier_snapshots, account.health_scores):
        days = sorted(runs.values_list("as_of", flat=True))
        assert len(days) == len(set(days)) >= 91 + 11
        assert days[-1] == timezone.localdate()
    response = client.get(reverse("accounts:performance", args=[account.pk]))
    assert len(response.context["tier_history"]) == 12
