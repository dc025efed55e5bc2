"""The admins' Settings pages: each group shown with its values and changed in the app,
thresholds previewed before saving (the preview's counts are what the run then does),
stale saves refused, and nobody but an admin let in."""

import uuid
from datetime import date, datetime, time, timedelta
from decimal import Decimal

import pytest
import time_machine
from django.urls import reverse
from django.utils import timezone

from accounts.models import (
    Account,
    Competitor,
    Currency,
    ExchangeRate,
    OpportunityStage,
    ProductLine,
    Thresholds,
)
from accounts.tasks import recompute_tiers_now
from accounts.tiering import _moves_in_python, tiers_preview, tiers_recompute
from accounts.tiering_sql import moves_in_sql
from health.models import HealthWeights
from kamcrm.signals import portfolio_changed
from plans.models import PlanSettings
from tests.accounts.test_tiering_paths import TIGHT, build_portfolio
from tests.factories import AccountFactory, OpportunityFactory
from tests.needs import needs_postgresql

PAGES = [
    ("settings:index", {}),
    ("settings:thresholds", {}),
    ("settings:planning", {}),
    ("settings:health", {}),
    ("settings:list", {"kind": "stages"}),
    ("settings:create", {"kind": "competitors"}),
]


def _form(response) -> dict:
    """The page's form as the browser would send it back, unchanged."""
    form = response.context["form"]
    data = {}
    for name, field in form.fields.items():
        value = form[name].value()
        if value is None or value is False:
            continue
        data[name] = field.prepare_value(value) if not isinstance(value, str) else value
    return data


@pytest.mark.parametrize(("name", "kwargs"), PAGES)
def test_it_shows_the_pages_to_an_admin_only(client, admin, director1, kam1, name, kwargs):
    path = reverse(name, kwargs=kwargs)
    for user in [director1, kam1]:
        client.force_login(user)
        assert client.get(path).status_code == 403
    client.force_login(admin)
    assert client.get(path).status_code == 200


def test_it_lists_each_group_with_its_values_in_words(client, admin):
    PlanSettings.objects.filter(pk=1).update(fiscal_year_start_month=4)
    client.force_login(admin)

    page = client.get(reverse("settings:index")).content.decode()

    assert "April" in page  # the fiscal year's start, by name
    assert "Negotiate" in page  # the stages, by name
    assert "Tiering thresholds" in page
    assert reverse("admin:index") in page  # the fallback, for superusers


def test_it_says_which_currencies_still_need_a_rate(client, admin):
    Currency.objects.filter(code="PLN").update(rate_to_base=None)
    Currency.objects.filter(code="RUB").update(rate_to_base=Decimal("0.011"))
    client.force_login(admin)

    page = client.get(reverse("settings:index")).content.decode()

    assert 'data-testid="unrated"' in page
    assert "PLN" in page.split('data-testid="unrated"')[1].split("</div>")[0]
    assert "RUB" not in page.split('data-testid="unrated"')[1].split("</div>")[0]


def test_the_navbar_leads_admins_to_the_settings_pages(client, admin):
    client.force_login(admin)

    page = client.get(reverse("user_list")).content.decode()

    assert f'href="{reverse("settings:index")}"' in page


@pytest.fixture
def announced():
    """What portfolio changes were announced (every owner's: None)."""
    heard: list = []

    def listen(sender, owner_ids=None, **kwargs):
        heard.append(owner_ids)

    portfolio_changed.connect(listen, dispatch_uid="test-settings-pages")
    yield heard
    portfolio_changed.disconnect(dispatch_uid="test-settings-pages")


def test_it_saves_the_fiscal_year_start_and_refreshes_the_figures(client, admin, announced):
    client.force_login(admin)
    data = _form(client.get(reverse("settings:planning")))

    response = client.post(reverse("settings:planning"), {**data, "fiscal_year_start_month": 7})

    assert response.status_code == 302
    settings = PlanSettings.current()
    assert settings.fiscal_year_start_month == 7
    assert settings.version == 2
    assert announced == [None]  # everyone's figures


