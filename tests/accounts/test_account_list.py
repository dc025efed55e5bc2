import csv
import io
from datetime import date, timedelta
from decimal import Decimal
from urllib.parse import quote

import pytest
from django.test.html import parse_html
from django.urls import reverse
from django.utils import timezone

from accounts.figures import figures_refresh
from accounts.models import Account, AccountType, Commitment, Currency, Status
from accounts.periods import trailing_window
from accounts.views.accounts import AccountListView
from kamcrm.paginator import CappedPaginator
from tests.factories import (
    AccountFactory,
    OpportunityFactory,
    RevenueLineFactory,
    StakeholderFactory,
)

NBSP = "\N{NO-BREAK SPACE}"


def _days_before(day) -> int:
    return -(day or date.min).toordinal()


def in_order(accounts, sort: str) -> list:
    """The accounts as the list's sort documents it, worked out here: the figure (NULLs
    where ListOrdering puts them), then name, then id."""
    key = {
        "-pipeline": lambda a: (-a.list_open_pipeline,),
        "pipeline": lambda a: (a.list_open_pipeline,),
        "health": lambda a: (a.health is None, a.health or 0),
        "-health": lambda a: (a.health is None, -(a.health or 0)),
        "-contact": lambda a: (a.list_last_contact is None, _days_before(a.list_last_contact)),
        "contact": lambda a: (a.list_last_contact is not None, a.list_last_contact or date.min),
        "-potential": lambda a: (a.list_potential is None, -(a.list_potential or 0)),
        "": lambda a: (),
    }[sort]
    return sorted(accounts, key=lambda a: (*key(a), a.name, a.pk))


def listed(response):
    return [account.name for account in response.context["object_list"]]


def test_a_kam_lists_their_teams_accounts_only(client, kam1, north_account, south_account):
    client.force_login(kam1)

    assert listed(client.get(reverse("accounts:list"))) == ["Siam Cement"]


def test_it_searches_by_name_and_external_id(client, kam1, north_account):
    AccountFactory(name="Bangkok Paper", owner=kam1)
    client.force_login(kam1)

    assert listed(client.get(reverse("accounts:list"), {"q": "paper"})) == ["Bangkok Paper"]
    assert listed(client.get(reverse("accounts:list"), {"q": "sc-1"})) == ["Siam Cement"]


def test_it_filters_by_type_and_country(client, kam1, north_account):
    AccountFactory(name="Warsaw Media", owner=kam1, country="Poland", account_type="image")
    client.force_login(kam1)

    by_type = client.get(reverse("accounts:list"), {"account_type": AccountType.IMAGE})
    by_country = client.get(reverse("accounts:list"), {"country": "poland"})

    assert listed(by_type) == ["Warsaw Media"]
    assert listed(by_country) == ["Warsaw Media"]


def test_it_sorts_by_revenue_in_the_base_currency(client, kam1):
    Currency.objects.filter(code="THB").update(rate_to_base=Decimal("0.03"))
    small = AccountFactory(name="Small in dollars", owner=kam1)
    large = AccountFactory(name="Large in baht", owner=kam1)
    RevenueLineFactory(account=small, amount=Decimal("1000"))
    RevenueLineFactory(account=large, amount=Decimal("100000"), currency_id="THB")  # 3,000 USD
    figures_refresh()  # as an import or the nightly run would
    client.force_login(kam1)

    response = client.get(reverse("accounts:list"), {"sort": "-revenue"})

    assert listed(response) == ["Large in baht", "Small in dollars"]
    assert response.context["object_list"][0].revenue_12m == Decimal("3000.00")


