"""The pipeline workspace: deals across the accounts the reader may see."""

from datetime import timedelta
from decimal import Decimal

from django.urls import reverse
from django.utils import timezone

from accounts.models import OpportunityStage
from tests.factories import AccountFactory, OpportunityFactory


def page(client, user, **query):
    client.force_login(user)
    return client.get(reverse("dashboards:pipeline"), query)


def test_it_totals_each_stage_and_weighs_by_probability(client, kam1):
    account = AccountFactory(owner=kam1, name="Siam Cement")
    propose = OpportunityStage.objects.get(name="Propose")
    OpportunityFactory(
        account=account, name="Kiln", stage=propose, amount=Decimal("1000"), probability=50
    )
    OpportunityFactory(
        account=account, name="Silo", stage=propose, amount=Decimal("300"), probability=10
    )
    won = OpportunityStage.objects.get(name="Closed won")
    OpportunityFactory(account=account, name="Done", stage=won, amount=Decimal("999"))

    response = page(client, kam1)

    columns = {c["stage_name"]: c for c in response.context["columns"]}
    assert (columns["Propose"]["count"], columns["Propose"]["total"]) == (2, Decimal("1300"))
    assert columns["Propose"]["total_weighted"] == Decimal("530")
    assert "Closed won" not in columns  # open deals unless a stage is chosen
    assert [d.name for d in response.context["page_obj"]] == ["Kiln", "Silo"]
    chosen = page(client, kam1, stage=won.pk).context
    assert [d.name for d in chosen["page_obj"]] == ["Done"]


def test_it_shows_only_deals_on_visible_accounts_and_filters_by_close(client, kam1, kam2):
    today = timezone.localdate()
    mine = AccountFactory(owner=kam1)
    OpportunityFactory(account=mine, name="Soon", expected_close=today + timedelta(days=1))
    OpportunityFactory(account=mine, name="Late", expected_close=today - timedelta(days=5))
    OpportunityFactory(account=AccountFactory(owner=kam2), name="South deal")

    names = [d.name for d in page(client, kam1).context["page_obj"]]
    assert names == ["Late", "Soon"]
    assert [d.name for d in page(client, kam1, close="late").context["page_obj"]] == ["Late"]
    assert [d.name for d in page(client, kam2).context["page_obj"]] == ["South deal"]


def test_an_empty_pipeline_says_what_to_do_and_queries_stay_few(
    client, kam1, django_assert_max_num_queries
):
    client.force_login(kam1)
    with django_assert_max_num_queries(12):
        response = client.get(reverse("dashboards:pipeline"))
    assert 'data-testid="pipeline-empty"' in response.content.decode()
    for n in range(30):
        OpportunityFactory(account=AccountFactory(owner=kam1), name=f"Deal {n:02}")
    with django_assert_max_num_queries(12):
        response = client.get(reverse("dashboards:pipeline"))
    assert len(response.context["page_obj"]) == 30