def test_it_refuses_a_save_on_top_of_another_admins(client, admin):
    client.force_login(admin)
    opened = _form(client.get(reverse("settings:health")))
    HealthWeights.objects.filter(pk=1).update(freshness=5, version=2)  # someone else saved

    response = client.post(reverse("settings:health"), {**opened, "freshness": 30})

    assert response.status_code == 409
    assert HealthWeights.current().freshness == 5


def test_it_refuses_bands_out_of_order_in_words(client, admin):
    client.force_login(admin)
    opened = _form(client.get(reverse("settings:health")))

    response = client.post(reverse("settings:health"), {**opened, "amber_from": 90})

    assert "Must not be above" in str(response.context["form"].errors["amber_from"])
    assert HealthWeights.current().amber_from == 40


def test_saving_thresholds_leaves_the_tiers_to_the_nightly_run(client, admin, kam1, announced):
    account = AccountFactory(owner=kam1)
    client.force_login(admin)
    opened = _form(client.get(reverse("settings:thresholds")))

    response = client.post(
        reverse("settings:thresholds"), {**opened, "lost_after_months": "9", "save": "1"}
    )

    assert response["Location"] == reverse("settings:index")
    assert Thresholds.current().lost_after_months == 9
    account.refresh_from_db()
    assert account.tiered_on is None  # no run yet
    assert announced == [None]


def test_it_refuses_thresholds_saved_on_top_of_another_admins(client, admin):
    client.force_login(admin)
    opened = _form(client.get(reverse("settings:thresholds")))
    Thresholds.objects.filter(pk=1).update(lost_after_months=4, version=2)

    response = client.post(
        reverse("settings:thresholds"), {**opened, "lost_after_months": "9", "recompute": "1"}
    )

    assert response.status_code == 409
    assert Thresholds.current().lost_after_months == 4


def test_it_refuses_thresholds_out_of_order(client, admin):
    client.force_login(admin)
    opened = _form(client.get(reverse("settings:thresholds")))

    response = client.post(
        reverse("settings:thresholds"), {**opened, "abc_a_share": "0.99", "save": "1"}
    )

    assert response.context["form"].errors["abc_a_share"]
    assert Thresholds.current().abc_a_share == 0.8


def test_it_adds_changes_and_deletes_a_competitor(client, admin):
    client.force_login(admin)

    client.post(reverse("settings:create", args=["competitors"]), {"name": "Holcim"})
    holcim = Competitor.objects.get(name="Holcim")
    edit = reverse("settings:update", args=["competitors", holcim.pk])
    opened = _form(client.get(edit))
    client.post(edit, {**opened, "name": "Holcim Group", "website": "https://holcim.com"})
    holcim.refresh_from_db()
    assert holcim.website == "https://holcim.com"
    confirm = client.get(reverse("settings:delete", args=["competitors", holcim.pk]))
    assert b'method="post"' in confirm.content
    assert Competitor.objects.filter(pk=holcim.pk).exists()  # asked, not done
    client.post(reverse("settings:delete", args=["competitors", holcim.pk]))
    assert not Competitor.objects.filter(pk=holcim.pk).exists()