def test_revenue_counts_the_last_twelve_whole_months_only(client, kam1, north_account):
    start, end = trailing_window(timezone.localdate())
    RevenueLineFactory(account=north_account, date=start, amount=Decimal("10"))
    RevenueLineFactory(account=north_account, date=end - timedelta(days=1), amount=Decimal("20"))
    RevenueLineFactory(account=north_account, date=start - timedelta(days=1), amount=Decimal("400"))
    RevenueLineFactory(account=north_account, date=end, amount=Decimal("8000"))
    figures_refresh()  # as an import or the nightly run would
    client.force_login(kam1)

    account = client.get(reverse("accounts:list")).context["object_list"][0]

    assert account.revenue_12m == Decimal("30.00")


def test_it_flags_overdue_commitments_and_stale_contact(client, kam1, north_account):
    Commitment.objects.create(
        account=north_account,
        what="Send the revised quote",
        due=timezone.localdate() - timedelta(days=3),
        owner=kam1,
    )
    figures_refresh()  # as an import or the nightly run would
    client.force_login(kam1)

    html = client.get(reverse("accounts:list")).content.decode()

    assert "1 overdue commitment" in html
    assert "never contacted" in html


def test_a_row_says_what_the_account_is_in_the_readers_words(client, kam1):
    """The rows are drawn in Python (accounts/templatetags/account_rows.py): each cell
    says what the template said, names escaped, in the reader's language."""
    group = AccountFactory(owner=kam1, name='Acme "Group"')
    account = AccountFactory(
        owner=kam1,
        parent=group,
        name="Smith & <Sons>",
        is_strategic=True,
        account_type=AccountType.BREADWINNER,
        nine_box_class="A",
        abc="A",
        xyz="X",
        status=Status.ACTIVE,
        health=20,
    )
    Account.objects.filter(pk=account.pk).update(
        list_revenue_12m=Decimal("1234567.40"),
        list_last_contact=timezone.localdate() - timedelta(days=100),
    )
    kam1.language = "pl"
    kam1.save()
    client.force_login(kam1)

    page = parse_html(client.get(reverse("accounts:list")).content.decode())

    name = f'<a href="/accounts/{account.pk}/">Smith &amp; &lt;Sons&gt;</a>'
    for cell in [
        name,
        '<div class="small text-body-secondary">część: Acme &quot;Group&quot;</div>',
        '<span class="badge text-bg-primary">strategiczny</span>',
        # The score leads to the tab that says why.
        f'<a class="badge text-decoration-none text-bg-danger" '
        f'href="/accounts/{account.pk}/performance/" title="Kondycja 20: zobacz dlaczego" '
        f'aria-label="Kondycja 20: zobacz dlaczego" data-testid="health-{account.pk}">20</a>',
        '<span class="badge status-active">Aktywny</span>',
        f'<td class="text-end">1{NBSP}234{NBSP}567</td>',
        '<span class="badge text-bg-warning" title="Brak kontaktu dłużej niż 30 dni">'
        "100 dni temu</span>",
    ]:
        assert page.count(parse_html(cell)) == 1, cell
    # The group itself: not tiered yet, never contacted (the rhythm of accounts not tiered).
    for cell in [
        '<span class="text-body-secondary small">jeszcze niesklasyfikowany</span>',
        '<span class="badge text-bg-warning" title="Brak kontaktu dłużej niż 60 dni">'
        "brak kontaktu</span>",
    ]:
        assert page.count(parse_html(cell)) == 1, cell


def test_it_paginates(client, kam1):
    AccountFactory.create_batch(30, owner=kam1)
    client.force_login(kam1)

    assert len(listed(client.get(reverse("accounts:list")))) == 25
    assert len(listed(client.get(reverse("accounts:list"), {"page": 2}))) == 5


