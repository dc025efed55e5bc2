import re

from django.core import mail
from django.urls import reverse

from tests.factories import UserFactory


def test_it_emails_a_link_that_sets_a_password(client, admin, kam1):
    client.force_login(admin)

    response = client.post(reverse("user_send_password_link", args=[kam1.pk]))

    assert response["Location"] == reverse("user_update", args=[kam1.pk])
    assert mail.outbox[0].to == [kam1.email]
    link = re.search(r"http://testserver(/reset/\S+/)", mail.outbox[0].body).group(1)

    client.logout()
    form_page = client.get(link, follow=True)  # Django swaps the token into the session
    assert form_page.context["validlink"]
    done = client.post(
        form_page.redirect_chain[-1][0],
        {"new_password1": "a fresh long passphrase", "new_password2": "a fresh long passphrase"},
    )

    assert done["Location"] == reverse("password_reset_complete")
    kam1.refresh_from_db()
    assert kam1.check_password("a fresh long passphrase")
    # The link works once.
    assert client.get(link, follow=True).context["validlink"] is False


def test_it_refuses_a_user_without_email(client, admin):
    nobody = UserFactory(email="")
    client.force_login(admin)

    response = client.post(reverse("user_send_password_link", args=[nobody.pk]), follow=True)

    assert not mail.outbox
    assert "no email address" in response.content.decode()


def test_it_rejects_get(client, admin, kam1):
    client.force_login(admin)

    assert client.get(reverse("user_send_password_link", args=[kam1.pk])).status_code == 405
    assert not mail.outbox


def test_it_refuses_a_director(client, director1, kam1):
    client.force_login(director1)

    response = client.post(reverse("user_send_password_link", args=[kam1.pk]))

    assert response.status_code == 403
    assert not mail.outbox