@pytest.mark.parametrize(
    ("kind", "model", "changes"),
    [
        ("stages", OpportunityStage, {"default_probability": 35}),
        ("product-lines", ProductLine, {"is_active": False}),
        ("competitors", Competitor, {"notes": "Cut prices in Q3."}),
        ("currencies", Currency, {"minor_unit": 0}),
    ],
)
def test_a_row_saved_by_another_admin_meanwhile_is_not_overwritten(
    client, admin, kind, model, changes
):
    row = model.objects.create(name="Holcim") if model is Competitor else model.objects.first()
    if model is ProductLine and row is None:
        row = ProductLine.objects.create(name="Bulk cement")
    client.force_login(admin)
    edit = reverse("settings:update", args=[kind, row.pk])
    opened = _form(client.get(edit))
    model.objects.filter(pk=row.pk).update(name="Renamed by the other admin", version=2)

    refused = client.post(edit, {**opened, **changes})

    assert refused.status_code == 409
    assert "Someone else saved this after you opened it" in refused.content.decode()
    assert model.objects.get(pk=row.pk).name == "Renamed by the other admin"
    # Saving again from the refusal keeps their name and writes only the user's change.
    again = client.post(edit, _form(refused))
    assert again.status_code == 302
    saved = model.objects.get(pk=row.pk)
    assert saved.name == "Renamed by the other admin"
    assert all(getattr(saved, name) == value for name, value in changes.items())


def test_it_keeps_a_stage_that_deals_are_at(client, admin, kam1):
    deal = OpportunityFactory(account__owner=kam1)
    client.force_login(admin)

    response = client.post(reverse("settings:delete", args=["stages", deal.stage_id]), follow=True)

    assert OpportunityStage.objects.filter(pk=deal.stage_id).exists()
    assert "still in use" in response.content.decode()


def test_it_sets_todays_rate_as_the_current_one(client, admin, announced):
    client.force_login(admin)

    client.post(
        reverse("settings:rate_add", args=["THB"]),
        {"valid_from": timezone.localdate().isoformat(), "rate": "0.0285"},
    )

    thb = Currency.objects.get(code="THB")
    assert thb.rate_to_base == Decimal("0.0285")
    assert thb.rate_updated_at is not None
    assert thb.rates.get().valid_from == timezone.localdate()
    assert None in announced  # every converted figure moves


def test_a_rate_dated_later_takes_over_on_its_day(client, admin, kam1):
    Currency.objects.filter(code="THB").update(rate_to_base=Decimal("0.0280"))
    tomorrow = timezone.localdate() + timedelta(days=1)
    client.force_login(admin)

    client.post(
        reverse("settings:rate_add", args=["THB"]),
        {"valid_from": tomorrow.isoformat(), "rate": "0.0300"},
    )
    assert Currency.objects.get(code="THB").rate_to_base == Decimal("0.0280")

    with time_machine.travel(datetime.combine(tomorrow, time(1)).astimezone(), tick=False):
        tiers_recompute(as_of=tomorrow)  # the nightly run applies the rates due first
    assert Currency.objects.get(code="THB").rate_to_base == Decimal("0.0300")


def test_deleting_a_rate_asks_then_falls_back_to_the_one_before(client, admin):
    client.force_login(admin)
    for day, rate in [(date(2026, 1, 1), "0.0280"), (timezone.localdate(), "0.0300")]:
        client.post(
            reverse("settings:rate_add", args=["THB"]),
            {"valid_from": day.isoformat(), "rate": rate},
        )
    latest = ExchangeRate.objects.get(currency="THB", rate=Decimal("0.0300"))
    path = reverse("settings:rate_delete", args=["THB", latest.pk])

    assert b'method="post"' in client.get(path).content
    assert ExchangeRate.objects.filter(pk=latest.pk).exists()  # asked, not done
    client.post(path)

    assert not ExchangeRate.objects.filter(pk=latest.pk).exists()
    assert Currency.objects.get(code="THB").rate_to_base == Decimal("0.0280")


def test_the_base_currency_takes_no_rate(client, admin, settings):
    client.force_login(admin)
    base = settings.KAMCRM_BASE_CURRENCY

    page = client.get(reverse("settings:update", args=["currencies", base])).content.decode()
    refused = client.post(
        reverse("settings:rate_add", args=[base]), {"valid_from": "2026-01-01", "rate": "2"}
    )

    assert 'data-testid="rate-form"' not in page
    assert refused.status_code == 404
    assert Currency.objects.get(code=base).rate_to_base == 1