def test_a_list_longer_than_it_counts_says_more_than_and_pages_on(client, kam1, monkeypatch):
    """Counting stops at the cap: past it the list says "more than", numbers its pages
    without a total, and the last page is the one with no next."""
    monkeypatch.setattr(CappedPaginator, "cap", 4)
    monkeypatch.setattr(AccountListView, "paginate_by", 2)
    for number in range(7):
        AccountFactory(owner=kam1, name=f"Account {number}")
    client.force_login(kam1)

    first = client.get(reverse("accounts:list"))
    last = client.get(reverse("accounts:list"), {"page": 4})

    html = first.content.decode()
    assert "more than 4 accounts" in html
    assert "Page 1" in html
    assert "Page 1 of" not in html
    assert first.context["page_obj"].has_next()
    assert listed(last) == ["Account 6"]
    assert not last.context["page_obj"].has_next()
    assert last.context["page_obj"].start_index() == last.context["page_obj"].end_index() == 7
    assert client.get(reverse("accounts:list"), {"page": 5}).status_code == 404
    assert listed(client.get(reverse("accounts:list"), {"page": "last"})) == ["Account 6"]
    assert "1 account " in client.get(reverse("accounts:list"), {"q": "Account 1"}).content.decode()


@pytest.mark.parametrize("sort", ["-pipeline", "pipeline", "health", "contact", "-potential", ""])
def test_a_page_far_in_shows_the_rows_a_plain_slice_would(client, kam1, monkeypatch, sort):
    """Far into a long list a page reads its ids first, then its rows: the same rows in
    the same order, ties (most accounts have no pipeline) broken by name, then id."""
    monkeypatch.setattr(CappedPaginator, "cap", 4)
    monkeypatch.setattr(CappedPaginator, "deep", 6)
    monkeypatch.setattr(AccountListView, "paginate_by", 3)
    for number in range(20):
        account = AccountFactory(owner=kam1, name=f"Account {number % 7}")  # names tie too
        Account.objects.filter(pk=account.pk).update(
            list_open_pipeline=Decimal(number % 3), health=None if number % 4 else number
        )
    client.force_login(kam1)

    pages = [
        listed(client.get(reverse("accounts:list"), {"sort": sort, "page": page}))
        for page in range(1, 8)
    ]

    everyone = [a.name for a in in_order(Account.objects.visible_to(kam1), sort)]
    assert [name for page in pages for name in page] == everyone
    assert pages[3] == everyone[9:12]  # read ids first (past `deep`)


SORTS = ["-pipeline", "pipeline", "health", "-health", "contact", "-contact", "-potential", ""]


@pytest.mark.parametrize("sort", SORTS)
def test_next_reads_on_from_where_the_page_ended(client, kam1, monkeypatch, sort):
    """Each Next link carries its page's last place; following them through a long list
    (ties, NULLs first and last) gives every account once, in the documented order."""
    monkeypatch.setattr(CappedPaginator, "cap", 4)
    monkeypatch.setattr(AccountListView, "paginate_by", 3)
    for number in range(17):
        account = AccountFactory(owner=kam1, name=f"Account {number % 5}")
        Account.objects.filter(pk=account.pk).update(
            list_open_pipeline=Decimal(number % 3),
            health=None if number % 4 else number,
            list_last_contact=None if number % 3 else date(2026, 1, 1 + number % 2),
            list_potential=None if number % 2 else Decimal(number % 4),
        )
    client.force_login(kam1)

    seen, url = [], f"{reverse('accounts:list')}?sort={sort}"
    while url:
        response = client.get(url)
        seen += listed(response)
        page = response.context["page_obj"]
        url = ""
        if page.has_next():
            assert page.after  # the next page seeks, it does not skip
            url = f"{reverse('accounts:list')}?sort={sort}&page={page.number + 1}"
            url += f"&after={quote(page.after)}"
            assert f"after={quote(page.after)}" in response.content.decode()

    assert seen == [a.name for a in in_order(Account.objects.visible_to(kam1), sort)]


