"""The nightly health score, worked out by hand from each part's rule (health/scoring.py)."""

from datetime import timedelta
from decimal import Decimal

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from accounts.models import Activity, BuyingRole, Commitment
from health.models import HealthScore, HealthWeights
from health.scoring import _copy_scores, health_recompute
from kamcrm.models import Notification
from tests.factories import AccountFactory, OpportunityFactory, StakeholderFactory

TODAY = timezone.localdate()


def tiered(owner, *, cls="A", revenue="1000000", previous="1000000", **fields):
    """An account as last night's tiering left it."""
    return AccountFactory(
        owner=owner, nine_box_class=cls, tiered_on=TODAY,
        tier_revenue_12m=Decimal(revenue), tier_revenue_previous_12m=Decimal(previous), **fields,
    )  # fmt: skip


def contact(account, days_ago: int) -> None:
    Activity.objects.create(
        account=account, kind="meeting", date=TODAY - timedelta(days=days_ago),
        summary="Visit", created_by=account.owner,
    )  # fmt: skip


def scored(account, as_of=TODAY) -> HealthScore:
    return HealthScore.objects.get(account=account, as_of=as_of)


@pytest.fixture
def acme(kam1):
    """Class A, flat revenue, one close supporter who decides, seen 10 days ago, no plan,
    one promise overdue, weighted pipeline of exactly a quarter's revenue."""
    account = tiered(kam1, name="Acme")
    StakeholderFactory(
        account=account, buying_role=BuyingRole.DECISION_MAKER, attitude="supporter",
        relationship_closeness=4, solution_acceptance=4, price_acceptance=4,
    )  # fmt: skip
    StakeholderFactory(account=account, attitude="supporter")  # not at decision level
    contact(account, 10)
    Commitment.objects.create(
        account=account, what="Send the offer", due=TODAY - timedelta(days=2), owner=kam1
    )
    OpportunityFactory(account=account, amount=Decimal("500000"), probability=50)
    return account


def test_every_part_and_the_weighted_score(acme):
    health_recompute(as_of=TODAY)
    h = scored(acme)

    parts = (h.revenue_trend, h.coverage, h.closeness, h.freshness, h.plan, h.commitments)
    assert parts == (75, 50, 75, 100, 0, 50)  # flat, 1 supporter, closeness 4, fresh...
    assert h.pipeline == 100  # 250,000 weighted against a quarter of 1,000,000
    # (75*25 + 50*15 + 75*15 + 100*15 + 0*10 + 50*10 + 100*10) / 100 = 67.5
    assert h.score == 68
    acme.refresh_from_db()
    assert acme.health == 68
    assert HealthWeights.current().band(acme.health) == "amber"


def test_parts_that_do_not_apply_leave_their_weight_to_the_others(kam1):
    """Class D, never bought, nobody known, never contacted, no deal: revenue trend,
    closeness, plan and pipeline do not apply; supporters 0, freshness 0, promises 100."""
    quiet = tiered(kam1, cls="D", revenue="0", previous="0")
    health_recompute(as_of=TODAY)
    h = scored(quiet)

    assert (h.revenue_trend, h.closeness, h.plan, h.pipeline) == (None, None, None, None)
    assert (h.coverage, h.freshness, h.commitments) == (0, 0, 100)
    assert h.score == 25  # (0*15 + 0*15 + 100*10) / (15 + 15 + 10)


@pytest.mark.parametrize(
    ("revenue", "previous", "expected"),
    [("700", "1000", 0), ("600", "1000", 0), ("1000", "1000", 75), ("1100", "1000", 100),
     ("2000", "1000", 100), ("900", "1000", 50), ("500", "0", 100)],
)  # fmt: skip
def test_revenue_trend_from_the_at_risk_drop_to_growth_of_a_tenth(
    kam1, revenue, previous, expected
):
    account = tiered(kam1, revenue=revenue, previous=previous)
    health_recompute(as_of=TODAY)
    assert scored(account).revenue_trend == expected


@pytest.mark.parametrize(
    ("days_ago", "expected"), [(30, 100), (31, 50), (45, 50), (60, 25), (61, 0)]
)
def test_contact_freshness_against_the_class_rhythm(kam1, days_ago, expected):
    account = tiered(kam1, cls="A")  # class A's rhythm: 30 days
    contact(account, days_ago)
    health_recompute(as_of=TODAY)
    assert scored(account).freshness == expected


