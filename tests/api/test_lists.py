"""Every list reads a page in a bounded number of queries, whatever its length; pages
follow a cursor; filters and ordering are the query string's."""

from datetime import date

import pytest
from django.urls import resolve, reverse

from accounts.figures import figures_refresh
from accounts.models import (
    Account,
    Activity,
    Commitment,
    OpportunityStage,
    RevenueLine,
    TierSnapshot,
)
from plans.services import plan_create
from tests.factories import AccountFactory, OpportunityFactory, StakeholderFactory

pytestmark = pytest.mark.django_db
LISTS = [
    "account", "stakeholder", "buying_centre", "opportunity", "activity", "commitment",
    "revenue_line", "tier_snapshot", "plan", "stage",
]  # fmt: skip


@pytest.fixture
def more(north_world, kam1):
    """Ten more of everything on more accounts, so a query per row would show."""
    for n in range(10):
        account = AccountFactory(owner=kam1, external_id=f"X-{n}")
        person = StakeholderFactory(account=account)
        deal = OpportunityFactory(account=account, owner=kam1)
        centre = account.buying_centres.create(name="Line", opportunity=deal)
        centre.memberships.create(stakeholder=person, role="user")
        activity = Activity.objects.create(
            account=account, kind="call", date=date(2026, 3, n + 1), summary="x", created_by=kam1
        )
        activity.stakeholders.add(person)
        activity.our_people.add(kam1)
        Commitment.objects.create(account=account, what="x", due=date(2026, 6, 1), owner=kam1)
        RevenueLine.objects.create(
            account=account, date=date(2026, 2, 1), amount=10, currency_id="USD",
            external_ref=f"R-{n}",
        )  # fmt: skip
        snapshot = north_world["tier_snapshot"]
        snapshot.pk, snapshot.account = None, account
        snapshot.save()
    figures_refresh()


@pytest.mark.parametrize("basename", LISTS)
def test_a_list_takes_a_bounded_number_of_queries(
    more, kam1, token_client, basename, django_assert_max_num_queries
):
    api = token_client(kam1)

    with django_assert_max_num_queries(10):
        response = api.get(reverse(f"api:{basename}-list"))

    assert response.status_code == 200
    assert len(response.json()["results"]) >= 1


def test_pages_follow_a_cursor_without_overlap(more, kam1, token_client):
    api = token_client(kam1)
    path = reverse("api:account-list") + "?page_size=4&ordering=name"
    seen: list[str] = []

    while path:
        page = api.get(path).json()
        seen += [row["name"] for row in page["results"]]
        path = page["next"]

    assert len(seen) == 11 == len(set(seen))
    assert seen == sorted(seen)


@pytest.mark.parametrize("basename", LISTS)
def test_every_ordering_pages_through_every_row_once_however_many_tie(
    more, kam1, token_client, basename
):
    """A BI tool pulls a list page by page: under each ordering, both ways, it gets every
    row once, in the order of the whole list read at once, though many rows tie (the same names,
    revenue, dates and due days)."""
    for n in range(6):
        AccountFactory(owner=kam1, name="Twin", external_id=f"T-{n}")
    api = token_client(kam1)
    path = reverse(f"api:{basename}-list")
    view = resolve(path).func.cls  # type: ignore[attr-defined]

    for field in view.ordering_fields:
        for ordering in (field, f"-{field}"):
            whole = api.get(path, {"ordering": ordering, "page_size": 1000}).json()["results"]
            seen: list = []
            url = f"{path}?ordering={ordering}&page_size=3"
            while url:
                page = api.get(url).json()
                seen += [row["id"] for row in page["results"]]
                url = page["next"]

            assert seen == [row["id"] for row in whole], ordering
            assert len(seen) == len(set(seen)), ordering


@pytest.fixture
def varied(more, north_world, kam1):
    """Beside `more`'s rows, one of each that a filter should tell apart."""
    account = Account.objects.get(external_id="X-3")
    Activity.objects.create(
        account=account, kind="visit", date=date(2026, 5, 1), summary="x", created_by=kam1
    )
    Commitment.objects.create(
        account=account, what="x", due=date(2026, 1, 15), owner=kam1, done_on=date(2026, 1, 10)
    )
    RevenueLine.objects.create(
        account=account, date=date(2025, 12, 1), amount=5, currency_id="THB", external_ref="T-1"
    )
    won = OpportunityStage.objects.get(name="Closed won")
    OpportunityFactory(account=account, owner=kam1, stage=won, probability=100)
    plan_create(account=account, fiscal_year=2027, by=kam1)
    return {"x3": account.pk, "won_stage": won.pk}


