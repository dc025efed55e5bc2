"""The director's dashboard on a small portfolio whose numbers are worked out by hand."""

import csv
import io
from datetime import timedelta
from decimal import Decimal

import pytest
from django.urls import reverse
from django.utils import timezone

from accounts.models import Attitude, BuyingRole, OpportunityStage, TierSnapshot
from accounts.tiering import tiers_recompute
from kamcrm.models import Notification
from kamcrm.signals import announce_portfolio_change
from plans.models import AccountPlan, PlanSettings, PlanStatus, QuarterlyReview
from plans.services import plan_create
from tests.dashboards.conftest import bill
from tests.factories import (
    AccountFactory,
    OpportunityFactory,
    StakeholderFactory,
)


def dashboard(client, user, **query):
    client.force_login(user)
    return client.get(reverse("dashboards:dashboard"), query).context["dashboard"]


def test_the_nine_box_counts_and_sums_the_directors_accounts(client, director1, portfolio):
    context = dashboard(client, director1)

    cells = {(c["contribution"], c["potential"]): c for row in context["nine_box"] for c in row}
    assert (cells["high", "high"]["count"], cells["high", "high"]["revenue"]) == (
        1,
        Decimal("12000000"),
    )
    assert cells["low", "low"]["count"] == 3  # Lost, Prospect, Small; never South's account
    assert sum(c["count"] for c in cells.values()) == 4


def test_abc_xyz_matrix(client, director1, portfolio):
    matrix = dashboard(client, director1)["abc_xyz"]

    # ABC ranks the whole company: South's 60 M comes first, so Big's 12 M has 0.83 above it.
    assert matrix["A"][0]["count"] == 0
    assert matrix["B"][0]["count"] == 1  # Big: B, regular
    assert matrix["C"][2]["count"] == 2  # Lost and Prospect: no revenue, C and Z
    assert sum(cell["count"] for cells in matrix.values() for cell in cells) == 4


def test_kpis_growth_and_retention(client, director1, kam1, portfolio):
    rows = {row["kam"].username: row for row in dashboard(client, director1)["kpis"]}

    # kam1: 12,000,000 now against 12,012,000 before; Big kept, Lost not: 1 of 2 retained.
    assert rows["kam1"]["revenue"] == Decimal("12000000")
    assert float(rows["kam1"]["growth"]) == pytest.approx(-12000 / 12012000)
    assert rows["kam1"]["retention"] == 0.5
    assert rows["kam1b"]["retention"] == 1
    assert "kam2" not in rows


def approved_plan(account, by, **targets):
    year = PlanSettings.current().fiscal_year_of(timezone.localdate())
    plan = plan_create(account=account, fiscal_year=year, by=by)
    for name, value in targets.items():
        setattr(plan, name, value)
    plan.status = PlanStatus.APPROVED
    plan.save()
    return plan


def test_pipeline_against_plan_shows_the_gap_for_the_year_and_the_quarter(
    client, director1, kam1, portfolio
):
    plan = approved_plan(portfolio["big"], kam1, contract_value_target=Decimal("1000"))
    settings, today = PlanSettings.current(), timezone.localdate()
    quarter = next(q for q in range(1, 5) if today <= settings.quarter_end(plan.fiscal_year, q))
    other_quarter = settings.quarter_end(plan.fiscal_year, 2 if quarter == 1 else 1)
    won = OpportunityStage.objects.get(name="Closed won")
    OpportunityFactory(
        account=portfolio["big"], stage=won, amount=Decimal("300"), expected_close=today
    )
    OpportunityFactory(
        account=portfolio["big"],
        amount=Decimal("400"),
        probability=50,
        expected_close=other_quarter,
    )

    rows = {row["kam"].username: row for row in dashboard(client, director1)["pipeline"]}

    year, this_quarter = rows["kam1"]["periods"]
    assert (year["target"], year["signed"], year["open"], year["weighted"]) == (
        Decimal("1000"), Decimal("300"), Decimal("400"), Decimal("200"),
    )  # fmt: skip
    assert (year["coverage"], year["gap"]) == (Decimal("0.5"), Decimal("500"))
    assert this_quarter["period"] == f"Q{quarter}"
    assert (this_quarter["target"], this_quarter["signed"], this_quarter["weighted"]) == (
        Decimal("250"), Decimal("300"), Decimal("0"),
    )  # fmt: skip
    assert (this_quarter["coverage"], this_quarter["gap"]) == (Decimal("1.2"), Decimal("0"))


