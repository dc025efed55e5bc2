"""The page the nightly digest links to: a run's movements among the user's accounts."""

from datetime import date

from django.urls import reverse

from accounts.tiering import tiers_recompute
from tests.accounts.test_tiering import bill
from tests.factories import AccountFactory


def moved(kam1, kam2):
    for owner, name in [(kam1, "Fading"), (kam1, "Other fading"), (kam2, "South fading")]:
        bill(AccountFactory(owner=owner, name=name), {i: "100" for i in range(-12, 6)})
    bill(AccountFactory(owner=kam1, name="Steady"), {i: "100" for i in range(-12, 13)})
    tiers_recompute(as_of=date(2026, 5, 20))
    tiers_recompute(as_of=date(2026, 11, 23))


def test_the_page_lists_the_users_moved_accounts_by_kind(
    client, kam1, kam2, django_assert_max_num_queries
):
    moved(kam1, kam2)
    client.force_login(kam1)

    with django_assert_max_num_queries(12):
        response = client.get(reverse("accounts:movements"), {"as_of": "2026-11-23"})

    rows = response.context["page_obj"].object_list
    assert [row.account.name for row in rows] == ["Fading", "Other fading"]
    assert [(k["old_status"], k["status"], k["count"]) for k in response.context["kinds"]] == [
        ("active", "lost", 2)
    ]
    assert "Active → Lost: 2" in response.content.decode()
    # Each account leads to its tier history, as of the run it moved in.
    tab = reverse("accounts:performance", args=[rows[0].account_id])
    assert f'href="{tab}?as_of=2026-11-23"' in response.content.decode()


def test_without_an_earlier_run_the_page_says_so(client, kam1, kam2):
    moved(kam1, kam2)
    client.force_login(kam1)

    response = client.get(reverse("accounts:movements"), {"as_of": "2026-05-20"})

    assert "no earlier one to compare" in response.content.decode()


def test_with_no_run_yet_the_page_says_what_fills_it(client, kam1):
    client.force_login(kam1)

    assert "No tiering run yet" in client.get(reverse("accounts:movements")).content.decode()
