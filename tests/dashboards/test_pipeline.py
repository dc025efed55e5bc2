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


def move(client, deal, stage, version, **headers):
    return client.post(
        reverse("accounts:opportunity_move", args=[deal.account_id, deal.pk]),
        {"stage": stage.pk, "version": version},
        **headers,
    )


def test_a_deal_moves_on_the_board_and_takes_the_stages_probability(client, kam1):
    deal = OpportunityFactory(account=AccountFactory(owner=kam1), name="Kiln", probability=10)
    negotiate = OpportunityStage.objects.filter(outcome="open").exclude(pk=deal.stage_id).last()
    client.force_login(kam1)
    board = client.get(reverse("dashboards:pipeline"), {"view": "board"})
    assert f'data-testid="card-{deal.pk}"' in board.content.decode()

    response = move(client, deal, negotiate, deal.version)

    deal.refresh_from_db()
    assert (deal.stage, deal.probability) == (negotiate, negotiate.default_probability)
    assert response["Location"].endswith("?view=board")


def test_a_move_from_a_stale_board_is_refused_and_changes_nothing(client, kam1):
    deal = OpportunityFactory(account=AccountFactory(owner=kam1))
    stage = OpportunityStage.objects.filter(outcome="open").exclude(pk=deal.stage_id).first()
    client.force_login(kam1)

    response = move(client, deal, stage, deal.version - 1, HTTP_ACCEPT="application/json")

    assert response.status_code == 409
    assert "nothing was moved" in response.json()["message"]
    before = deal.stage_id
    deal.refresh_from_db()
    assert deal.stage_id == before


def test_a_deal_is_not_closed_from_the_board(client, kam1):
    deal = OpportunityFactory(account=AccountFactory(owner=kam1))
    won = OpportunityStage.objects.get(name="Closed won")
    client.force_login(kam1)

    response = move(client, deal, won, deal.version, HTTP_ACCEPT="application/json")

    assert response.status_code == 400
    deal.refresh_from_db()
    assert deal.stage != won


def test_the_board_draws_a_bounded_number_of_queries(client, kam1, django_assert_max_num_queries):
    for n in range(40):
        OpportunityFactory(account=AccountFactory(owner=kam1), name=f"Deal {n:02}")
    client.force_login(kam1)
    with django_assert_max_num_queries(20):
        response = client.get(reverse("dashboards:pipeline"), {"view": "board"})
    assert sum(len(c["deals"]) for c in response.context["board"]) == 30  # one stage's first
