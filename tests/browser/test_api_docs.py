"""The API's documentation page: Swagger UI from this site's own static files (no CDN),
under the strict Content-Security-Policy, drawing every endpoint from the schema."""

import pytest
from django.urls import reverse
from playwright.sync_api import expect

from tests.browser.conftest import sign_in
from tests.factories import PASSWORD

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_the_api_documentation_draws_with_no_policy_violation(page, live_server, kam1):
    problems: list[str] = []
    page.on("console", lambda m: problems.append(m.text) if m.type == "error" else None)
    page.on("pageerror", lambda error: problems.append(str(error)))
    elsewhere: list[str] = []
    page.on(
        "request",
        lambda r: None if r.url.startswith(live_server.url) else elsewhere.append(r.url),
    )
    sign_in(page, live_server, "kam1", PASSWORD)

    response = page.goto(f"{live_server.url}{reverse('api:docs')}")

    assert "script-src 'self'" in response.headers["content-security-policy"]
    expect(page.get_by_text("/api/v1/accounts/", exact=True).first).to_be_visible()
    expect(page.get_by_text("/api/v1/revenue-lines/bulk/", exact=True)).to_be_visible()
    assert not problems
    assert [url for url in elsewhere if not url.startswith("data:")] == []