def test_kpis_payments_against_target_and_overdue_plan_actions(client, director1, kam1, portfolio):
    settings = PlanSettings.current()
    # The fiscal year began three months ago: Big's bills of the last three months fall in it.
    settings.fiscal_year_start_month = (timezone.localdate().month - 4) % 12 + 1
    settings.save()
    plan = approved_plan(portfolio["big"], kam1, payments_target=Decimal("6000000"))
    yesterday = timezone.localdate() - timedelta(days=1)
    plan.actions.create(what="Call the CFO", owner=kam1, due=yesterday)
    plan.actions.create(what="Send the deck", owner=kam1, due=yesterday, status="done")
    plan.actions.create(what="Plan the visit", owner=kam1, due=timezone.localdate())

    row = next(r for r in dashboard(client, director1)["kpis"] if r["kam"] == kam1)

    assert (row["collected"], row["payments_target"]) == (Decimal("3000000"), Decimal("6000000"))
    assert row["against_target"] == Decimal("0.5")
    assert row["overdue_actions"] == 1


def test_accounts_whose_people_are_less_close_than_the_plan_aims(
    client, director1, kam1, portfolio
):
    scores = {"relationship_closeness": 2, "solution_acceptance": 2, "price_acceptance": 2}
    for name, now, aim in [("big", 2, 4), ("small", 4, 3)]:
        scores = dict.fromkeys(scores, now)
        person = StakeholderFactory(account=portfolio[name], **scores)
        plan = approved_plan(portfolio[name], portfolio[name].owner)
        plan.people.create(
            stakeholder=person, target_closeness=aim, target_solution=aim, target_price=aim
        )

    rows = dashboard(client, director1)["below_closeness_target"]

    assert [(r["name"], r["closeness"], r["target"]) for r in rows] == [("Big", 2, 4)]


def test_risk_discipline_and_coverage(client, director1, portfolio):
    StakeholderFactory(
        account=portfolio["big"], buying_role=BuyingRole.DECISION_MAKER, attitude=Attitude.OPPONENT
    )

    context = dashboard(client, director1)

    assert [row["name"] for row in context["at_risk"]] == ["Lost"]
    assert [row["name"] for row in context["without_plan"]] == ["Big"]
    assert [row["name"] for row in context["no_decision_supporter"]] == ["Big"]
    assert [row["name"] for row in context["not_contacted"]] == ["Big"]
    assert context["not_contacted"][0]["url"] == reverse(
        "accounts:detail", args=[portfolio["big"].pk]
    )
    # The row leads to the tab that shows why the account is listed: its people.
    assert context["no_decision_supporter"][0]["url"] == reverse(
        "accounts:people", args=[portfolio["big"].pk]
    )


def test_filtering_by_kam(client, director1, portfolio):
    context = dashboard(client, director1, kam=portfolio["kam1b"].pk)

    assert sum(c["count"] for row in context["nine_box"] for c in row) == 1
    assert [row["kam"].username for row in context["kpis"]] == ["kam1b"]


def test_a_kam_sees_only_their_own_portfolio(client, kam1, portfolio):
    context = dashboard(client, kam1, kam=portfolio["kam1b"].pk)

    assert sum(c["count"] for row in context["nine_box"] for c in row) == 3
    assert [row["kam"].username for row in context["kpis"]] == ["kam1"]


def test_every_widget_exports_csv(client, director1, portfolio):
    client.force_login(director1)

    response = client.get(reverse("dashboards:dashboard"), {"export": "kpis"})

    rows = list(csv.DictReader(io.StringIO(response.content.decode())))
    assert [row["kam"] for row in rows] == ["kam1", "kam1b"]
    widgets = ["nine_box", "abc_xyz", "movements", "pipeline", "at_risk", "without_plan"]
    widgets += ["no_decision_supporter", "below_closeness_target", "not_contacted"]
    for widget in widgets:
        assert client.get(reverse("dashboards:dashboard"), {"export": widget}).status_code == 200


def test_the_query_count_does_not_grow_with_the_portfolio(
    client, director1, kam1, portfolio, django_assert_max_num_queries
):
    for index in range(40):
        account = AccountFactory(owner=kam1, name=f"More {index}")
        bill(account, range(1, 3), "10")
    tiers_recompute(as_of=timezone.localdate())
    client.force_login(director1)
    url = reverse("dashboards:dashboard")

    # The first visit after a change recomputes each stale KAM's figures (kam1, kam1b),
    # a fixed number of queries a KAM; later visits read the stored figures.
    with django_assert_max_num_queries(10 + 2 * 21):
        assert client.get(url).status_code == 200
    with django_assert_max_num_queries(9):
        assert client.get(url).status_code == 200


def test_a_kam_sees_what_is_due(client, kam1, portfolio):
    from accounts.models import Commitment

    Commitment.objects.create(
        account=portfolio["big"], what="Send the quote", due=timezone.localdate(), owner=kam1
    )

    context = dashboard(client, kam1)

    assert [c["what"] for c in context["due"]["commitments"]] == ["Send the quote"]


