"""Guessing passwords is throttled per user and per address, says so clearly, and an
admin can lift the lock early."""

import pytest
from django.urls import reverse

from tests.factories import UserFactory

PASSWORD = "correct horse battery staple"


@pytest.fixture
def limit(settings, db):
    settings.AXES_FAILURE_LIMIT = 3
    return 3


def sign_in(client, username: str, password: str, address: str = "10.0.0.1"):
    return client.post(
        reverse("login"), {"username": username, "password": password}, REMOTE_ADDR=address
    )


def test_a_user_is_locked_after_the_limit_even_with_the_right_password(client, limit):
    UserFactory(username="malee", password=PASSWORD)
    for attempt in range(limit):
        sign_in(client, "malee", f"guess {attempt}")

    locked = sign_in(client, "malee", PASSWORD, address="10.0.0.99")  # another address

    assert locked.status_code == 429
    assert "Too many failed sign-ins for this user or from this address" in locked.content.decode()
    assert "_auth_user_id" not in client.session


def test_one_address_guessing_many_users_is_locked(client, limit):
    UserFactory(username="anna", password=PASSWORD)
    for attempt in range(limit):
        sign_in(client, f"nobody{attempt}", "guess", address="10.0.0.7")

    assert sign_in(client, "anna", PASSWORD, address="10.0.0.7").status_code == 429
    assert sign_in(client, "anna", PASSWORD, address="10.0.0.8").status_code == 302


def test_an_admin_unlocks_a_user(client, admin, limit):
    malee = UserFactory(username="malee", password=PASSWORD)
    for attempt in range(limit):
        sign_in(client, "malee", f"guess {attempt}", address=f"10.0.1.{attempt}")
    client.force_login(admin)
    page = client.get(reverse("user_update", args=[malee.pk])).content.decode()
    assert "Sign-in is paused for this user" in page

    client.post(reverse("user_unlock", args=[malee.pk]))
    client.logout()

    assert sign_in(client, "malee", PASSWORD, address="10.0.2.1").status_code == 302


def test_behind_a_proxy_the_address_is_the_one_the_proxy_saw(client, limit, settings):
    """A client cannot dodge the address lock by sending its own X-Forwarded-For."""
    settings.BEHIND_PROXY = True
    for attempt in range(limit):
        client.post(
            reverse("login"),
            {"username": f"nobody{attempt}", "password": "guess"},
            HTTP_X_FORWARDED_FOR=f"1.2.3.{attempt}, 203.0.113.5",
        )

    response = client.post(
        reverse("login"),
        {"username": "someone", "password": "guess"},
        HTTP_X_FORWARDED_FOR="9.9.9.9, 203.0.113.5",
    )

    assert response.status_code == 429
