from datetime import UTC, date, datetime
from decimal import Decimal

import time_machine
from django.urls import reverse

from accounts.tiering import tiers_recompute
from tests.factories import AccountFactory, RevenueLineFactory


def tiered_portfolio(owner):
    big = AccountFactory(owner=owner, name="Big", potential=Decimal("30000000"))
    small = AccountFactory(owner=owner, name="Small")
    for month in range(1, 11):
        RevenueLineFactory(account=big, date=date(2026, month, 5), amount=Decimal("1200000"))
    RevenueLineFactory(account=small, date=date(2026, 10, 5), amount=Decimal("100"))
    tiers_recompute(as_of=date(2026, 10, 20))
    tiers_recompute(as_of=date(2026, 11, 23))
    return big, small


def test_the_list_filters_by_class_status_and_strategy(client, kam1):
    tiered_portfolio(kam1)
    client.force_login(kam1)

    def names(**query):
        response = client.get(reverse("accounts:list"), query)
        return [a.name for a in response.context["object_list"]]

    assert names(nine_box_class="A") == ["Big"]
    assert names(nine_box_class="D", strategy="wait_and_watch") == ["Small"]
    assert names(abc="A", xyz="Y") == ["Big"]  # 10 months of 12: CV 0.447
    assert names(status="lost") == []


# The page charts the runs of the twelve months up to today: seen on a day after them.
@time_machine.travel(datetime(2026, 12, 3, 10, tzinfo=UTC), tick=False)
def test_the_page_shows_the_tier_its_history_and_tactics(client, kam1):
    big, _ = tiered_portfolio(kam1)
    client.force_login(kam1)

    response = client.get(reverse("accounts:performance", args=[big.pk]))

    html = response.content.decode()
    assert [run["as_of"] for run in response.context["tier_history"]] == [
        date(2026, 10, 20),
        date(2026, 11, 23),
    ]
    assert 'data-testid="tier-history"' in html
    assert ': A AY Active">' in html  # each run's status named in words, not as its code
    assert "Strategy:</strong> Retain" in html
    assert "Turn opponents around and unite as many supporters as possible." in html


@time_machine.travel(datetime(2026, 12, 3, 10, tzinfo=UTC), tick=False)
def test_the_page_can_be_seen_as_of_an_earlier_run(client, kam1):
    big, _ = tiered_portfolio(kam1)
    client.force_login(kam1)

    response = client.get(reverse("accounts:performance", args=[big.pk]), {"as_of": "2026-10-31"})

    assert response.context["tier"].as_of == date(2026, 10, 20)
    assert [run["as_of"] for run in response.context["tier_history"]] == [date(2026, 10, 20)]
    # Its months are the whole ones before that day's month, as that run counted them.
    assert response.context["monthly_revenue"][-1][0] == date(2026, 9, 1)
    assert 'data-testid="as-of"' in response.content.decode()


@time_machine.travel(datetime(2026, 12, 3, 10, tzinfo=UTC), tick=False)
def test_the_run_menu_offers_every_run_and_marks_the_one_seen(client, kam1):
    big, _ = tiered_portfolio(kam1)
    client.force_login(kam1)

    today = client.get(reverse("accounts:performance", args=[big.pk])).content.decode()
    earlier = client.get(reverse("accounts:performance", args=[big.pk]), {"as_of": "2026-10-31"})

    assert '<option value="2026-11-23">11/23/2026</option>' in today
    assert '<option value="2026-10-20">10/20/2026</option>' in today
    assert today.index('"2026-11-23"') < today.index('"2026-10-20"')  # newest first
    assert '<option value="2026-10-20" selected>10/20/2026</option>' in earlier.content.decode()


def test_before_any_run_the_page_says_the_account_was_not_rated(client, kam1):
    big, _ = tiered_portfolio(kam1)
    client.force_login(kam1)

    response = client.get(reverse("accounts:performance", args=[big.pk]), {"as_of": "2026-01-31"})

    assert response.context["tier"] is None
    assert "No tiering run had rated this account by then." in response.content.decode()
