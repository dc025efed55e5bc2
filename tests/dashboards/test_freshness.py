"""The dashboard reads each KAM's stored figures: every kind of write a user makes must show
on the next visit, and a visit with nothing changed must not recompute anything. Writes
go through the pages, as a KAM makes them: what the services announce is what counts."""

import csv
import io
from datetime import timedelta
from decimal import Decimal

import pytest
from celery.signals import task_prerun
from django.contrib import admin
from django.core.cache import cache
from django.core.management import call_command
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from accounts.admin import ThresholdsAdmin
from accounts.models import Attitude, BuyingRole, Commitment, OpportunityStage, Thresholds
from accounts.tiering import tiers_recompute
from dashboards import store
from dashboards.models import PortfolioFigures
from dashboards.signals import QUEUED_KEY
from dashboards.tasks import refresh_changed_figures, refresh_figures
from plans.models import AccountPlan, PlanSettings, PlanStatus, SectionKind
from plans.services import (
    plan_create,
    plan_submit,
    plan_update_targets,
    review_record,
    section_save,
)
from tests.dashboards.conftest import bill
from tests.factories import AccountFactory, OpportunityFactory
from tests.forms import posted
from tests.needs import needs_postgresql
from tests.plans.conftest import make_ready


def visit(client, user, **query):
    if getattr(client, "signed_in_as", None) != user:  # signing in writes; do it once
        client.force_login(user)
        client.signed_in_as = user
    return client.get(reverse("dashboards:dashboard"), query).context["dashboard"]


def names(rows) -> list[str]:
    return [row["name"] for row in rows]


def submit(kam, page: str, args: list, **changes) -> None:
    """Fill in and send one of the account's forms, as `kam` in a browser of their own."""
    browser = Client()
    browser.force_login(kam)
    url = reverse(page, args=args)
    response = browser.post(url, posted(browser.get(url).context["form"]) | changes)
    assert response.status_code == 302, response.context["form"].errors


def log_activity(kam, account, summary: str = "Hi") -> None:
    submit(kam, "accounts:activity_create", [account.pk], kind="call", summary=summary)


def test_a_visit_with_nothing_changed_reads_the_stored_figures(
    client, director1, portfolio, django_assert_max_num_queries
):
    visit(client, director1)

    # The widgets come from the fragment cache: not even the stored figures are read.
    with django_assert_max_num_queries(9):
        response = client.get(reverse("dashboards:dashboard"))
    assert "Not contacted within" in response.content.decode()
    assert names(response.context["dashboard"]["not_contacted"]) == ["Big"]


def test_writes_show_on_the_next_visit(client, director1, kam1, portfolio):
    assert names(visit(client, director1)["not_contacted"]) == ["Big"]
    assert names(visit(client, director1)["no_decision_supporter"]) == ["Big"]
    assert "Big</a> (kam1)" in client.get(reverse("dashboards:dashboard")).content.decode()

    log_activity(kam1, portfolio["big"])
    submit(
        kam1, "accounts:stakeholder_create", [portfolio["big"].pk], name="Khun Somchai",
        buying_role=BuyingRole.DECISION_MAKER, attitude=Attitude.SUPPORTER,
    )  # fmt: skip

    context = visit(client, director1)
    assert names(context["not_contacted"]) == []
    assert names(context["no_decision_supporter"]) == []
    # ...and the page itself, not an earlier rendering of it.
    html = client.get(reverse("dashboards:dashboard")).content.decode()
    assert 'id="w-rel"' in html
    assert "Big</a> (kam1)" not in html


def test_a_plan_moving_through_its_workflow_shows_at_once(client, director1, kam1, portfolio):
    year = PlanSettings.current().fiscal_year_of(timezone.localdate())
    assert names(visit(client, director1)["without_plan"]) == ["Big"]

    plan = plan_create(account=portfolio["big"], fiscal_year=year, by=kam1)
    assert names(visit(client, director1)["without_plan"]) == []

    plan_submit(plan=make_ready(plan), by=kam1)
    assert visit(client, director1)["discipline"]["counts"]["waiting"] == 1
    page = client.get(reverse("dashboards:dashboard")).content.decode()
    assert "Approve or return the Big plan" in page  # the director's to-do
    visit(client, kam1)
    assert "Approve or return" not in client.get(reverse("dashboards:dashboard")).content.decode()


