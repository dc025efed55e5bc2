"""The plan page in Chromium: a section written in place is saved as the KAM types, and
a save on top of someone else's newer text is refused with both texts in view."""

import re

import pytest
from playwright.sync_api import expect

from plans.services import section_save
from tests.browser.conftest import sign_in
from tests.factories import PASSWORD
from tests.plans.conftest import plan_for

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def type_in(box, text: str) -> None:
    """Typed a key at a time, as a KAM types. Filled at once, the text was one input event,
    lost when it came before htmx had bound the autosave: Chrome may focus an inserted
    `autofocus` box itself, before htmx's settle step binds it (one CI run of many)."""
    box.press_sequentially(text, delay=30)


@pytest.fixture
def plan_page(page, live_server, kam1):
    plan = plan_for(kam1)
    sign_in(page, live_server, "kam1", PASSWORD)
    page.goto(f"{live_server.url}/plans/{plan.pk}/")
    return plan


def test_it_saves_a_section_as_the_kam_types(page, plan_page):
    expect(page.get_by_test_id("completeness")).to_contain_text("0 of 15 parts")
    page.get_by_test_id("edit-threats").click()
    box = page.get_by_role("textbox", name="SWOT: threats")
    expect(box).to_have_accessible_description(re.compile("What could we lose"))
    expect(box).to_be_focused()

    type_in(box, "A Chinese competitor opens a plant in Rayong.")

    expect(page.get_by_test_id("status-threats")).to_contain_text("Saved at")
    expect(page.get_by_test_id("completeness")).to_contain_text("1 of 15 parts")
    page.reload()  # never closed with Done: it was saved all the same
    expect(page.locator("#section-threats")).to_contain_text("opens a plant in Rayong")


def test_it_refuses_to_write_over_a_newer_text(page, plan_page, admin):
    page.get_by_test_id("edit-industry").click()
    box = page.get_by_role("textbox", name="Industry and customer analysis")
    expect(box).to_be_focused()  # opened at version 1
    section = plan_page.sections.get(kind="industry")
    section_save(section=section, text="Written by the admin meanwhile.", version=1, by=admin)

    type_in(box, "Written by the KAM.")

    expect(page.get_by_test_id("conflict")).to_be_visible()
    expect(page.get_by_test_id("stored-text")).to_contain_text("Written by the admin meanwhile.")
    box = page.get_by_role("textbox", name="Industry and customer analysis")
    expect(box).to_have_value("Written by the KAM.")
    box.fill("Written by the KAM, merged with the admin's words.")
    page.get_by_role("button", name="Save my text").click()
    expect(page.locator("#section-industry")).to_contain_text("merged with the admin")
    section.refresh_from_db()
    assert section.text == "Written by the KAM, merged with the admin's words."


def test_it_adds_a_goal_without_leaving_the_page(page, plan_page):
    page.get_by_test_id("edit-goals").click()
    card = page.locator("#card-goals")
    card.get_by_label("Goal or KPI").first.fill("Revenue against target")
    card.get_by_label("Target").first.fill("95")
    card.get_by_label("Unit").first.fill("%")
    card.get_by_role("button", name="Save").click()

    expect(page.locator("#card-goals")).to_contain_text("Revenue against target")
    checklist = page.get_by_test_id("checklist")
    expect(checklist).to_contain_text(re.compile(r"done:\s+At least one goal has a target"))
    expect(page.get_by_test_id("completeness")).to_contain_text("1 of 15 parts")
    assert plan_page.goals.get().name == "Revenue against target"
