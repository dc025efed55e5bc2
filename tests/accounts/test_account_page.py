import itertools
from datetime import UTC, date, datetime, timedelta
from decimal import Decimal

import pytest
import time_machine
from django.urls import reverse
from django.utils import timezone

from accounts.figures import figures_refresh
from accounts.models import (
    AccountCompetitor,
    Activity,
    Attitude,
    BuyingCentre,
    BuyingCentreMember,
    BuyingRole,
    Commitment,
    Competitor,
    InfluenceLink,
    OpportunityStage,
)
from tests.factories import (
    AccountFactory,
    OpportunityFactory,
    RevenueLineFactory,
    StakeholderFactory,
)


@pytest.mark.parametrize(
    "view",
    [
        "accounts:detail",
        "accounts:people",
        "accounts:performance",
        "accounts:brief",
        "accounts:update",
    ],
)
def test_another_teams_kam_gets_404(client, kam1, south_account, view):
    client.force_login(kam1)

    assert client.get(reverse(view, args=[south_account.pk])).status_code == 404
    assert client.post(reverse(view, args=[south_account.pk]), {}).status_code in (404, 405)


def test_a_director_of_another_team_gets_404(client, director2, north_account):
    client.force_login(director2)

    assert client.get(reverse("accounts:detail", args=[north_account.pk])).status_code == 404


def test_the_people_tab_maps_the_people(client, kam1, north_account):
    boss = StakeholderFactory(account=north_account, name="Khun Anan", title="CEO")
    StakeholderFactory(account=north_account, name="Khun Malee", reports_to=boss)
    client.force_login(kam1)

    response = client.get(reverse("accounts:people", args=[north_account.pk]))

    html = response.content.decode()
    assert response.context["account"] == north_account
    assert html.count('data-testid="map-node"') == 2
    assert "Khun Malee" in html
    assert [e.kind for e in response.context["stakeholder_map"].edges] == ["reports"]


def test_it_warns_when_no_supporter_sits_at_decision_level(client, kam1, north_account):
    StakeholderFactory(
        account=north_account,
        buying_role=BuyingRole.DECISION_MAKER,
        attitude=Attitude.OPPONENT,
    )
    client.force_login(kam1)
    url = reverse("accounts:people", args=[north_account.pk])

    assert 'data-testid="no-decision-supporter"' in client.get(url).content.decode()

    StakeholderFactory(
        account=north_account, buying_role=BuyingRole.ECONOMIC_BUYER, attitude=Attitude.SUPPORTER
    )
    assert 'data-testid="no-decision-supporter"' not in client.get(url).content.decode()


def test_it_rolls_up_the_group_in_the_base_currency(client, kam1, director1):
    group = AccountFactory(name="Cement Group", owner=kam1, potential=Decimal("1000"))
    paper = AccountFactory(name="Paper Co", owner=kam1, parent=group, potential=Decimal("500"))
    RevenueLineFactory(account=group, amount=Decimal("100"))
    RevenueLineFactory(account=paper, amount=Decimal("40"))
    OpportunityFactory(account=paper, amount=Decimal("7"))
    OpportunityFactory(
        account=paper, amount=Decimal("900"), stage=OpportunityStage.objects.get(name="Closed won")
    )
    figures_refresh()  # as an import or the nightly run would
    client.force_login(kam1)

    response = client.get(reverse("accounts:detail", args=[paper.pk]))

    root = response.context["group"]
    assert root.account == group
    assert root.totals == (Decimal("140.00"), Decimal("1500.00"), Decimal("7.00"))
    assert [child.account for child in root.children] == [paper]


def test_it_draws_every_level_of_a_group(client, kam1, kam2):
    """Units are read level by level, asking only for the units of those that have some:
    the deepest unit still shows, and one of another team stays out of the tree."""
    group = AccountFactory(name="Group", owner=kam1)
    unit = AccountFactory(name="Unit", owner=kam1, parent=group)
    AccountFactory(name="Leaf", owner=kam1, parent=group)
    department = AccountFactory(name="Department", owner=kam1, parent=unit)
    desk = AccountFactory(name="Desk", owner=kam1, parent=department)
    AccountFactory(name="Elsewhere", owner=kam2, parent=desk)
    client.force_login(kam1)

    response = client.get(reverse("accounts:detail", args=[desk.pk]))

    assert [(n.account.name, n.depth) for n in response.context["group_rows"]] == [
        ("Group", 0),
        ("Leaf", 1),
        ("Unit", 1),
        ("Department", 2),
        ("Desk", 3),
    ]


