"""Personal API tokens: made and revoked by their user on a page of the app, shown once,
stored only as a hash, listed for admins."""

import hashlib

import pytest
from django.core.exceptions import PermissionDenied
from django.urls import reverse
from django.utils import timezone

from api.models import ApiToken
from api.services import token_create

pytestmark = pytest.mark.django_db


def test_it_shows_a_new_token_once_and_stores_only_its_hash(client, kam1):
    client.force_login(kam1)

    response = client.post(reverse("api:tokens"), {"name": "ERP feed"}, follow=True)
    later = client.get(reverse("api:tokens"))  # a reload shows it no more, nor makes one

    secret = response.context["secret"]
    token = ApiToken.objects.get(user=kam1)
    assert secret in response.content.decode()
    assert secret not in later.content.decode()
    assert token.key_hash == hashlib.sha256(secret.encode()).hexdigest()
    assert secret not in {token.prefix, token.key_hash, token.name}
    assert token.prefix in later.content.decode()
    assert response.redirect_chain == [(reverse("api:tokens"), 302)]


def test_the_token_signs_a_machine_in_and_records_its_use(kam1, client):
    token, secret = token_create(user=kam1, name="BI")

    for scheme in ("Bearer", "Token"):
        response = client.get(reverse("api:account-list"), HTTP_AUTHORIZATION=f"{scheme} {secret}")
        assert response.status_code == 200

    token.refresh_from_db()
    assert token.last_used_at is not None


def test_a_deactivated_user_gets_no_token(kam1):
    kam1.is_active = False
    kam1.save(update_fields=["is_active"])

    with pytest.raises(PermissionDenied):
        token_create(user=kam1, name="BI")
    assert not ApiToken.objects.exists()


def test_a_revoked_token_is_refused(client, kam1):
    token, secret = token_create(user=kam1, name="BI")
    client.force_login(kam1)

    client.post(reverse("api:token_revoke", args=[token.pk]))
    client.logout()

    token.refresh_from_db()
    assert token.revoked_at is not None
    response = client.get(reverse("api:account-list"), HTTP_AUTHORIZATION=f"Bearer {secret}")
    assert response.status_code == 401


def test_a_deactivated_users_token_is_refused(client, kam1):
    _token, secret = token_create(user=kam1, name="BI")
    kam1.is_active = False
    kam1.save()

    response = client.get(reverse("api:account-list"), HTTP_AUTHORIZATION=f"Bearer {secret}")

    assert response.status_code == 401


def test_nobody_revokes_another_users_token_but_an_admin(client, kam1, kam2, admin):
    token, _secret = token_create(user=kam1, name="BI")
    client.force_login(kam2)

    assert client.post(reverse("api:token_revoke", args=[token.pk])).status_code == 404
    token.refresh_from_db()
    assert token.revoked_at is None

    client.force_login(admin)
    client.post(reverse("api:token_revoke", args=[token.pk]))
    token.refresh_from_db()
    assert token.revoked_at <= timezone.now()


def test_admins_see_everyones_tokens_and_others_may_not(client, kam1, kam2, admin):
    token_create(user=kam1, name="ERP feed")
    token_create(user=kam2, name="BI dashboard")

    client.force_login(kam1)
    assert client.get(reverse("api:token_list_all")).status_code == 403
    assert "BI dashboard" not in client.get(reverse("api:tokens")).content.decode()
    client.force_login(admin)
    page = client.get(reverse("api:token_list_all")).content.decode()

    assert "ERP feed" in page
    assert "BI dashboard" in page