def test_movements_since_last_months_run(client, director1, kam1):
    fading = AccountFactory(owner=kam1, name="Fading")
    # Bought 7 to 29 months ago: at risk six weeks ago (7 of 12 months), lost now.
    bill(fading, range(7, 30), "100")
    today = timezone.localdate()
    earlier = today.replace(day=1) - timedelta(days=40)
    tiers_recompute(as_of=earlier)
    tiers_recompute(as_of=today)

    rows = dashboard(client, director1)["movements"]

    assert [(r["name"], r["old_status"], r["new_status"]) for r in rows] == [
        ("Fading", "at_risk", "lost")
    ]


def test_the_win_back_list_shows_the_latest_offer_and_outcome(client, director1, kam1, portfolio):
    from accounts.models import WinBackAction

    WinBackAction.objects.create(
        account=portfolio["lost"], offer="discount", outcome="declined", created_by=kam1
    )
    WinBackAction.objects.create(
        account=portfolio["lost"],
        offer="special_terms",
        note="12 months' price lock",
        created_by=kam1,
    )

    row = dashboard(client, director1)["at_risk"][0]

    assert (row["name"], row["offer_label"], row["outcome_label"]) == (
        "Lost",
        "Special terms",
        "Pending",
    )


def test_reviews_due_show_on_the_kams_dashboard(client, kam1, portfolio):
    settings = PlanSettings.current()
    settings.fiscal_year_start_month = timezone.localdate().month % 12 + 1  # Q1-Q3 are due
    settings.save()
    plan = plan_create(
        account=portfolio["big"], fiscal_year=settings.fiscal_year_of(timezone.localdate()), by=kam1
    )
    plan.status = PlanStatus.APPROVED
    plan.save()

    context = dashboard(client, kam1)

    assert [row["name"] for row in context["due"]["reviews"]] == ["Big"]
    assert context["due"]["reviews"][0]["url"] == reverse("plans:detail", args=[plan.pk])
    assert context["discipline"]["counts"] == {"waiting": 0, "reviews_due": 1, "reviews_overdue": 1}


@pytest.mark.parametrize("months_in", [0, 11])
def test_plans_behind_on_reviews_are_counted_by_the_reviews_they_have(
    client, kam1, portfolio, months_in
):
    """Approved plans with none to three reviews: behind are those with fewer than the
    reviews due (or overdue) today; at the start of a year, none."""
    today = timezone.localdate()
    settings = PlanSettings.current()
    settings.fiscal_year_start_month = (today.month - months_in - 1) % 12 + 1
    settings.save()
    year = settings.fiscal_year_of(today)
    for done in range(4):
        plan = plan_create(account=AccountFactory(owner=kam1), fiscal_year=year, by=kam1)
        AccountPlan.objects.filter(pk=plan.pk).update(status=PlanStatus.APPROVED)
        for quarter in range(1, done + 1):
            QuarterlyReview.objects.create(plan=plan, quarter=quarter, actuals={}, reviewed_by=kam1)
    due, overdue = settings.reviews_expected(year, today)

    counts = dashboard(client, kam1)["discipline"]["counts"]

    assert (counts["reviews_due"], counts["reviews_overdue"]) == (
        sum(done < due for done in range(4)),
        sum(done < overdue for done in range(4)),
    )
    assert counts["reviews_due"] >= 3 if months_in else counts["reviews_due"] == 0


def test_unread_notifications_show_on_the_dashboard(client, kam1, portfolio):
    data = {"account": "Big", "old_class": "B", "new_class": "A"}
    data |= {"old_status": "active", "new_status": "active"}
    Notification.objects.create(user=kam1, kind="tier_change", data=data)
    client.force_login(kam1)

    response = client.get(reverse("dashboards:dashboard"))

    assert [n.message for n in response.context["news"]] == ["Big: class B → A"]
    assert "Big: class B → A" in response.content.decode()


def test_a_deal_counts_for_its_owner_whichever_teams_account_it_is_on(
    client, admin, director1, kam1, kam2, portfolio
):
    """One rule everywhere: a deal is in its owner's pipeline. kam1 (North) works a deal
    on a South account: North's director sees it in kam1's row, as the admin does."""
    south = AccountFactory(owner=kam2, name="Hanoi Steel")
    OpportunityFactory(
        account=south, owner=kam1, amount=Decimal("400"), probability=50,
        expected_close=timezone.localdate(),
    )  # fmt: skip

    def pipeline(user) -> dict:
        rows = dashboard(client, user)["pipeline"]
        return {row["kam"].username: row["periods"][0] for row in rows}

    directors, admins = pipeline(director1), pipeline(admin)

    assert (directors["kam1"]["open"], directors["kam1"]["weighted"]) == (400, 200)
    assert directors["kam1"] == admins["kam1"]
    assert admins["kam2"]["open"] == 0
    # ...and the row says that part is on another team's account.
    rows = {row["kam"].username: row for row in dashboard(client, director1)["pipeline"]}
    assert (rows["kam1"]["elsewhere"], rows["kam1b"]["elsewhere"]) == (400, 0)
    page = client.get(reverse("dashboards:dashboard")).content.decode()
    assert "incl. 400 on other teams' accounts" in page