def test_it_flags_overdue_commitments_and_shows_the_timeline(client, kam1, north_account):
    today = timezone.localdate()
    Commitment.objects.create(
        account=north_account, what="Send samples", due=today - timedelta(days=1), owner=kam1
    )
    Activity.objects.create(
        account=north_account,
        kind="visit",
        date=today - timedelta(days=90),
        summary="Plant visit",
        created_by=kam1,
    )
    client.force_login(kam1)

    response = client.get(reverse("accounts:detail", args=[north_account.pk]))

    html = response.content.decode()
    assert "overdue since" in html
    assert "Plant visit" in html
    assert response.context["days_since_contact"] == 90
    assert response.context["is_stale"] is True


def test_it_charts_24_months_of_revenue(client, kam1, north_account):
    RevenueLineFactory(account=north_account, amount=Decimal("250"))
    client.force_login(kam1)

    response = client.get(reverse("accounts:performance", args=[north_account.pk]))

    months = response.context["monthly_revenue"]
    assert len(months) == 24
    assert sum(total for _, total in months) == Decimal("250")


@time_machine.travel(datetime(2026, 12, 3, 10, tzinfo=UTC), tick=False)
def test_it_names_each_month_and_its_amount_on_the_chart(client, kam1, north_account):
    RevenueLineFactory(account=north_account, date=date(2026, 10, 5), amount=Decimal("1250"))
    client.force_login(kam1)

    html = client.get(reverse("accounts:performance", args=[north_account.pk])).content.decode()

    assert "<title>Oct 2026: 1,250.00 USD</title>" in html  # a bar's tooltip
    assert '<text x="0" y="124" class="axis">Dec 24</text>' in html  # the first month's label
    assert '<td>October 2026</td><td class="text-end">1,250.00 USD</td>' in html  # the table
    assert '<td>November 2026</td><td class="text-end">0.00 USD</td>' in html


@pytest.mark.parametrize("tab", ["accounts:detail", "accounts:people", "accounts:performance"])
def test_each_tab_runs_a_bounded_number_of_queries_however_big_the_account(
    client, kam1, north_account, django_assert_max_num_queries, tab
):
    unit = AccountFactory(owner=kam1, parent=north_account)
    people = StakeholderFactory.create_batch(40, account=north_account)
    for boss, report in itertools.pairwise(people):
        report.reports_to = boss
        report.save(update_fields=["reports_to"])
    for a, b in zip(people, people[2:], strict=False):
        InfluenceLink.objects.create(source=a, target=b)
    competitor = Competitor.objects.create(name="Holcim")
    AccountCompetitor.objects.create(account=north_account, competitor=competitor)
    for opportunity in OpportunityFactory.create_batch(30, account=north_account):
        opportunity.competitors.add(competitor)
    centre = BuyingCentre.objects.create(account=north_account, name="Kiln upgrade")
    for person in people[:10]:
        BuyingCentreMember.objects.create(
            buying_centre=centre, stakeholder=person, role=BuyingRole.USER
        )
    for _ in range(30):
        activity = Activity.objects.create(
            account=north_account,
            kind="call",
            date=timezone.localdate(),
            summary="Call",
            created_by=kam1,
        )
        activity.stakeholders.add(*people[:3])
    RevenueLineFactory.create_batch(200, account=north_account)
    RevenueLineFactory.create_batch(50, account=unit)
    client.force_login(kam1)

    with django_assert_max_num_queries(16):
        response = client.get(reverse(tab, args=[north_account.pk]))

    shown = {
        "accounts:detail": lambda: len(response.context["activities"]) == 20,
        "accounts:people": lambda: len(response.context["stakeholder_map"].nodes) == 40,
        "accounts:performance": lambda: len(response.context["monthly_revenue"]) == 24,
    }
    assert shown[tab]()