def test_an_admin_reweighs_the_parts(acme):
    weights = HealthWeights.current()
    for field, _ in weights.weights().items():
        setattr(weights, field, 0)
    weights.commitments = 1
    weights.save()
    health_recompute(as_of=TODAY)
    assert scored(acme).score == 50  # only the promises count: one overdue

    weights.commitments = 0
    weights.save()
    health_recompute(as_of=TODAY)
    assert scored(acme).score is None  # nothing weighs anything: no score


def test_runs_are_kept_and_a_past_run_leaves_the_current_score(acme):
    earlier = TODAY - timedelta(days=30)
    health_recompute(as_of=TODAY)
    health_recompute(as_of=TODAY)  # the same night again replaces it
    Commitment.objects.update(done_on=TODAY)  # kept: promises 100 from now on
    health_recompute(as_of=earlier)  # a backfill of an earlier night

    assert HealthScore.objects.filter(account=acme).count() == 2
    assert scored(acme, earlier).commitments == 100
    acme.refresh_from_db()
    assert acme.health == scored(acme).score == 68  # the latest night's, untouched


def test_an_owner_hears_once_about_accounts_that_dropped_a_band(kam1, acme):
    healthy = tiered(kam1, name="Healthy", cls="B")
    for account in (acme, healthy):
        StakeholderFactory(account=account, level="executive", attitude="supporter")
    contact(healthy, 1)
    OpportunityFactory(account=healthy, amount=Decimal("500000"), probability=50)
    yesterday = TODAY - timedelta(days=1)
    health_recompute(as_of=yesterday)
    before = {a.name: scored(a, yesterday).score for a in (acme, healthy)}
    Commitment.objects.create(
        account=healthy, what="Call back", due=yesterday, owner=kam1
    )  # two overdue promises: 100 -> 0 on promises, 76 -> 65 overall
    Commitment.objects.create(account=healthy, what="Visit", due=yesterday, owner=kam1)
    health_recompute(as_of=TODAY)
    after = {a.name: scored(a).score for a in (acme, healthy)}
    weights = HealthWeights.current()

    assert weights.band(before["Healthy"]) == "green"
    assert weights.band(after["Healthy"]) != "green"
    assert weights.band(before["Acme"]) == weights.band(after["Acme"])
    notes = Notification.objects.filter(user=kam1, kind="health_drop")
    assert notes.count() == 1
    assert notes[0].data["count"] == 1
    assert f"Healthy {after['Healthy']}" in notes[0].message


def test_the_account_page_says_why(client, kam1, acme):
    health_recompute(as_of=TODAY - timedelta(days=35))
    health_recompute(as_of=TODAY)
    client.force_login(kam1)
    page = client.get(reverse("accounts:performance", args=[acme.pk]))
    html = page.content.decode()

    assert 'data-testid="health-score">68<' in html
    assert "Needs attention" in html
    # The costliest part first: no plan for a class A account costs 10 of the 100 points.
    order = [html.index(f'data-testid="health-part-{p}"') for p in ("plan", "coverage", "pipeline")]
    assert order == sorted(order)
    assert "No plan this year for a class A account." in html
    assert 'data-testid="health-history"' in html


def test_an_account_not_scored_yet_says_so(client, kam1, acme):
    client.force_login(kam1)
    html = client.get(reverse("accounts:performance", args=[acme.pk])).content.decode()
    assert 'data-testid="health-none"' in html


def test_the_list_sorts_weakest_first_and_filters_by_band(client, kam1, acme):
    quiet = tiered(kam1, name="Quiet", cls="D", revenue="0", previous="0")  # 25: red
    health_recompute(as_of=TODAY)
    AccountFactory(owner=kam1, name="New")  # created after the run: no score yet
    client.force_login(kam1)

    def names(**query):
        page = client.get(reverse("accounts:list"), query)
        return [a.name for a in page.context["object_list"]]

    assert names(sort="health")[:2] == ["Quiet", "Acme"]  # 25, 68, then the unscored
    strongest_first = names(sort="-health")
    assert strongest_first.index("Acme") < strongest_first.index("Quiet")
    assert names(health="red") == ["Quiet"]
    assert names(health="amber") == ["Acme"]
    assert names(health="green") == []
    html = client.get(reverse("accounts:list")).content.decode()
    assert f'data-testid="health-{quiet.pk}">25<' in html
    export = client.get(reverse("accounts:export"), {"health": "amber"})
    rows = b"".join(export.streaming_content).decode().splitlines()
    assert rows[0].endswith(",health")
    assert rows[1].endswith(",68")


