from django.core import mail
from django.urls import reverse

from kamcrm.models import Role, User


def form(**overrides):
    data = {
        "username": "kam3",
        "first_name": "Piotr",
        "last_name": "Nowak",
        "email": "piotr@example.pl",
        "role": Role.KAM,
        "team": "",
    }
    return {**data, **overrides}


def test_it_creates_a_kam_and_emails_a_password_link(
    client, admin, north, django_capture_on_commit_callbacks
):
    client.force_login(admin)

    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(reverse("user_create"), form(team=north.pk))

    assert response["Location"] == reverse("user_list")
    user = User.objects.get(username="kam3")
    assert (user.role, user.team, user.is_active) == (Role.KAM, north, True)
    assert not user.has_usable_password()
    assert len(mail.outbox) == 1
    assert mail.outbox[0].to == ["piotr@example.pl"]
    assert "/reset/" in mail.outbox[0].body


def test_it_requires_a_team_for_a_kam(client, admin):
    client.force_login(admin)

    response = client.post(reverse("user_create"), form())

    assert response.status_code == 200
    assert "team" in response.context["form"].errors
    assert not User.objects.filter(username="kam3").exists()


def test_it_refuses_a_team_for_a_director(client, admin, north):
    client.force_login(admin)

    response = client.post(reverse("user_create"), form(role=Role.DIRECTOR, team=north.pk))

    assert "team" in response.context["form"].errors
    assert not User.objects.filter(username="kam3").exists()


def test_it_requires_an_unused_email(client, admin, kam1):
    client.force_login(admin)

    missing = client.post(reverse("user_create"), form(email="", team=kam1.team_id))
    taken = client.post(reverse("user_create"), form(email=kam1.email.upper(), team=kam1.team_id))

    assert "email" in missing.context["form"].errors
    assert "email" in taken.context["form"].errors
    assert not User.objects.filter(username="kam3").exists()


def test_it_makes_admins_staff_of_the_django_admin(client, admin):
    client.force_login(admin)

    client.post(reverse("user_create"), form(role=Role.ADMIN))

    user = User.objects.get(username="kam3")
    assert user.is_staff
    assert user.is_superuser


def test_it_refuses_a_kam(client, kam1):
    client.force_login(kam1)

    response = client.post(reverse("user_create"), form(team=kam1.team_id))

    assert response.status_code == 403
    assert not User.objects.filter(username="kam3").exists()
