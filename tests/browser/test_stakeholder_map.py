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
    page.get_by_role("link", name="People").click()  # the account page's People tab
    page.wait_for_load_state()  # htmx is bound once the page has loaded
    page.get_by_role("link", name="Add person").click()  # opens in the side panel
    expect(page.get_by_test_id("person-panel")).to_be_visible()
    page.get_by_label("Name").fill("Khun Malee")
    page.get_by_label("Title").fill("Plant manager")
    page.get_by_label("Reports to").select_option(label="Khun Anan")
    page.get_by_label("Attitude").select_option(label="Supporter")
    page.get_by_label("Buying role").select_option(label="Decision maker")
    page.get_by_role("button", name="Save").click()

    expect(page.get_by_test_id("person-panel")).to_be_hidden()  # closed once saved
    stakeholder_map = page.get_by_test_id("stakeholder-map")
    expect(stakeholder_map.get_by_test_id("map-node")).to_have_count(2)
    malee = stakeholder_map.get_by_test_id("map-node").filter(has_text="Khun Malee")
    expect(malee).to_have_class("node attitude-supporter")
    expect(stakeholder_map.locator("path.edge-reports")).to_have_count(1)
    expect(page.get_by_test_id("no-decision-supporter")).to_have_count(0)
    # The reporting line runs from the boss's box down to the new person's box.
    anan = stakeholder_map.get_by_test_id("map-node").filter(has_text="Khun Anan")
    assert anan.bounding_box()["y"] < malee.bounding_box()["y"]


def test_a_kam_edits_a_person_from_the_map_and_zooms_in(page, live_server, kam1):
    account = AccountFactory(name="Siam Cement", owner=kam1)
    anan = StakeholderFactory(account=account, name="Khun Anan", attitude="neutral")
    for n in range(6):
        StakeholderFactory(account=account, name=f"Engineer {n}", reports_to=anan)
    sign_in(page, live_server, "kam1", PASSWORD)
    page.goto(f"{live_server.url}/accounts/{account.pk}/people/")
    stakeholder_map = page.get_by_test_id("stakeholder-map")

    stakeholder_map.get_by_role("link", name="Edit Khun Anan").click()
    panel = page.get_by_test_id("person-panel")
    expect(panel).to_be_visible()
    panel.get_by_label("Attitude").select_option(label="Supporter")
    panel.get_by_role("button", name="Save").click()

    expect(panel).to_be_hidden()
    anan_node = stakeholder_map.get_by_test_id("map-node").filter(has_text="Khun Anan")
    expect(anan_node).to_have_class("node attitude-supporter")  # the map redrawn
    anan.refresh_from_db()
    assert anan.attitude == "supporter"

    whole = stakeholder_map.get_attribute("viewBox")
    page.get_by_role("button", name="Zoom in").click()
    zoomed = stakeholder_map.get_attribute("viewBox")
    assert float(zoomed.split()[2]) < float(whole.split()[2])
    expect(stakeholder_map).to_have_class("stakeholder-map zoomed")
    page.get_by_role("button", name="Fit").click()
    assert stakeholder_map.get_attribute("viewBox") == whole


def test_the_map_fits_a_phone(page, live_server, kam1):
    account = AccountFactory(name="Siam Cement", owner=kam1)
    anan = StakeholderFactory(account=account, name="Khun Anan")
    for n in range(8):
        StakeholderFactory(account=account, name=f"Engineer {n}", reports_to=anan)
    page.set_viewport_size({"width": 390, "height": 844})
    sign_in(page, live_server, "kam1", PASSWORD)
    page.goto(f"{live_server.url}/accounts/{account.pk}/people/")

    stakeholder_map = page.get_by_test_id("stakeholder-map")
    box = stakeholder_map.bounding_box()
    assert box["x"] >= 0
    assert box["x"] + box["width"] <= 390  # drawn 1,616 px wide, inside the screen
    # It opens readable, its names about 9 px high, not shrunk to a quarter.
    expect(stakeholder_map).to_have_class("stakeholder-map zoomed")
    anan_name = stakeholder_map.locator("text.name", has_text="Khun Anan")
    assert anan_name.bounding_box()["height"] >= 8
    # Dragged, it pans; Fit shows it whole.
    before = stakeholder_map.get_attribute("viewBox")
    page.mouse.move(box["x"] + box["width"] / 2, box["y"] + 20)
    page.mouse.down()
    page.mouse.move(box["x"] + box["width"] / 2 + 120, box["y"] + 20, steps=5)
    page.mouse.up()
    assert float(stakeholder_map.get_attribute("viewBox").split()[0]) < float(before.split()[0])
    page.get_by_role("button", name="Fit").click()
    assert stakeholder_map.get_attribute("viewBox").split()[2:] == [
        stakeholder_map.get_attribute("data-width"), stakeholder_map.get_attribute("data-height")
    ]  # fmt: skip