def test_the_run_writes_only_the_accounts_whose_score_changed(kam1, acme):
    """The score is in the list's sort indexes: a run that changes no score rewrites no
    account."""
    quiet = tiered(kam1, name="Quiet", cls="D", revenue="0", previous="0")
    health_recompute(as_of=TODAY)
    assert _copy_scores(TODAY) == 0  # copied by the run already

    HealthScore.objects.filter(account=quiet, as_of=TODAY).update(score=99)
    assert _copy_scores(TODAY) == 1
    quiet.refresh_from_db()
    assert quiet.health == 99


def test_the_dashboard_lists_the_lowest_and_the_fastest_falling(client, kam1, acme):
    """A month ago Acme had been seen 4 days before and no promise was overdue yet:
    (75*25 + 50*15 + 75*15 + 100*15 + 0 + 100*10 + 100*10) / 100 = 72.5, so 73; now 68."""
    quiet = tiered(kam1, name="Quiet", cls="D", revenue="0", previous="0")
    contact(acme, 35)
    health_recompute(as_of=TODAY - timedelta(days=31))
    health_recompute(as_of=TODAY)
    client.force_login(kam1)
    board = client.get(reverse("dashboards:dashboard")).context["dashboard"]

    assert [(r["name"], r["health"]) for r in board["lowest_health"]] == [
        ("Quiet", 25),
        ("Acme", 68),
    ]
    assert [(r["name"], r["fall"]) for r in board["health_falling"]] == [("Acme", 5)]
    acme.refresh_from_db()
    quiet.refresh_from_db()
    assert (acme.health_fall, quiet.health_fall) == (5, 0)  # kept by the run, 73 -> 68
    assert board["lowest_health"][0]["band"] == "red"
    assert scored(quiet).score == 25


def test_a_half_point_rounds_up_on_every_database(kam1):
    """Two deciders at closeness 3 and 4: mean 3.5, so 62.5, which PostgreSQL's ROUND
    would take to the even 62."""
    account = tiered(kam1)
    for score in (3, 4):
        StakeholderFactory(
            account=account, level="owner", relationship_closeness=score,
            solution_acceptance=score, price_acceptance=score,
        )  # fmt: skip
    health_recompute(as_of=TODAY)
    assert scored(account).closeness == 63


def test_the_nightly_task_keeps_each_months_last_score_after_the_daily_window(acme, settings):
    from health.tasks import recompute_health

    settings.KAMCRM_DAILY_SNAPSHOT_DAYS = 90
    month = (TODAY - timedelta(days=200)).replace(day=1)
    early, late, recent = month.replace(day=5), month.replace(day=20), TODAY - timedelta(days=30)
    for day in (early, late, recent):
        health_recompute(as_of=day)
    result = recompute_health.run()

    kept = set(HealthScore.objects.filter(account=acme).values_list("as_of", flat=True))
    assert result["accounts"] >= 1
    # Before the 90 days only each month's last run is left; within them, every run.
    assert kept == {late, recent, TODAY}


def test_a_first_run_has_no_fall_to_keep(acme):
    health_recompute(as_of=TODAY - timedelta(days=10))
    health_recompute(as_of=TODAY)  # the run before is not a month old

    acme.refresh_from_db()
    assert acme.health is not None
    assert acme.health_fall is None


def test_the_page_reads_one_score_a_month_of_the_nightly_runs_kept(kam1, acme):
    """Ninety nightly runs kept: the month-by-month line reads each month's last one, in
    one query."""
    from health.explain import history

    HealthScore.objects.bulk_create(
        HealthScore(account=acme, as_of=TODAY - timedelta(days=n), score=n % 100) for n in range(90)
    )
    last_of_month: dict = {}
    for day in sorted(TODAY - timedelta(days=n) for n in range(90)):
        last_of_month[day.year, day.month] = day

    with CaptureQueriesContext(connection) as reads:
        months = history(acme, today=TODAY)

    assert len(reads) == 1
    assert [run.as_of for run in months] == list(last_of_month.values())
    assert months[-1].score == 0  # today's run
