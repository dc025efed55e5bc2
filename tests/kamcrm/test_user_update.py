from django.urls import reverse

from kamcrm.models import Role


def test_it_moves_a_kam_to_another_team(client, admin, kam1, south):
    client.force_login(admin)

    response = client.post(
        reverse("user_update", args=[kam1.pk]),
        {
            "username": "kam1",
            "first_name": kam1.first_name,
            "last_name": kam1.last_name,
            "email": kam1.email,
            "role": Role.KAM,
            "team": south.pk,
        },
    )

    assert response["Location"] == reverse("user_list")
    kam1.refresh_from_db()
    assert kam1.team == south


def test_it_promotes_a_kam_to_director(client, admin, kam1):
    client.force_login(admin)

    client.post(
        reverse("user_update", args=[kam1.pk]),
        {"username": "kam1", "email": kam1.email, "role": Role.DIRECTOR, "team": ""},
    )

    kam1.refresh_from_db()
    assert (kam1.role, kam1.team) == (Role.DIRECTOR, None)
    assert not kam1.is_staff


def test_it_shows_field_errors_and_keeps_the_stored_user(client, admin, kam1):
    client.force_login(admin)

    response = client.post(
        reverse("user_update", args=[kam1.pk]),
        {"username": "", "email": "not-an-email", "role": Role.KAM, "team": kam1.team_id},
    )

    assert set(response.context["form"].errors) >= {"username", "email"}
    kam1.refresh_from_db()
    assert kam1.username == "kam1"


def test_it_refuses_a_director(client, director1, kam1):
    client.force_login(director1)

    response = client.post(
        reverse("user_update", args=[kam1.pk]),
        {"username": "hijacked", "email": kam1.email, "role": Role.ADMIN, "team": ""},
    )

    assert response.status_code == 403
    kam1.refresh_from_db()
    assert (kam1.username, kam1.role) == ("kam1", Role.KAM)


def test_it_answers_404_for_an_unknown_user(client, admin):
    client.force_login(admin)

    assert client.get(reverse("user_update", args=[999_999])).status_code == 404
