import pytest
from playwright.sync_api import expect

from tests.browser.conftest import sign_in
from tests.factories import PASSWORD

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_a_kam_signs_in_through_the_real_page(page, live_server, kam1):
    page.goto(live_server.url + "/")  # redirected to sign-in first
    expect(page).to_have_url(f"{live_server.url}/login/?next=/")

    sign_in(page, live_server, "kam1", PASSWORD)

    expect(page).to_have_url(f"{live_server.url}/dashboard/")
    expect(page.get_by_role("heading", name="My portfolio")).to_be_visible()
    expect(page.get_by_test_id("user-menu")).to_contain_text(kam1.get_full_name())
    expect(page.get_by_role("link", name="Users")).to_have_count(0)


def test_a_wrong_password_keeps_the_kam_on_the_sign_in_page(page, live_server, kam1):
    sign_in(page, live_server, "kam1", "not the password")

    expect(page).to_have_url(f"{live_server.url}/login/")
    expect(page.locator(".alert-danger, .alert-block")).to_be_visible()
