import pytest
from django.urls import reverse

from tests.factories import PASSWORD


def test_it_signs_in_and_lands_on_home(client, kam1):
    response = client.post(reverse("login"), {"username": "kam1", "password": PASSWORD})

    assert response.status_code == 302
    assert response["Location"] == reverse("home")
    home = client.get(reverse("home"), follow=True)
    assert home.context["user"] == kam1
    assert home.redirect_chain[-1][0] == reverse("dashboards:dashboard")
    assert "My portfolio" in home.content.decode()


def test_it_rejects_a_wrong_password(client, kam1):
    response = client.post(reverse("login"), {"username": "kam1", "password": "wrong"})

    assert response.status_code == 200
    assert response.context["form"].non_field_errors()
    assert "_auth_user_id" not in client.session


def test_it_rejects_a_deactivated_user(client, kam1):
    kam1.is_active = False
    kam1.save(update_fields=["is_active"])

    client.post(reverse("login"), {"username": "kam1", "password": PASSWORD})

    assert "_auth_user_id" not in client.session


def test_it_returns_to_the_page_asked_for(client, admin):
    response = client.post(
        reverse("login") + "?next=/users/",
        {"username": "admin", "password": PASSWORD, "next": "/users/"},
    )

    assert response["Location"] == "/users/"


def test_it_signs_out_on_post_only(client, kam1):
    client.force_login(kam1)

    assert client.get(reverse("logout")).status_code == 405
    response = client.post(reverse("logout"))

    assert response["Location"] == reverse("login")
    assert "_auth_user_id" not in client.session


@pytest.mark.parametrize(("debug", "shown"), [(True, True), (False, False)])
def test_it_lists_demo_users_only_while_debug_is_on(client, settings, db, debug, shown):
    settings.DEBUG = debug

    response = client.get(reverse("login"))

    assert ('data-testid="demo-users"' in response.content.decode()) is shown


def test_it_changes_the_password(client, kam1):
    client.force_login(kam1)

    response = client.post(
        reverse("password_change"),
        {
            "old_password": PASSWORD,
            "new_password1": "a new and long passphrase",
            "new_password2": "a new and long passphrase",
        },
    )

    assert response["Location"] == reverse("password_change_done")
    kam1.refresh_from_db()
    assert kam1.check_password("a new and long passphrase")


@pytest.mark.parametrize("user_fixture", ["admin", "director1", "kam1"])
def test_it_shows_each_role_its_own_navigation(client, request, user_fixture):
    user = request.getfixturevalue(user_fixture)
    client.force_login(user)

    html = client.get(reverse("home"), follow=True).content.decode()

    assert (f'href="{reverse("user_list")}"' in html) is user.is_admin
    assert user.get_role_display() in html


def test_an_admin_lands_on_the_users_they_manage(client, admin):
    client.post(reverse("login"), {"username": "admin", "password": PASSWORD})

    home = client.get(reverse("home"), follow=True)

    assert home.redirect_chain[-1][0] == reverse("user_list")
