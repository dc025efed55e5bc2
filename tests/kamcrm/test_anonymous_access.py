"""Every page but sign-in, the health check and the emailed password link needs sign-in."""

import re
from urllib.parse import parse_qs, urlsplit

import pytest
from django.urls import URLPattern, URLResolver, get_resolver, reverse

# Pages a signed-out person must reach; everything else redirects to sign-in.
PUBLIC = {"login", "healthz", "password_reset_confirm", "password_reset_complete"}
SAMPLE = {
    "int": "1",
    "str": "x",
    "slug": "x",
    "path": "x",
    "uuid": "00000000-0000-0000-0000-000000000000",
}


def walk(patterns, prefix="", namespace=""):
    for entry in patterns:
        if isinstance(entry, URLResolver):
            inner = f"{namespace}{entry.namespace}:" if entry.namespace else namespace
            yield from walk(entry.url_patterns, prefix + str(entry.pattern), inner)
        elif isinstance(entry, URLPattern):
            route = prefix + str(entry.pattern)
            if "(?P" in route or "^" in route:
                continue  # regex routes (the Django admin's) are covered by its index below
            path = re.sub(r"<(?:(\w+):)?\w+>", lambda m: SAMPLE[m.group(1) or "str"], route)
            yield f"{namespace}{entry.name}", "/" + path


ROUTES = sorted(set(walk(get_resolver().url_patterns)) | {("admin:index", "/django-admin/")})
# The API's machine endpoints: a program cannot follow a sign-in page, so they answer 401.
MACHINE = {name for name, path in ROUTES if path.startswith(("/api/v1/", "/api/schema/"))}


def test_the_walk_finds_the_app_pages():
    names = {name for name, _ in ROUTES}

    assert {"home", "user_list", "user_update", "team_list", "admin:login"} <= names


@pytest.mark.django_db
@pytest.mark.parametrize(("name", "path"), [r for r in ROUTES if r[0] not in PUBLIC | MACHINE])
def test_it_redirects_anonymous_users_to_sign_in(client, name, path):
    response = client.get(path, follow=True)

    assert response.redirect_chain, f"{name} at {path} answered {response.status_code}"
    final = urlsplit(response.redirect_chain[-1][0])
    assert final.path == reverse("login")
    # The admin's own login page forwards to ours, on to the admin's index.
    expected_next = reverse("admin:index") if path == "/django-admin/login/" else path
    assert parse_qs(final.query)["next"] == [expected_next]


@pytest.mark.django_db
@pytest.mark.parametrize(("name", "path"), [r for r in ROUTES if r[0] in MACHINE])
def test_it_answers_401_to_anonymous_machines(client, name, path):
    response = client.get(path)
    if response.status_code == 405:
        response = client.post(path)

    assert response.status_code == 401, f"{name} at {path}"
    assert response["WWW-Authenticate"].startswith("Bearer")


def test_the_walk_finds_the_api():
    assert {"api:account-list", "api:revenue_bulk", "api:schema"} <= MACHINE


@pytest.mark.django_db
def test_it_lets_anonymous_users_reach_sign_in(client):
    assert client.get(reverse("login")).status_code == 200
