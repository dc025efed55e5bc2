"""The pipeline workspace: deals across the accounts the reader may see."""

from datetime import date, timedelta
from decimal import Decimal

import pytest
from django.urls import reverse
from django.utils import timezone

from accounts.models import OpportunityStage
from dashboards.pipeline import close_periods
from plans.models import PlanSettings
from tests.factories import AccountFactory, OpportunityFactory, UserFactory


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


def test_the_board_heads_each_stage_with_its_count_total_and_weighted_total(client, kam1):
    account = AccountFactory(owner=kam1)
    propose = OpportunityStage.objects.get(name="Propose")
    for amount, probability in ((1000, 50), (300, 10)):
        OpportunityFactory(account=account, stage=propose, amount=amount, probability=probability)

    html = page(client, kam1, view="board").content.decode()

    assert "2 · 1,300 · weighted 530</div>" in html


def test_it_filters_by_deal_owner_and_by_team(client, kam1, kam2, admin):
    teammate = UserFactory(team=kam1.team)
    north = AccountFactory(owner=kam1)
    OpportunityFactory(account=north, owner=kam1, name="Kiln")
    OpportunityFactory(account=north, owner=teammate, name="Silo")
    OpportunityFactory(account=AccountFactory(owner=kam2), owner=kam2, name="South deal")

    def names(**query) -> list[str]:
        return sorted(d.name for d in page(client, admin, **query).context["page_obj"])

    assert names() == ["Kiln", "Silo", "South deal"]
    assert names(owner=teammate.pk) == ["Silo"]
    assert names(team=kam2.team_id) == ["South deal"]
    assert names(team=kam1.team_id, owner=kam1.pk) == ["Kiln"]


@pytest.mark.parametrize(
    ("start_month", "quarter", "following", "year"),
    [
        (
            1,
            ("2026-10-01", "2027-01-01"),
            ("2027-01-01", "2027-04-01"),
            ("2026-01-01", "2027-01-01"),
        ),
        (
            4,
            ("2026-10-01", "2027-01-01"),
            ("2027-01-01", "2027-04-01"),
            ("2026-04-01", "2027-04-01"),
        ),
        (
            7,
            ("2026-10-01", "2027-01-01"),
            ("2027-01-01", "2027-04-01"),
            ("2026-07-01", "2027-07-01"),
        ),
        (
            11,
            ("2026-11-01", "2027-02-01"),
            ("2027-02-01", "2027-05-01"),
            ("2026-11-01", "2027-11-01"),
        ),
        (
            12,
            ("2026-12-01", "2027-03-01"),
            ("2027-03-01", "2027-06-01"),
            ("2026-12-01", "2027-12-01"),
        ),
    ],
)
def test_close_quarters_follow_the_fiscal_year(start_month, quarter, following, year):
    """On 4 December 2026, the fiscal quarters the Closing filter offers."""
    periods = close_periods(PlanSettings(fiscal_year_start_month=start_month), date(2026, 12, 4))

    def days(key: str) -> tuple[str, str]:
        return (periods[key][1].isoformat(), periods[key][2].isoformat())

    assert (days("quarter"), days("next"), days("year")) == (quarter, following, year)