def test_an_account_moving_to_another_kam_moves_its_figures(client, director1, portfolio):
    kam1b = portfolio["kam1b"]
    before = {row["kam"].username: row["revenue"] for row in visit(client, director1)["kpis"]}

    submit(director1, "accounts:update", [portfolio["big"].pk], owner=kam1b.pk)

    after = {row["kam"].username: row["revenue"] for row in visit(client, director1)["kpis"]}
    assert after["kam1b"] == before["kam1b"] + Decimal("12000000")
    assert after["kam1"] == before["kam1"] - Decimal("12000000")


def test_a_new_day_recomputes_what_falls_due(client, kam1, portfolio):
    tomorrow = timezone.localdate() + timedelta(days=1)
    Commitment.objects.create(account=portfolio["big"], what="Quote", due=tomorrow, owner=kam1)
    assert visit(client, kam1)["kpis"][0]["overdue_commitments"] == 0

    # The same figures seen the day after the commitment was due.
    PortfolioFigures.objects.update(computed_on=timezone.localdate() - timedelta(days=2))
    Commitment.objects.filter(what="Quote").update(due=timezone.localdate() - timedelta(days=1))

    assert visit(client, kam1)["kpis"][0]["overdue_commitments"] == 1


def test_tiering_marks_every_kams_figures_stale(client, director1, kam1, portfolio):
    visit(client, director1)
    newcomer = AccountFactory(owner=kam1, name="Newcomer")
    bill(newcomer, range(1, 25), "5")
    PortfolioFigures.objects.update(computed_version=1, version=1)  # as if fresh

    tiers_recompute(as_of=timezone.localdate())

    assert not any(row.is_fresh(timezone.localdate()) for row in PortfolioFigures.objects.all())
    counts = sum(c["count"] for row in visit(client, director1)["nine_box"] for c in row)
    assert counts == 5


def test_a_write_during_a_recompute_leaves_the_figures_stale(kam1, portfolio, monkeypatch):
    """The version is read before computing: a write landing meanwhile is not hidden."""
    compute = store.compute

    def compute_while_someone_writes(*args, **kwargs):
        figures = compute(*args, **kwargs)
        log_activity(kam1, portfolio["big"])
        return figures

    monkeypatch.setattr(store, "compute", compute_while_someone_writes)
    today = timezone.localdate()
    year = PlanSettings.current().fiscal_year_of(today)
    row = store.refresh(kam1, fiscal_year=year, today=today)

    row.refresh_from_db()
    assert not row.is_fresh(today)


def test_the_nightly_refresh_computes_the_stale_figures(
    client, director1, portfolio, django_assert_max_num_queries
):
    visit(client, director1)
    store.mark_stale()

    assert refresh_figures() >= 2  # kam1 and kam1b at least

    with django_assert_max_num_queries(10):  # read, not recomputed
        visit(client, director1)


def test_lists_of_several_kams_merge_in_order(client, director1, kam1, portfolio):
    """Each KAM keeps their first ten; the director sees the first ten of all of them."""
    for index in range(8):
        for owner in (kam1, portfolio["kam1b"]):
            account = AccountFactory(owner=owner, name=f"{owner.username}-{index:02}")
            bill(account, range(1, 25), "2000000")  # class A or B: a key account
    tiers_recompute(as_of=timezone.localdate())

    shown = names(visit(client, director1)["not_contacted"])

    assert len(shown) == 10
    assert shown == sorted(shown)
    assert shown[0] == "Big"
    assert "kam1b-00" in shown