def test_a_deal_on_a_teammates_account_is_not_elsewhere(client, director1, kam1, portfolio):
    OpportunityFactory(
        account=portfolio["small"], owner=kam1, amount=Decimal("300"),
        expected_close=timezone.localdate(),
    )  # fmt: skip
    rows = {row["kam"].username: row for row in dashboard(client, director1)["pipeline"]}
    assert rows["kam1"]["periods"][0]["open"] == 300
    assert rows["kam1"]["elsewhere"] == 0


def test_the_pipeline_says_when_no_plan_of_the_year_sets_a_target(client, kam1, portfolio):
    note = 'data-testid="pipeline-no-targets"'
    client.force_login(kam1)
    assert note in client.get(reverse("dashboards:dashboard")).content.decode()

    approved_plan(portfolio["big"], kam1, contract_value_target=Decimal("1000"))
    assert note not in client.get(reverse("dashboards:dashboard")).content.decode()


def test_the_dashboard_shows_the_tiers_of_a_past_run(client, director1, portfolio):
    """Big was B at last month's run and is A now: as of a day after that run (the run on
    or before it counts), the grid shows it where that run put it."""
    today = timezone.localdate()
    earlier = today - timedelta(days=40)
    tiers_recompute(as_of=earlier)
    TierSnapshot.objects.filter(account=portfolio["big"], as_of=earlier).update(
        contribution_level="medium", potential_level="medium", nine_box_class="D"
    )
    now = dashboard(client, director1)
    then = dashboard(client, director1, as_of=(earlier + timedelta(days=3)).isoformat())

    def cell(board, contribution, potential):
        return next(
            c for row in board["nine_box"] for c in row
            if (c["contribution"], c["potential"]) == (contribution, potential)
        )  # fmt: skip

    assert (cell(now, "high", "high")["count"], cell(now, "medium", "medium")["count"]) == (1, 0)
    assert (cell(then, "high", "high")["count"], cell(then, "medium", "medium")["count"]) == (0, 1)
    assert then.as_of == earlier
    page = client.get(reverse("dashboards:dashboard"), {"as_of": earlier.isoformat()})
    assert 'data-testid="as-of"' in page.content.decode()
    # Before any run, it says so and shows today's tiers.
    long_ago = dashboard(client, director1, as_of="2001-01-01")
    assert long_ago.as_of is None
    assert cell(long_ago, "high", "high")["count"] == 1


def test_plan_discipline_says_what_an_empty_list_means(client, kam1, portfolio):
    empty = 'data-testid="discipline-empty"'
    client.force_login(portfolio["kam1b"])  # one small class D account
    page = client.get(reverse("dashboards:dashboard")).content.decode()
    assert empty in page
    assert "No class A or C accounts here yet" in page

    approved_plan(portfolio["big"], kam1)  # Big, class A, now has its plan
    client.force_login(kam1)
    page = client.get(reverse("dashboards:dashboard")).content.decode()
    assert "None: every key account has its plan." in page


def test_a_new_kam_is_told_how_to_start_instead_of_empty_charts(client, kam1):
    client.force_login(kam1)
    page = client.get(reverse("dashboards:dashboard")).content.decode()
    assert 'data-testid="first-run"' in page
    assert reverse("accounts:create") in page

    AccountFactory(owner=kam1)  # an account, not tiered yet
    announce_portfolio_change(owner_ids=[kam1.pk])  # as the account form does
    page = client.get(reverse("dashboards:dashboard")).content.decode()
    assert "not tiered yet" in page


def test_a_new_director_is_told_how_to_fill_their_teams_dashboard(client, director1, kam1):
    client.force_login(director1)

    page = client.get(reverse("dashboards:dashboard")).content.decode()

    assert 'data-testid="first-run"' in page
    assert "No accounts in this view yet." in page
    assert f'href="{reverse("accounts:import")}"' in page  # directors import portfolios
    assert f'href="{reverse("accounts:create")}"' not in page  # KAMs create their own


def test_a_tiered_portfolio_shows_no_first_run_guidance(client, kam1, portfolio):
    client.force_login(kam1)
    page = client.get(reverse("dashboards:dashboard")).content.decode()
    assert 'data-testid="first-run"' not in page