def test_a_cursor_from_another_sort_or_tampered_reads_by_number(client, kam1, monkeypatch):
    monkeypatch.setattr(CappedPaginator, "cap", 4)
    monkeypatch.setattr(AccountListView, "paginate_by", 3)
    for number in range(9):
        AccountFactory(owner=kam1, name=f"Account {number}")
    client.force_login(kam1)
    after = client.get(reverse("accounts:list")).context["page_obj"].after
    by_pipeline = client.get(reverse("accounts:list"), {"sort": "-pipeline"})
    other_way = by_pipeline.context["page_obj"].after  # as many columns, another order

    for sort, cursor in (("-pipeline", after), ("pipeline", other_way), ("", after[:-2] + "x")):
        page = client.get(reverse("accounts:list"), {"sort": sort, "page": 2, "after": cursor})
        by_number = client.get(reverse("accounts:list"), {"sort": sort, "page": 2})
        assert listed(page) == listed(by_number)


def test_it_says_what_to_do_when_empty(client, kam1):
    client.force_login(kam1)

    assert "No accounts yet" in client.get(reverse("accounts:list")).content.decode()


def test_it_exports_the_filtered_list_as_csv(client, kam1, north_account, south_account):
    AccountFactory(name="Bangkok Paper", owner=kam1)
    RevenueLineFactory(account=north_account, amount=Decimal("1234.50"))
    figures_refresh()  # as an import or the nightly run would
    client.force_login(kam1)

    response = client.get(reverse("accounts:export"), {"q": "siam"})

    rows = list(csv.DictReader(io.StringIO(b"".join(response.streaming_content).decode())))
    assert [row["name"] for row in rows] == ["Siam Cement"]
    assert rows[0]["revenue_12m"] == "1234.50"
    assert rows[0]["owner"] == "kam1"


def test_the_export_gives_potential_in_the_base_currency(client, kam1, rated_accounts):
    Account.objects.filter(external_id="SCG").update(potential=Decimal("1000"))  # THB
    figures_refresh()  # as saving the account through its form would
    client.force_login(kam1)

    response = client.get(reverse("accounts:export"), {"q": "SCG"})

    rows = list(csv.DictReader(io.StringIO(b"".join(response.streaming_content).decode())))
    assert [(row["name"], row["potential"]) for row in rows] == [("SCG", "30.00")]


def test_it_runs_a_bounded_number_of_queries(client, kam1, django_assert_max_num_queries):
    group = AccountFactory(owner=kam1, name="Group")
    for index in range(30):
        account = AccountFactory(owner=kam1, name=f"Account {index:02}", parent=group)
        RevenueLineFactory.create_batch(5, account=account)
        OpportunityFactory.create_batch(2, account=account)
        StakeholderFactory.create_batch(2, account=account)
    client.force_login(kam1)

    with django_assert_max_num_queries(13):
        response = client.get(reverse("accounts:list"))

    assert len(listed(response)) == 25
    html = response.content.decode()
    assert "part of Group" in html
    assert str(kam1.team) in html


def test_a_write_on_the_account_page_shows_in_the_list_at_once(client, kam1):
    """The list reads kept figures: logging a visit and adding a deal refresh them in the
    same request, with no nightly run between."""
    account = AccountFactory(owner=kam1, name="Siam Cement")
    client.force_login(kam1)
    today = timezone.localdate()
    client.post(
        reverse("accounts:activity_create", args=[account.pk]),
        {"kind": "visit", "date": today.isoformat(), "summary": "Walked the plant."},
    )
    OpportunityFactory(account=account, amount=Decimal("300"))  # no service: not seen yet
    listed_before = client.get(reverse("accounts:list")).context["object_list"][0]
    client.post(
        reverse("accounts:commitment_create", args=[account.pk]),
        {"what": "Send the quote", "due": (today - timedelta(days=1)).isoformat(),
         "owner": kam1.pk},
    )  # fmt: skip
    listed = client.get(reverse("accounts:list")).context["object_list"][0]

    assert listed_before.last_activity == today
    assert listed_before.open_pipeline == 0
    # The commitment's save refreshed the whole account's figures, the deal's with them.
    assert (listed.overdue_commitments, listed.open_pipeline) == (1, 300)
