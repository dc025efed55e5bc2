"""Logging an activity from anywhere: the navbar's dialog, or its page without script."""

from django.urls import reverse
from django.utils import timezone

from accounts.models import Activity
from tests.factories import AccountFactory


def post(client, user, **data):
    client.force_login(user)
    today = timezone.localdate().isoformat()
    return client.post(
        reverse("accounts:activity_log"),
        {"kind": "call", "date": today, "summary": "Called the buyer.", **data},
    )


def test_a_kam_logs_an_activity_and_goes_back_where_they_were(client, kam1):
    account = AccountFactory(owner=kam1, name="Siam Cement")

    response = post(client, kam1, account=account.pk, next="/dashboard/")

    activity = Activity.objects.get()
    assert (activity.account, activity.created_by) == (account, kam1)
    assert list(activity.our_people.all()) == [kam1]
    assert response["Location"] == "/dashboard/"
    account.refresh_from_db()
    assert account.list_last_contact == timezone.localdate()  # the list knows at once


def test_another_teams_account_is_not_offered_nor_taken(client, kam1, kam2):
    south = AccountFactory(owner=kam2)

    response = post(client, kam1, account=south.pk)

    assert response.status_code == 200
    assert not Activity.objects.exists()
    assert response.context["form"].errors["account"]


def test_a_foreign_next_is_ignored(client, kam1):
    account = AccountFactory(owner=kam1)
    response = post(client, kam1, account=account.pk, next="https://evil.example/")
    assert response["Location"] == reverse("accounts:detail", args=[account.pk])


def test_the_dialog_fetches_only_the_form(client, kam1):
    AccountFactory(owner=kam1, name="Siam Cement")
    client.force_login(kam1)

    fragment = client.get(reverse("accounts:activity_log"), {"partial": 1}).content.decode()
    page = client.get(reverse("dashboards:dashboard")).content.decode()

    assert 'data-testid="activity-log-form"' in fragment
    assert "<html" not in fragment
    assert "Siam Cement" in fragment
    assert 'data-bs-target="#log-activity"' in page