def test_the_tabs_mark_the_one_shown_and_each_draws_only_its_part(client, kam1, north_account):
    """The overview leaves the map and the charts to their tabs: drawn together, the page
    took some 8x a trivial one (README, Benchmarks)."""
    StakeholderFactory(account=north_account, name="Khun Anan", title="CEO")
    RevenueLineFactory(account=north_account, amount=Decimal("250"))
    client.force_login(kam1)
    parts = {"accounts:detail": 'id="h-opps"', "accounts:people": 'id="h-map"',
             "accounts:performance": 'id="h-revenue"'}  # fmt: skip

    for tab, part in parts.items():
        html = client.get(reverse(tab, args=[north_account.pk])).content.decode()

        assert html.count('aria-current="page"') == 1
        assert f'aria-current="page" href="{reverse(tab, args=[north_account.pk])}"' in html
        assert [other for other in parts.values() if other in html] == [part]


def test_each_tab_names_itself_in_the_title(client, kam1, north_account):
    client.force_login(kam1)
    titles = {"accounts:detail": "", "accounts:people": "People · ",
              "accounts:performance": "Tier, health and revenue · "}  # fmt: skip

    for tab, before in titles.items():
        html = client.get(reverse(tab, args=[north_account.pk])).content.decode()

        assert f"<title>{before}{north_account.name} · KAM CRM</title>" in html


def test_addresses_from_before_the_tabs_lead_to_the_tab_that_shows_them(
    client, kam1, north_account
):
    client.force_login(kam1)
    page = reverse("accounts:detail", args=[north_account.pk])

    centre = client.get(page, {"centre": "7"})
    day = client.get(page, {"as_of": "2026-10-31"})

    assert centre.status_code == day.status_code == 302
    assert centre["Location"] == reverse("accounts:people", args=[north_account.pk]) + "?centre=7"
    performance = reverse("accounts:performance", args=[north_account.pk])
    assert day["Location"] == performance + "?as_of=2026-10-31"
    assert client.get(page).status_code == 200


def test_the_brief_fits_the_essentials_on_one_page(client, kam1, north_account):
    StakeholderFactory(account=north_account, name="Khun Anan")
    OpportunityFactory(account=north_account, name="Kiln upgrade")
    client.force_login(kam1)

    html = client.get(reverse("accounts:brief", args=[north_account.pk])).content.decode()

    assert "Khun Anan" in html
    assert "Kiln upgrade" in html
    assert "data-print" in html  # a Print button (static/js/kamcrm.js)


@pytest.mark.parametrize(("nine_box_class", "stale"), [("A", True), ("D", False), ("", False)])
def test_the_contact_rhythm_depends_on_the_class(
    client, kam1, north_account, nine_box_class, stale
):
    north_account.nine_box_class = nine_box_class
    north_account.save()
    Activity.objects.create(
        account=north_account,
        kind="call",
        date=timezone.localdate() - timedelta(days=40),  # A: 30 days, D: 90, untiered: 60
        summary="Call",
        created_by=kam1,
    )
    figures_refresh()  # as an import or the nightly run would
    client.force_login(kam1)

    page = client.get(reverse("accounts:detail", args=[north_account.pk]))
    listing = client.get(reverse("accounts:list"))

    assert page.context["is_stale"] is stale
    assert listing.context["object_list"][0].is_stale is stale


def test_a_large_group_folds_its_smaller_units_into_one_row(client, kam1):
    """Fifteen units: the ten largest are drawn, the current one too however small, and the
    other four are one row that sums them and links to the list of the group's units."""
    group = AccountFactory(name="Cement Group", owner=kam1)
    units = [AccountFactory(name=f"Unit {n:02}", owner=kam1, parent=group) for n in range(15)]
    for n, unit in enumerate(units):
        RevenueLineFactory(account=unit, amount=Decimal(100 * (n + 1)))  # Unit 14 largest
    figures_refresh()
    client.force_login(kam1)

    response = client.get(reverse("accounts:detail", args=[units[0].pk]))  # the smallest

    rows = response.context["group_rows"]
    drawn = [row.account.name for row in rows if not getattr(row, "folded", False)]
    assert drawn == ["Cement Group", *[f"Unit {n:02}" for n in range(14, 4, -1)], "Unit 00"]
    folded = rows[-1]
    assert (folded.count, folded.totals[0]) == (4, Decimal(200 + 300 + 400 + 500))
    html = response.content.decode()
    assert f'?parent={group.pk}">and 4 more units</a>' in html
    listed = client.get(reverse("accounts:list"), {"parent": group.pk}).context["object_list"]
    assert len(listed) == 15
