"""A strict Content-Security-Policy (no inline script or style) breaks nothing: every
main page, for each role, loads in Chromium with no violation and no console error."""

import pytest
from django.core.management import call_command
from django.urls import reverse
from playwright.sync_api import expect

from accounts.models import Account
from tests.browser.conftest import sign_in
from tests.browser.pages import pages_of
from tests.factories import PASSWORD

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_every_main_page_loads_with_no_policy_violation(page, live_server):
    call_command("seed_demo", force=True)
    problems: list[str] = []
    page.on("console", lambda m: problems.append(m.text) if m.type == "error" else None)
    page.on("pageerror", lambda error: problems.append(str(error)))
    visited = 0
    for username in ["kam1", "director1", "admin"]:
        page.context.clear_cookies()
        sign_in(page, live_server, username, "demo")
        for path in pages_of(username):
            response = page.goto(f"{live_server.url}{path}")
            assert response.status == 200, path
            assert "script-src 'self'" in response.headers["content-security-policy"]
            page.wait_for_load_state("load")
            assert not problems, f"{username} {path}: {problems}"
            visited += 1
    assert visited >= 25


def test_behaviours_bound_from_the_script_file_still_work(page, live_server, kam1):
    """What inline handlers did before the policy: the language switch submits itself,
    a destructive form asks first."""
    sign_in(page, live_server, "kam1", PASSWORD)
    page.goto(f"{live_server.url}{reverse('notifications')}")

    with page.expect_navigation():  # the change submits the form: a new page loads
        page.get_by_label("Language").select_option("pl")

    expect(page.locator("html")).to_have_attribute("lang", "pl")
    asked: list[str] = []
    page.on("dialog", lambda dialog: (asked.append(dialog.message), dialog.dismiss()))
    page.evaluate(
        """() => {
            const form = document.createElement("form");
            form.method = "post";
            form.setAttribute("data-confirm", "Really?");
            form.innerHTML = '<button type="submit">Go</button>';
            document.body.append(form);
        }"""
    )
    page.get_by_role("button", name="Go", exact=True).click()
    assert asked == ["Really?"]
    assert page.url.endswith("/notifications/")  # dismissed: not submitted


def test_an_activity_is_logged_from_the_navbars_dialog(page, live_server, kam1):
    """The dialog's form is fetched by the script file (connect-src 'self') and posts back
    to the page it was opened on."""
    account = Account.objects.create(name="Siam Cement", owner=kam1, currency_id="THB")
    sign_in(page, live_server, "kam1", PASSWORD)
    page.goto(f"{live_server.url}{reverse('notifications')}")
    problems: list[str] = []
    page.on("console", lambda m: problems.append(m.text) if m.type == "error" else None)

    page.get_by_test_id("log-activity").click()
    dialog = page.get_by_role("dialog")
    dialog.get_by_label("Account").select_option(str(account.pk))
    dialog.get_by_label("Kind").select_option("call")
    dialog.get_by_label("Summary").fill("Called the buyer about the kiln.")
    with page.expect_navigation():
        dialog.get_by_role("button", name="Log it").click()

    assert page.url.endswith(reverse("notifications"))
    expect(page.get_by_text("Logged on Siam Cement")).to_be_visible()
    assert not problems
    assert account.activities.get().summary == "Called the buyer about the kiln."


def test_a_deal_is_dragged_to_another_stage_on_the_board(page, live_server, kam1):
    from accounts.models import Opportunity, OpportunityStage
    from tests.factories import OpportunityFactory

    account = Account.objects.create(name="Siam Cement", owner=kam1, currency_id="THB")
    stages = list(OpportunityStage.objects.filter(outcome="open").order_by("order"))
    deal = OpportunityFactory(account=account, name="Kiln", stage=stages[0])
    OpportunityFactory(account=account, name="Silo", stage=stages[1])  # a column to drop on
    sign_in(page, live_server, "kam1", PASSWORD)
    page.goto(f"{live_server.url}{reverse('dashboards:pipeline')}?view=board")

    with page.expect_navigation():  # the page reloads once the move is saved
        page.get_by_test_id(f"card-{deal.pk}").drag_to(
            page.locator(f'[data-drop-stage="{stages[1].pk}"]')
        )

    assert Opportunity.objects.get(pk=deal.pk).stage == stages[1]
