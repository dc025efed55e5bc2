"""Two people editing the same account, person or deal: the second save, made on top of the
first, is refused with both versions in view and nothing overwritten."""

import pytest
from django.test import Client
from django.urls import reverse

from accounts.forms import AccountForm
from accounts.import_jobs import table_of
from accounts.imports import import_accounts
from accounts.models import Account, Stakeholder
from kamcrm.versioning import StaleEdit
from tests.factories import OpportunityFactory, StakeholderFactory
from tests.forms import posted


def opened(client, url: str, **changes) -> dict:
    """What the browser would post back: the form as rendered, with the user's changes."""
    return {**posted(client.get(url).context["form"]), **changes}


@pytest.fixture
def colleague(kam1):
    """kam1 at a second browser."""
    other = Client()
    other.force_login(kam1)
    return other


def test_a_second_account_edit_on_top_of_the_first_is_refused(
    client, colleague, kam1, north_account
):
    client.force_login(kam1)
    url = reverse("accounts:update", args=[north_account.pk])
    mine = opened(client, url, history="Met the new CFO.")
    theirs = opened(colleague, url, name="Siam Cement Group")

    assert colleague.post(url, theirs).status_code == 302
    response = client.post(url, mine)

    assert response.status_code == 409
    north_account.refresh_from_db()
    assert (north_account.name, north_account.history) == ("Siam Cement Group", "")
    form = response.context["form"]
    assert form["history"].value() == "Met the new CFO."  # the user's entry is kept
    # A field only the colleague changed takes their value, with nothing to decide.
    assert (form["name"].value(), form["name"].errors) == ("Siam Cement Group", [])
    assert "Someone else saved this after you opened it" in response.content.decode()


def test_saving_again_from_the_refusal_keeps_the_colleagues_other_changes(
    client, colleague, kam1, north_account
):
    client.force_login(kam1)
    url = reverse("accounts:update", args=[north_account.pk])
    mine = opened(client, url, history="Met the new CFO.")
    colleague.post(url, opened(colleague, url, name="Siam Cement Group"))
    refused = client.post(url, mine).context["form"]

    assert client.post(url, posted(refused)).status_code == 302

    north_account.refresh_from_db()
    assert (north_account.name, north_account.history) == ("Siam Cement Group", "Met the new CFO.")


def test_a_field_both_changed_is_shown_and_saving_again_keeps_the_users(
    client, colleague, kam1, north_account
):
    client.force_login(kam1)
    url = reverse("accounts:update", args=[north_account.pk])
    mine = opened(client, url, name="SCG", history="Met the new CFO.")
    colleague.post(url, opened(colleague, url, name="Siam Cement Group", country="Thailand"))

    refused = client.post(url, mine).context["form"]

    assert refused["name"].errors == ["Now saved as: Siam Cement Group"]
    assert (refused["name"].value(), refused["country"].value()) == ("SCG", "Thailand")
    assert client.post(url, posted(refused)).status_code == 302
    north_account.refresh_from_db()
    assert (north_account.name, north_account.country, north_account.history) == (
        "SCG",
        "Thailand",
        "Met the new CFO.",
    )


@pytest.mark.parametrize(
    ("make", "url_name", "field", "mine", "theirs"),
    [
        (StakeholderFactory, "accounts:stakeholder_update", "title", "Head buyer", "CFO"),
        (OpportunityFactory, "accounts:opportunity_update", "amount", "150.00", "900.00"),
    ],
    ids=["stakeholder", "deal"],
)
def test_a_stale_edit_of_a_person_or_deal_is_refused(
    client, colleague, kam1, north_account, make, url_name, field, mine, theirs
):
    thing = make(account=north_account)
    client.force_login(kam1)
    url = reverse(url_name, args=[north_account.pk, thing.pk])
    mine = opened(client, url, **{field: mine})
    colleague.post(url, opened(colleague, url, **{field: theirs}))

    response = client.post(url, mine)

    assert response.status_code == 409
    thing.refresh_from_db()
    assert str(getattr(thing, field)) == theirs


def test_the_bulk_people_editor_refuses_a_stale_row_and_saves_nothing(
    client, colleague, kam1, north_account
):
    malee = StakeholderFactory(account=north_account, name="Khun Malee", title="Buyer")
    StakeholderFactory(account=north_account, name="Khun Somchai", title="CFO")
    client.force_login(kam1)
    bulk = reverse("accounts:stakeholders", args=[north_account.pk])
    formset = client.get(bulk).context["formset"]
    data = {f"{formset.prefix}-{k}": v for k, v in formset.management_form.initial.items()}
    for form in formset.forms:
        for field in form:
            value = field.value()
            if value not in (None, False):
                data[field.html_name] = "on" if value is True else str(value)
    data[f"{formset.prefix}-0-title"] = "Head buyer"
    data[f"{formset.prefix}-1-title"] = "Group CFO"
    single = reverse("accounts:stakeholder_update", args=[north_account.pk, malee.pk])
    colleague.post(single, opened(colleague, single, title="Procurement director"))

    response = client.post(bulk, data)

    assert response.status_code == 409
    titles = dict(Stakeholder.objects.values_list("name", "title"))
    assert titles == {"Khun Malee": "Procurement director", "Khun Somchai": "CFO"}


def test_two_saves_racing_past_the_check_cannot_both_win(kam1, north_account):
    """clean() passed for both; the database decides which save lands."""
    data = {
        "name": "Siam Cement",
        "currency": north_account.currency_id,
        "potential": "1",
        "version": north_account.version,
        "owner": kam1.pk,
    }
    first = AccountForm(data, instance=Account.objects.get(pk=north_account.pk), user=kam1)
    second = AccountForm(
        {**data, "name": "Late"}, instance=Account.objects.get(pk=north_account.pk), user=kam1
    )
    assert first.is_valid(), first.errors
    assert second.is_valid(), second.errors

    first.save()
    with pytest.raises(StaleEdit):
        second.save()

    north_account.refresh_from_db()
    assert north_account.name == "Siam Cement"


def test_a_form_save_leaves_what_others_wrote_to_other_columns(kam1, north_account):
    """The nightly tier lands while the save is under way: the form must not undo it."""
    account = Account.objects.get(pk=north_account.pk)  # as the view loads it
    data = {
        "name": "Siam Cement",
        "currency": account.currency_id,
        "potential": "1",
        "history": "Met the new CFO.",
        "version": account.version,
    }
    form = AccountForm(data, instance=account, user=kam1)
    assert form.is_valid(), form.errors
    Account.objects.filter(pk=account.pk).update(abc="A", nine_box_class="A")

    form.save()

    north_account.refresh_from_db()
    assert (north_account.abc, north_account.history) == ("A", "Met the new CFO.")


def test_an_edit_opened_before_an_import_is_refused(client, kam1, north_account):
    client.force_login(kam1)
    url = reverse("accounts:update", args=[north_account.pk])
    mine = opened(client, url, history="Met the new CFO.")
    csv = "external_id,name,parent_external_id,currency,potential\nSC-1,Renamed,,THB,5\n"
    table = table_of("accounts", csv, encoding="utf-8", decimal="auto", date_format="auto")
    report = import_accounts(table, default_owner=kam1)
    assert report.ok, report.errors

    assert client.post(url, mine).status_code == 409
    north_account.refresh_from_db()
    assert north_account.name == "Renamed"