def test_the_csv_export_lists_every_row(client, director1, kam1, portfolio):
    for index in range(12):
        account = AccountFactory(owner=kam1, name=f"Key {index:02}")
        bill(account, range(1, 25), "2000000")
    tiers_recompute(as_of=timezone.localdate())
    client.force_login(director1)

    response = client.get(reverse("dashboards:dashboard"), {"export": "not_contacted"})

    rows = list(csv.DictReader(io.StringIO(response.content.decode())))
    assert len(rows) == 13  # Big and the twelve, more than the page's ten
    assert len(visit(client, director1)["not_contacted"]) == 10


def test_plan_targets_show_in_the_pipeline(client, director1, kam1, portfolio):
    visit(client, director1)
    year = PlanSettings.current().fiscal_year_of(timezone.localdate())
    plan = plan_create(account=portfolio["big"], fiscal_year=year, by=kam1)
    plan.contract_value_target = Decimal("1000")
    plan.status = PlanStatus.APPROVED
    plan.save()

    rows = {row["kam"].username: row for row in visit(client, director1)["pipeline"]}

    assert rows["kam1"]["periods"][0]["target"] == Decimal("1000")


def test_a_committed_write_refreshes_the_figures_in_the_background(
    client, director1, kam1, portfolio, tasks_inline,
    django_capture_on_commit_callbacks, django_assert_max_num_queries,
):  # fmt: skip
    visit(client, director1)
    cache.delete(QUEUED_KEY)  # no refresh queued a moment ago by another test

    with django_capture_on_commit_callbacks(execute=True):
        log_activity(kam1, portfolio["big"])

    assert PortfolioFigures.objects.get(owner=kam1).is_fresh(timezone.localdate())
    with django_assert_max_num_queries(10):
        context = visit(client, director1)
    assert names(context["not_contacted"]) == []


def test_the_refresh_command_recomputes_what_is_stale(director1, portfolio):
    out = io.StringIO()
    call_command("refresh_dashboards", stdout=out)
    assert PortfolioFigures.objects.filter(computed_on=timezone.localdate()).count() >= 2

    call_command("refresh_dashboards", stdout=out)
    assert out.getvalue().splitlines()[-1] == "recomputed the figures of 0 KAMs"


@pytest.mark.worker
@pytest.mark.django_db(transaction=True)
def test_a_real_worker_refreshes_the_figures_a_write_made_stale(director1, kam1, worker_queue):
    needs_postgresql()
    account = AccountFactory(owner=kam1, name="Siam Cement")
    today = timezone.localdate()
    year = PlanSettings.current().fiscal_year_of(today)
    store.refresh(kam1, fiscal_year=year, today=today)
    submit(kam1, "accounts:commitment_create", [account.pk], what="Quote", due=today)
    assert not PortfolioFigures.objects.get(owner=kam1).is_fresh(today)

    refreshed = refresh_changed_figures.apply_async(queue=worker_queue).get(timeout=60)

    row = PortfolioFigures.objects.get(owner=kam1)
    assert (refreshed, row.is_fresh(today)) == (1, True)
    assert [c["what"] for c in row.figures["lists"]["commitments_due"]] == ["Quote"]


def test_a_burst_of_writes_queues_one_refresh(
    client, director1, kam1, portfolio, tasks_inline, django_capture_on_commit_callbacks
):
    visit(client, director1)
    cache.delete(QUEUED_KEY)
    runs = []

    def count(sender, **kwargs):
        runs.append(sender.name)

    task_prerun.connect(count)
    with django_capture_on_commit_callbacks(execute=False) as callbacks:
        for what in ["Call", "Visit", "Lunch"]:
            log_activity(kam1, portfolio["big"], what)
    for callback in callbacks:
        callback()
    task_prerun.disconnect(count)

    assert runs == ["dashboards.tasks.refresh_changed_figures"]
    assert PortfolioFigures.objects.get(owner=kam1).is_fresh(timezone.localdate())


def _fresh(kam) -> bool:
    return PortfolioFigures.objects.get(owner=kam).is_fresh(timezone.localdate())


