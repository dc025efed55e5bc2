"""Every main page, for each role, has no critical or serious accessibility violation as
axe-core (vendored in tests/browser/vendor) finds them in Chromium: contrast, labels,
names of links and inputs."""

from pathlib import Path

import pytest
from django.core.management import call_command
from django.urls import reverse

from accounts.models import Account
from plans.models import AccountPlan
from tests.browser.conftest import sign_in
from tests.browser.test_content_security_policy import pages_of

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

AXE = Path(__file__).parent / "vendor" / "axe.min.js"


@pytest.fixture
def browser_context_args(browser_context_args):
    # axe is injected as an inline script, which the app's policy rightly refuses.
    return {**browser_context_args, "bypass_csp": True}


def test_main_pages_have_no_critical_or_serious_violation(page, live_server):
    call_command("seed_demo", force=True)
    kam_pages = [
        reverse("dashboards:pipeline"),
        f"{reverse('dashboards:pipeline')}?view=board",
        f"{reverse('accounts:search')}?q=cement",
        reverse("accounts:activity_log"),
    ]
    plan = AccountPlan.objects.filter(account__owner__username="kam1").first()
    kam_pages += [reverse("plans:rows", args=[plan.pk, kind]) for kind in ("people", "goals")]
    found: list[str] = []
    for username in ["kam1", "director1", "admin"]:
        page.context.clear_cookies()
        sign_in(page, live_server, username, "demo")
        for path in pages_of(username) + (kam_pages if username == "kam1" else []):
            page.goto(f"{live_server.url}{path}")
            page.wait_for_load_state("load")
            page.add_script_tag(path=str(AXE))
            result = page.evaluate("async () => await axe.run(document)")
            found += [
                f"{username} {path}: {v['id']} ({v['impact']}) at {v['nodes'][0]['target']}"
                for v in result["violations"]
                if v["impact"] in ("critical", "serious")
            ]
    assert Account.objects.exists()
    assert found == []


OVERFLOWING = """() => [...document.querySelectorAll('body *')]
    .filter(e => e.getBoundingClientRect().right > window.innerWidth + 1
                 && !e.closest('.table-responsive, .overflow-auto, svg, .collapse')
                 && getComputedStyle(e).visibility !== 'hidden')  // a closed side panel
    .slice(0, 3).map(e => e.tagName + '.' + e.className)"""


def test_main_pages_fit_a_phone(page, live_server):
    """At 390 px wide nothing runs off the screen: wide tables and the board scroll
    inside their own box, the page itself never sideways."""
    call_command("seed_demo", force=True)
    page.set_viewport_size({"width": 390, "height": 844})
    found: list[str] = []
    for username in ["kam1", "director1", "admin"]:
        page.context.clear_cookies()
        sign_in(page, live_server, username, "demo")
        extra = [f"{reverse('dashboards:pipeline')}?view=board"] if username == "kam1" else []
        for path in pages_of(username) + extra:
            page.goto(f"{live_server.url}{path}")
            page.wait_for_load_state("load")
            width = page.evaluate("() => document.documentElement.scrollWidth")
            outside = page.evaluate(OVERFLOWING)
            if width > 390 or outside:
                found.append(f"{username} {path}: {width} px wide, {outside}")
    assert found == []
