"""Every main page, for each role, has no critical or serious accessibility violation as
axe-core (vendored in tests/browser/vendor) finds them in Chromium: contrast, labels,
names of links and inputs."""

import os
import re
from pathlib import Path

import pytest
from django.core.management import call_command
from django.urls import reverse
from playwright.sync_api import expect

from accounts.models import Account
from kamcrm.models import User
from plans.models import AccountPlan, PlanStatus
from tests.browser.conftest import sign_in
from tests.browser.pages import pages_of

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

AXE = Path(__file__).parent / "vendor" / "axe.min.js"


@pytest.fixture
def browser_context_args(browser_context_args):
    # axe is injected as an inline script, which the app's policy rightly refuses.
    return {**browser_context_args, "bypass_csp": True}


def serious_violations(page, where: str) -> list[str]:
    """axe's critical and serious findings on the page as it is now, once no transition
    runs (a dialog fading in has, for a moment, text of too little contrast)."""
    page.wait_for_function("() => document.getAnimations().every(a => a.playState !== 'running')")
    page.add_script_tag(path=str(AXE))
    result = page.evaluate("async () => await axe.run(document)")
    return [
        f"{where}: {v['id']} ({v['impact']}) at {v['nodes'][0]['target']}"
        for v in result["violations"]
        if v["impact"] in ("critical", "serious")
    ]


def test_main_pages_have_no_critical_or_serious_violation(page, live_server):
    call_command("seed_demo", force=True)
    found: list[str] = []
    for username in ["kam1", "director1", "admin"]:
        page.context.clear_cookies()
        sign_in(page, live_server, username, "demo")
        for path in pages_of(username):
            page.goto(f"{live_server.url}{path}")
            page.wait_for_load_state("load")
            found += serious_violations(page, f"{username} {path}")
    assert Account.objects.exists()
    assert found == []


def test_pages_in_use_have_no_critical_or_serious_violation(page, live_server):
    """What the page list cannot reach: an open editor, side panel and dialog; a submitted
    plan as its director sees it; the hand-over wizard refusing a step, and its last."""
    call_command("seed_demo", force=True)
    found: list[str] = []
    plan = AccountPlan.objects.filter(account__owner__username="kam1", status="draft").first()
    account = Account.objects.filter(owner__username="kam1", stakeholders__isnull=False).first()

    sign_in(page, live_server, "kam1", "demo")
    page.goto(f"{live_server.url}{reverse('plans:detail', args=[plan.pk])}")
    page.wait_for_load_state("load")
    page.get_by_test_id("edit-industry").click()
    expect(page.get_by_role("textbox", name="Industry and customer analysis")).to_be_focused()
    found += serious_violations(page, "kam1 plan, a section open")
    page.goto(f"{live_server.url}{reverse('accounts:people', args=[account.pk])}")
    page.wait_for_load_state("load")
    page.get_by_test_id("stakeholder-map").get_by_role("link").first.click()
    expect(page.get_by_test_id("person-panel")).to_be_visible()
    found += serious_violations(page, "kam1 account, a person's panel open")
    page.keyboard.press("Escape")
    page.get_by_test_id("log-activity").click()
    expect(page.get_by_role("dialog").get_by_label("Summary")).to_be_visible()
    found += serious_violations(page, "kam1 account, the activity dialog open")

    AccountPlan.objects.filter(pk=plan.pk).update(status=PlanStatus.SUBMITTED)
    page.context.clear_cookies()
    sign_in(page, live_server, "director1", "demo")
    page.goto(f"{live_server.url}{reverse('plans:detail', args=[plan.pk])}")
    expect(page.get_by_role("button", name="Return to draft")).to_be_visible()
    found += serious_violations(page, "director1 a submitted plan")

    page.context.clear_cookies()
    sign_in(page, live_server, "admin", "demo")
    leaving = User.objects.get(username="kam1")
    page.goto(f"{live_server.url}{reverse('user_deactivate', args=[leaving.pk])}?step=choose")
    page.get_by_role("button", name="Next").click()  # nobody chosen: refused
    expect(page.locator(".invalid-feedback").first).to_be_visible()
    found += serious_violations(page, "admin wizard, nobody chosen")
    for select in page.locator("form[action$='/deactivate/'] select").all():
        select.select_option(index=1)
    page.get_by_role("button", name="Next").click()
    expect(page.get_by_test_id("confirm")).to_be_visible()
    found += serious_violations(page, "admin wizard, the last step")
    assert found == []


OVERFLOWING = """() => [...document.querySelectorAll('body *')]
    .filter(e => e.getBoundingClientRect().right > window.innerWidth + 1
                 && !e.closest('.table-responsive, .overflow-auto, svg, .collapse')
                 && getComputedStyle(e).visibility !== 'hidden')  // a closed side panel
    .slice(0, 3).map(e => e.tagName + '.' + e.className)"""


def test_main_pages_fit_a_phone(page, live_server):
    """At 390 px wide nothing runs off the screen: wide tables and the board scroll
    inside their own box, the page itself never sideways. Each page's screenshot is kept
    (PHONE_SHOTS, .artifacts/phone by default) for a person to look through."""
    call_command("seed_demo", force=True)
    shots = Path(os.environ.get("PHONE_SHOTS", ".artifacts/phone"))
    shots.mkdir(parents=True, exist_ok=True)
    page.set_viewport_size({"width": 390, "height": 844})
    found: list[str] = []
    taken = 0
    for username in ["kam1", "director1", "admin"]:
        page.context.clear_cookies()
        sign_in(page, live_server, username, "demo")
        for path in pages_of(username):
            page.goto(f"{live_server.url}{path}")
            page.wait_for_load_state("load")
            width = page.evaluate("() => document.documentElement.scrollWidth")
            outside = page.evaluate(OVERFLOWING)
            if width > 390 or outside:
                found.append(f"{username} {path}: {width} px wide, {outside}")
            name = re.sub(r"[^a-z0-9]+", "-", f"{username}{path}".lower()).strip("-")
            shot = page.screenshot(path=shots / f"{name}.png", full_page=True)
            taken += len(shot) > 1000
    assert found == []
    assert taken == sum(len(pages_of(user)) for user in ("kam1", "director1", "admin"))
