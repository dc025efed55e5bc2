"""The account's History tab: the audit trail of the account, its people and its deals."""

from datetime import date

import pytest
from django.core.management import call_command
from django.urls import reverse

from accounts.models import AccountEvent, OpportunityStage, RevenueLine
from accounts.tiering import tiers_recompute
from kamcrm import audit
from tests.audit import changed, rows
from tests.factories import OpportunityFactory, StakeholderFactory
from tests.forms import posted
from tests.needs import needs_postgresql


def history(client, account, **query):
    return client.get(reverse("accounts:history", args=[account.pk]), query)


def test_it_shows_who_changed_what_with_labels_not_keys(client, kam1, north_account):
    north_account.account_type = "breadwinner"
    north_account.save()
    changed(north_account, account_type="expert", name="Siam Cement Group")
    client.force_login(kam1)

    response = history(client, north_account)

    assert response.status_code == 200
    assert rows(response)[0][1:] == (
        "Account",
        "Siam Cement Group",
        ["Name: Siam Cement → Siam Cement Group", "Account type: Breadwinner → Expert"],
    )
    assert "Account type: Breadwinner → Expert" in response.content.decode()


def test_it_lists_the_accounts_people_and_deals_and_filters_by_kind(client, kam1, north_account):
    person = StakeholderFactory(account=north_account, name="Somchai", attitude="neutral")
    deal = OpportunityFactory(account=north_account, name="Kiln upgrade")
    changed(person, attitude="supporter")
    changed(deal, stage=OpportunityStage.objects.get(name="Negotiate"))
    client.force_login(kam1)

    everything = rows(history(client, north_account))
    people = rows(history(client, north_account, kind="stakeholders"))

    assert ("Stakeholder", "Somchai", ["Attitude: Neutral → Supporter"]) in [
        r[1:] for r in everything
    ]
    assert ("Opportunity", "Kiln upgrade", ["Stage: Propose → Negotiate"]) in [
        r[1:] for r in everything
    ]
    assert {r[1] for r in people} == {"Stakeholder"}


def test_another_accounts_people_are_not_listed(client, kam1, north_account, south_account):
    changed(StakeholderFactory(account=south_account, name="Elsewhere"), name="Still elsewhere")
    client.force_login(kam1)

    assert [r for r in rows(history(client, north_account)) if r[1] != "Account"] == []


def test_a_kam_of_another_team_gets_404(client, kam2, north_account):
    changed(north_account, name="Secret")
    client.force_login(kam2)

    assert history(client, north_account).status_code == 404


def test_a_director_sees_their_teams_account_history(client, director1, north_account):
    changed(north_account, name="Siam Cement Group")
    client.force_login(director1)

    shown = [(r[2], r[3]) for r in rows(history(client, north_account))]
    assert shown == [
        ("Siam Cement Group", ["Name: Siam Cement → Siam Cement Group"]),
        ("Siam Cement", []),
    ]


def test_it_pages_25_rows_at_a_time(client, kam1, north_account):
    for n in range(30):
        changed(north_account, employees=n + 1)
    client.force_login(kam1)

    first, second = history(client, north_account), history(client, north_account, page=2)

    assert len(rows(first)) == 25
    assert rows(first)[0][3] == ["Employees: 29 → 30"]
    assert len(rows(second)) == 6  # and the account's creation
    assert second.context["page_obj"].object_list[-1].action == "created"


def test_it_says_where_the_trail_is_kept(client, kam1, north_account):
    client.force_login(kam1)

    page = history(client, north_account).content.decode()

    assert ("recorded on PostgreSQL only" in page) is not audit.is_recorded()


def test_it_runs_a_bounded_number_of_queries(
    client, kam1, north_account, django_assert_max_num_queries
):
    client.force_login(kam1)
    for n in range(10):
        changed(StakeholderFactory(account=north_account), relationship_holder=kam1)
        changed(OpportunityFactory(account=north_account), amount=n * 1000, owner=kam1)
        changed(north_account, employees=n + 1, owner=kam1)

    with django_assert_max_num_queries(20):
        response = history(client, north_account)

    assert len(rows(response)) == 25


def test_a_queryset_update_leaves_an_event_with_old_and_new_values(north_account):
    needs_postgresql("the trail is written by PostgreSQL triggers")

    type(north_account).objects.filter(pk=north_account.pk).update(name="SCG", is_strategic=True)

    update = AccountEvent.objects.filter(pgh_obj=north_account, pgh_label="update").get()
    before = AccountEvent.objects.filter(pgh_obj=north_account, pgh_label="insert").get()
    assert (before.name, before.is_strategic) == ("Siam Cement", False)
    assert (update.name, update.is_strategic) == ("SCG", True)


def test_a_save_through_the_app_names_the_user(client, kam1, north_account):
    needs_postgresql("the trail is written by PostgreSQL triggers")
    person = StakeholderFactory(account=north_account, name="Somchai", title="Buyer")
    url = reverse("accounts:stakeholder_update", args=[north_account.pk, person.pk])
    client.force_login(kam1)

    form = posted(client.get(url).context["form"])
    assert client.post(url, {**form, "title": "Head of buying"}).status_code == 302

    assert rows(history(client, north_account))[0] == (
        str(kam1),
        "Stakeholder",
        "Somchai",
        ["Title: Buyer → Head of buying"],
    )


def test_an_import_is_named_as_the_author(client, kam1, north_account, tmp_path):
    needs_postgresql("the trail is written by PostgreSQL triggers")
    csv = tmp_path / "accounts.csv"
    csv.write_text("external_id,name,currency\nSC-1,Siam Cement PCL,USD\n")

    call_command("import_accounts", str(csv))
    client.force_login(kam1)

    assert rows(history(client, north_account))[0] == (
        "Accounts import (command line)",
        "Account",
        "Siam Cement PCL",
        ["Name: Siam Cement → Siam Cement PCL"],
    )


def test_nightly_tiering_does_not_flood_the_trail(north_account):
    needs_postgresql("the trail is written by PostgreSQL triggers")
    RevenueLine.objects.create(
        account=north_account, date=date(2026, 5, 10), amount=1000, currency_id="USD"
    )
    events = AccountEvent.objects.filter(pgh_obj=north_account)
    before = events.count()

    tiers_recompute(as_of=date(2026, 11, 1))

    north_account.refresh_from_db()
    assert north_account.tiered_on == date(2026, 11, 1)
    assert events.count() == before


@pytest.mark.parametrize("kind", ["account", "stakeholders", "opportunities"])
def test_each_kind_filter_answers(client, kam1, north_account, kind):
    client.force_login(kam1)

    assert history(client, north_account, kind=kind).status_code == 200
