from django.urls import reverse

from tests.factories import PASSWORD


def test_it_asks_before_deactivating(client, admin, kam1):
    client.force_login(admin)

    response = client.get(reverse("user_deactivate", args=[kam1.pk]))

    assert response.status_code == 200
    assert b'method="post"' in response.content
    kam1.refresh_from_db()
    assert kam1.is_active


def test_it_deactivates_and_keeps_the_user(client, admin, kam1):
    client.force_login(admin)

    response = client.post(reverse("user_deactivate", args=[kam1.pk]))

    assert response["Location"] == reverse("user_list")
    kam1.refresh_from_db()
    assert not kam1.is_active
    client.logout()
    signed_in = client.post(reverse("login"), {"username": "kam1", "password": PASSWORD})
    assert signed_in.status_code == 200  # the form again, no session
    assert "_auth_user_id" not in client.session


def test_it_reactivates(client, admin, kam1):
    kam1.is_active = False
    kam1.save(update_fields=["is_active"])
    client.force_login(admin)

    client.post(reverse("user_reactivate", args=[kam1.pk]))

    kam1.refresh_from_db()
    assert kam1.is_active


def test_it_refuses_to_deactivate_yourself(client, admin):
    client.force_login(admin)

    response = client.post(reverse("user_deactivate", args=[admin.pk]), follow=True)

    admin.refresh_from_db()
    assert admin.is_active
    assert "cannot deactivate your own" in response.content.decode()


def test_it_refuses_a_kam(client, kam1, kam2):
    client.force_login(kam1)

    response = client.post(reverse("user_deactivate", args=[kam2.pk]))

    assert response.status_code == 403
    kam2.refresh_from_db()
    assert kam2.is_active
