import re
from decimal import Decimal

import pytest
from django.utils import timezone
from playwright.sync_api import expect

from accounts.tiering import tiers_recompute
from kamcrm.models import Role
from tests.browser.conftest import sign_in
from tests.factories import PASSWORD, AccountFactory, RevenueLineFactory, UserFactory

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_a_director_filters_by_kam_and_opens_a_nine_box_cell(page, live_server, kam1, kam2, north):
    kam1b = UserFactory(
        username="kam1b", role=Role.KAM, team=north, first_name="Lan", last_name="Tran"
    )
    mine = AccountFactory(owner=kam1b, name="Tran's big account", potential=Decimal("30000000"))
    AccountFactory(owner=kam1, name="Kim's prospect")
    AccountFactory(owner=kam2, name="South's account")
    last_month = timezone.localdate().replace(day=1) - timezone.timedelta(days=1)
    RevenueLineFactory(account=mine, date=last_month, amount=Decimal("15000000"))
    tiers_recompute(as_of=timezone.localdate())

    sign_in(page, live_server, "director1", PASSWORD)
    page.get_by_label("KAM", exact=True).select_option(label="Lan Tran")
    page.get_by_role("button", name="Show").click()
    page.wait_for_url(re.compile(rf"kam={kam1b.pk}"))
    # The charts are drawn from the page's own numbers, with the vendored Chart.js.
    page.wait_for_function("() => window.Chart && Chart.getChart('kpi-chart') !== undefined")
    assert page.evaluate("Chart.getChart('pipeline-chart').data.labels") == ["Lan Tran"]
    assert page.evaluate("Chart.getChart('kpi-chart').data.datasets[1].data") == [15000000]
    cell = page.get_by_test_id("nine-box-high-high")
    expect(cell).to_contain_text("A · 1")
    cell.click()

    expect(page.get_by_role("heading", name="Accounts")).to_be_visible()
    rows = page.locator("tbody tr")
    expect(rows).to_have_count(1)
    expect(rows.first).to_contain_text("Tran's big account")
