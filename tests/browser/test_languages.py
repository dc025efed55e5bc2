"""Every main page in each of the users' languages: translated, no console error, and the
numbers the browser reads (the stakeholder map's layout, the charts) unaffected by the
locale's decimal comma (in Polish and Vietnamese it once piled the map's boxes in a
corner)."""

import re

import pytest
from django.core.management import call_command
from django.urls import reverse
from django.utils import translation

from accounts.models import Account
from kamcrm.models import User
from tests.browser.conftest import sign_in
from tests.browser.pages import pages_of

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

LANGUAGES = ["th", "vi", "pl", "ru"]


def test_every_main_page_works_in_each_language(page, live_server):
    call_command("seed_demo", force=True)
    kam1 = User.objects.get(username="kam1")
    account = Account.objects.visible_to(kam1).filter(children__isnull=False).first()
    problems: list[str] = []
    page.on("console", lambda m: problems.append(m.text) if m.type == "error" else None)
    page.on("pageerror", lambda error: problems.append(str(error)))
    sign_in(page, live_server, "kam1", "demo")
    for language in LANGUAGES:
        User.objects.filter(pk=kam1.pk).update(language=language)
        with translation.override(language):
            accounts = translation.gettext("Accounts")
        assert accounts != "Accounts", f"no {language} catalogue compiled"
        for path in pages_of("kam1"):
            response = page.goto(f"{live_server.url}{path}")
            assert response.status == 200, f"{language} {path}"
            page.wait_for_load_state("load")
            assert page.locator("html").get_attribute("lang") == language
            assert page.get_by_role("link", name=accounts, exact=True).count(), path
            assert not problems, f"{language} {path}: {problems}"

        page.goto(f"{live_server.url}{reverse('accounts:people', args=[account.pk])}")
        transforms = page.locator("[data-testid=map-node]").evaluate_all(
            "nodes => nodes.map(n => n.getAttribute('transform'))"
        )
        assert len(transforms) > 3
        assert all(re.fullmatch(r"translate\(\d+(\.\d+)?,\d+(\.\d+)?\)", t) for t in transforms)
        boxes = page.locator("[data-testid=map-node]").evaluate_all(
            "nodes => nodes.map(n => { const b = n.getBoundingClientRect(); return [b.x, b.y] })"
        )
        assert len({tuple(box) for box in boxes}) == len(boxes), f"{language}: boxes overlap"