def _plan(kam1, portfolio, status=PlanStatus.DRAFT):
    year = PlanSettings.current().fiscal_year_of(timezone.localdate())
    plan = plan_create(account=portfolio["big"], fiscal_year=year, by=kam1)
    AccountPlan.objects.filter(pk=plan.pk).update(status=status)
    plan.refresh_from_db()
    return plan


def _section(kam1, portfolio):
    plan = _plan(kam1, portfolio)
    refresh_figures()
    section = plan.sections.get(kind=SectionKind.STRENGTHS)
    section_save(section=section, text="Our service", version=section.version, by=kam1)


# Each write a user makes that a dashboard counts, made as they make it.
COUNTED = {
    "activity": lambda kam1, p: log_activity(kam1, p["big"]),
    "person": lambda kam1, p: submit(kam1, "accounts:stakeholder_create", [p["big"].pk], name="A"),
    "deal": lambda kam1, p: submit(
        kam1, "accounts:opportunity_create", [p["big"].pk], name="Kiln", amount="5",
        stage=OpportunityStage.objects.first().pk, expected_close="2026-12-31",
    ),
    "commitment": lambda kam1, p: submit(
        kam1, "accounts:commitment_create", [p["big"].pk], what="Quote", due="2026-01-31"
    ),
    "commitment kept": lambda kam1, p: _keep(kam1, p),
    "offer": lambda kam1, p: submit(
        kam1, "accounts:win_back_create", [p["lost"].pk], offer="discount", outcome="pending"
    ),
    "dossier": lambda kam1, p: submit(kam1, "accounts:update", [p["big"].pk], name="Bigger"),
    "plan started": lambda kam1, p: _plan(kam1, p),
    "plan submitted": lambda kam1, p: plan_submit(plan=make_ready(_plan_fresh(kam1, p)), by=kam1),
    "plan targets": lambda kam1, p: _targets(kam1, p),
    "review": lambda kam1, p: review_record(
        plan=_plan_fresh(kam1, p, PlanStatus.APPROVED), quarter=1, by=kam1,
        customer_changes="-", adjustments="-",
    ),
    "thresholds": lambda kam1, p: ThresholdsAdmin(Thresholds, admin.site).save_model(
        None, Thresholds.current(), None, True
    ),
}  # fmt: skip


def _plan_fresh(kam1, portfolio, status=PlanStatus.DRAFT):
    """A plan whose start the figures already count."""
    plan = _plan(kam1, portfolio, status)
    refresh_figures()
    return plan


def _keep(kam1, portfolio):
    commitment = Commitment.objects.create(
        account=portfolio["big"], what="Quote", due=timezone.localdate(), owner=kam1
    )
    refresh_figures()
    browser = Client()
    browser.force_login(kam1)
    browser.post(reverse("accounts:commitment_done", args=[portfolio["big"].pk, commitment.pk]))


def _targets(kam1, portfolio):
    plan = _plan_fresh(kam1, portfolio)
    plan_update_targets(
        plan=plan, data={"payments_target": Decimal(9)}, version=plan.version, by=kam1
    )


@pytest.mark.parametrize("write", sorted(COUNTED))
def test_every_counted_write_marks_its_kams_figures_stale(kam1, portfolio, write):
    refresh_figures()
    assert _fresh(kam1)

    COUNTED[write](kam1, portfolio)

    assert not _fresh(kam1)


def test_saving_a_plan_text_leaves_the_figures_fresh(kam1, portfolio):
    _section(kam1, portfolio)

    assert _fresh(kam1)


def test_handing_a_deal_to_a_teammate_changes_both_portfolios(kam1, portfolio):
    teammate = portfolio["kam1b"]
    deal = OpportunityFactory(account=portfolio["big"], owner=teammate)
    refresh_figures()

    submit(kam1, "accounts:opportunity_update", [portfolio["big"].pk, deal.pk], owner=kam1.pk)

    assert not _fresh(kam1)
    assert not _fresh(teammate)