FILTERS = [
    ("stakeholder", {"account_external_id": "X-3"}, lambda r, d: r["account"] == d["x3"]),
    ("buying_centre", {"account": "x3"}, lambda r, d: r["account"] == d["x3"]),
    ("opportunity", {"outcome": "won"}, lambda r, d: r["outcome"] == "won"),
    ("opportunity", {"stage": "won_stage"}, lambda r, d: r["stage"] == d["won_stage"]),
    ("activity", {"kind": "visit"}, lambda r, d: r["kind"] == "visit"),
    (
        "activity",
        {"date_after": "2026-03-03", "date_before": "2026-03-05"},
        lambda r, d: "2026-03-03" <= r["date"] <= "2026-03-05",
    ),
    ("commitment", {"done": "true"}, lambda r, d: r["done_on"] is not None),
    ("commitment", {"due_before": "2026-02-01"}, lambda r, d: r["due"] <= "2026-02-01"),
    ("revenue_line", {"currency": "thb"}, lambda r, d: r["currency"] == "THB"),
    ("revenue_line", {"date_before": "2025-12-31"}, lambda r, d: r["date"] <= "2025-12-31"),
    ("tier_snapshot", {"account": "x3"}, lambda r, d: r["account"] == d["x3"]),
    ("plan", {"fiscal_year": "2027"}, lambda r, d: r["fiscal_year"] == 2027),
]


@pytest.mark.parametrize(("basename", "query", "keeps"), FILTERS)
def test_each_lists_filters_keep_exactly_the_rows_they_name(
    varied, kam1, token_client, basename, query, keeps
):
    """The filtered list is the whole list's rows that match, and fewer than all."""
    api = token_client(kam1)
    path = reverse(f"api:{basename}-list")
    query = {key: varied.get(value, value) for key, value in query.items()}
    whole = api.get(path, {"page_size": 1000}).json()["results"]

    rows = api.get(path, {**query, "page_size": 1000}).json()["results"]

    expected = [row["id"] for row in whole if keeps(row, varied)]
    assert 0 < len(expected) < len(whole)
    assert sorted(row["id"] for row in rows) == sorted(expected)


def test_it_filters_and_shows_account_tier_group_and_health(north_world, kam1, token_client):
    account = north_world["account"]
    account.nine_box_class, account.abc, account.health = "A", "A", 82
    account.save()
    AccountFactory(owner=kam1, parent=account, name="Siam Cement Paper")

    api = token_client(kam1)
    rows = api.get(reverse("api:account-list"), {"nine_box_class": "A"}).json()["results"]
    units = api.get(reverse("api:account-list"), {"parent": account.pk}).json()["results"]

    assert [row["name"] for row in rows] == ["Siam Cement"]
    assert rows[0]["tier"]["nine_box_class"] == "A"
    assert rows[0]["health"] == {"score": 82, "band": "green"}
    assert rows[0]["dossier"]["industry"] == "Cement"
    assert units[0]["group"] == {"parent": account.pk, "parent_name": "Siam Cement"}


def test_a_bad_filter_value_is_400_not_500(north_world, kam1, token_client):
    api = token_client(kam1)

    assert api.get(reverse("api:account-list"), {"owner": "²"}).status_code == 400
    assert api.get(reverse("api:account-list"), {"cursor": "nope"}).status_code == 404
    assert api.get(reverse("api:account-list"), {"q": "\x00"}).status_code == 400


def test_tier_history_reads_each_run_of_an_account(north_world, kam1, token_client):
    snapshot = north_world["tier_snapshot"]
    TierSnapshot.objects.create(
        account=snapshot.account, as_of=date(2026, 2, 28), revenue_12m=2000,
        revenue_previous_12m=0, revenue_last_6m=2000, potential=5000, abc="A", xyz="Z",
        contribution_level="low", potential_level="low", nine_box_class="C", status="active",
        strategy="develop",
    )  # fmt: skip

    rows = (
        token_client(kam1)
        .get(
            reverse("api:tier_snapshot-list"),
            {"account": snapshot.account_id, "ordering": "-as_of", "as_of_after": "2026-01-01"},
        )
        .json()["results"]
    )

    assert [(r["as_of"], r["nine_box_class"]) for r in rows] == [
        ("2026-02-28", "C"), ("2026-01-31", "D"),
    ]  # fmt: skip


def test_the_dashboard_figures_are_the_readers_own(north_world, kam1, kam2, token_client):
    mine = token_client(kam1).get(reverse("api:dashboard")).json()
    theirs = token_client(kam2).get(reverse("api:dashboard")).json()

    assert mine["kams"] == [kam1.pk]
    assert theirs["kams"] == [kam2.pk]
    assert set(mine) >= {"nine_box", "abc_xyz", "pipeline", "kpis", "fiscal_year"}
    assert [row["kam"] for row in mine["kpis"]] == ["kam1"]
    assert {row["kam"] for row in mine["pipeline"]} == {"kam1"}
