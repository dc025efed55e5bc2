import pytest
from playwright.sync_api import expect

from tests.browser.conftest import sign_in
from tests.factories import PASSWORD, AccountFactory, StakeholderFactory

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_a_kam_adds_a_stakeholder_below_their_boss_and_sees_the_map(page, live_server, kam1):
    account = AccountFactory(name="Siam Cement", owner=kam1)
    StakeholderFactory(account=account, name="Khun Anan", title="Chief executive")
    sign_in(page, live_server, "kam1", PASSWORD)

    page.goto(f"{live_server.url}/accounts/")
    page.get_by_role("link", name="Siam Cement").click()
    page.get_by_role("link", name="Add person").click()
    page.get_by_label("Name").fill("Khun Malee")
    page.get_by_label("Title").fill("Plant manager")
    page.get_by_label("Reports to").select_option(label="Khun Anan")
    page.get_by_label("Attitude").select_option(label="Supporter")
    page.get_by_label("Buying role").select_option(label="Decision maker")
    page.get_by_role("button", name="Save").click()

    expect(page.get_by_text("Khun Malee was saved.")).to_be_visible()
    stakeholder_map = page.get_by_test_id("stakeholder-map")
    expect(stakeholder_map.get_by_test_id("map-node")).to_have_count(2)
    malee = stakeholder_map.get_by_test_id("map-node").filter(has_text="Khun Malee")
    expect(malee).to_have_class("node attitude-supporter")
    expect(stakeholder_map.locator("path.edge-reports")).to_have_count(1)
    expect(page.get_by_test_id("no-decision-supporter")).to_have_count(0)
    # The reporting line runs from the boss's box down to the new person's box.
    anan = stakeholder_map.get_by_test_id("map-node").filter(has_text="Khun Anan")
    assert anan.bounding_box()["y"] < malee.bounding_box()["y"]