def test_a_currency_code_is_set_once(client, admin):
    client.force_login(admin)

    edit = reverse("settings:update", args=["currencies", "THB"])
    opened = _form(client.get(edit))
    client.post(edit, {**opened, "code": "XXX", "name": "Thai baht (THB)", "minor_unit": 2})

    assert Currency.objects.get(code="THB").name == "Thai baht (THB)"
    assert not Currency.objects.filter(code="XXX").exists()


def test_it_lists_the_stages_in_bounded_queries(client, admin, django_assert_max_num_queries):
    client.force_login(admin)
    with django_assert_max_num_queries(8):
        response = client.get(reverse("settings:list", args=["stages"]))
    assert "Closed won" in response.content.decode()


def _classes() -> dict[int, tuple[str, str]]:
    rows = Account.objects.values_list("pk", "nine_box_class", "status")
    return {pk: (cls, status) for pk, cls, status in rows}


def _abc() -> dict[int, str]:
    return dict(Account.objects.values_list("pk", "abc"))


def test_the_preview_counts_what_the_run_then_changes(client, admin, kam1, tasks_inline):
    build_portfolio(kam1)
    tiers_recompute(as_of=timezone.localdate())
    before, abc_before = _classes(), _abc()
    client.force_login(admin)
    opened = _form(client.get(reverse("settings:thresholds")))
    tight = {**opened, **{k: str(v) for k, v in TIGHT.items()}}

    preview = client.post(reverse("settings:thresholds"), {**tight, "preview": "1"})

    counted = preview.context["preview"]
    assert counted.changed > 0
    assert Thresholds.current().abc_a_share == 0.8  # nothing saved
    assert _classes() == before

    done = client.post(reverse("settings:thresholds"), {**tight, "recompute": "1"}, follow=True)

    assert Thresholds.current().abc_a_share == 0.7
    after = _classes()
    moved = [pk for pk, tier in after.items() if before[pk][0] and tier != before[pk]]
    assert len(moved) == counted.changed
    class_moves = sum(1 for pk in moved if after[pk][0] != before[pk][0])
    assert class_moves == sum(n for _old, _new, n in counted.class_moves())
    abc_moves = sum(1 for pk, abc in _abc().items() if before[pk][0] and abc != abc_before[pk])
    assert abc_moves == sum(n for _old, _new, n in counted.moves_of("abc")) > 0
    assert "ABC" in preview.content.decode()
    state = done.context["state"]
    assert state["state"] == "done"
    assert state["changed"] == counted.changed
    assert "changed class or status" in done.content.decode()


def test_the_sql_and_python_previews_agree(kam1):
    needs_postgresql("the SQL path is PostgreSQL's")
    build_portfolio(kam1)
    tiers_recompute(as_of=timezone.localdate())
    tight = Thresholds(**TIGHT)

    in_sql = sorted(moves_in_sql(timezone.localdate(), tight))
    in_python = sorted(_moves_in_python(timezone.localdate(), tight))

    assert in_sql == in_python
    assert tiers_preview(thresholds=tight, as_of=timezone.localdate()).changed > 0


@pytest.mark.worker
@pytest.mark.django_db(transaction=True)
def test_a_real_worker_runs_the_recompute_and_the_page_reads_its_result(
    client, admin, kam1, worker_queue
):
    """The worker is another process: the run's state reaches the page through the shared
    cache."""
    needs_postgresql()
    AccountFactory(owner=kam1, external_id="SC-1")
    run = str(uuid.uuid4())

    recompute_tiers_now.apply_async(args=[run], queue=worker_queue).get(timeout=60)

    client.force_login(admin)
    page = client.get(reverse("settings:tiering_run", args=[run]))
    assert page.context["state"]["state"] == "done"
    assert page.context["state"]["accounts"] == 1
    assert not page.context["waiting"]
