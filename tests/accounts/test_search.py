"""Search from the navbar: what the reader may see, and only that."""

from django.urls import reverse

from tests.factories import AccountFactory, OpportunityFactory, StakeholderFactory


def found(client, user, text: str) -> dict:
    client.force_login(user)
    context = client.get(reverse("accounts:search"), {"q": text}).context
    return {kind: [row.name for row in context[kind]] for kind in ("accounts", "people", "deals")}


def test_it_finds_accounts_people_and_deals_by_part_of_a_name(client, kam1):
    cement = AccountFactory(owner=kam1, name="Siam Cement", external_id="SC-1")
    StakeholderFactory(account=cement, name="Khun Somchai", title="Cement buyer")
    OpportunityFactory(account=cement, name="Cement kiln upgrade")
    AccountFactory(owner=kam1, name="Bangkok Paper")

    assert found(client, kam1, "cement") == {
        "accounts": ["Siam Cement"],
        "people": ["Khun Somchai"],  # by title
        "deals": ["Cement kiln upgrade"],
    }
    assert found(client, kam1, "sc-1")["accounts"] == ["Siam Cement"]  # by id, any case


def test_another_teams_accounts_people_and_deals_stay_hidden(client, kam1, kam2):
    south = AccountFactory(owner=kam2, name="Hanoi Cement")
    StakeholderFactory(account=south, name="Cement Nguyen")
    OpportunityFactory(account=south, name="Cement silo")

    assert found(client, kam1, "cement") == {"accounts": [], "people": [], "deals": []}
    assert found(client, kam2, "cement")["accounts"] == ["Hanoi Cement"]


def test_an_empty_or_fruitless_search_says_what_to_do(client, kam1):
    client.force_login(kam1)
    assert 'data-testid="search-empty"' in client.get(reverse("accounts:search")).content.decode()
    page = client.get(reverse("accounts:search"), {"q": "zzz"}).content.decode()
    assert 'data-testid="search-none"' in page


def test_many_accounts_link_to_the_list_and_the_queries_stay_few(
    client, kam1, django_assert_max_num_queries
):
    for n in range(12):
        account = AccountFactory(owner=kam1, name=f"Cement {n:02}")
        StakeholderFactory(account=account, name=f"Cement person {n}")
    client.force_login(kam1)

    with django_assert_max_num_queries(9):
        page = client.get(reverse("accounts:search"), {"q": "cement"})

    assert len(page.context["accounts"]) == 10
    assert f"{reverse('accounts:list')}?q=cement" in page.content.decode()
    assert 'data-testid="nav-search"' in page.content.decode()
