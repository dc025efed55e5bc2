"""Each account keeps how many of its people are supporters at decision level (a
decision-maker or economic buyer, or an executive or owner), for the dashboards' key
accounts without one: every way people are written must leave the count right."""

from django.urls import reverse

from accounts.figures import figures_refresh
from accounts.models import Account, Stakeholder
from tests.accounts.test_import_formats import command
from tests.accounts.test_stakeholders import bulk_edit, person
from tests.factories import AccountFactory, StakeholderFactory


def supporters(account) -> int:
    account.refresh_from_db()
    return account.list_decision_supporters


def add(client, account, **overrides):
    url = reverse("accounts:stakeholder_create", args=[account.pk])
    response = client.post(url, person(**overrides))
    assert response.status_code == 302, response.context["form"].errors
    return Stakeholder.objects.get(account=account, name=overrides.get("name", "Khun Malee"))


def test_it_counts_supporters_at_decision_level_by_role_or_by_level(client, kam1, north_account):
    client.force_login(kam1)

    add(client, north_account, name="Evaluator")  # a supporter, but neither role nor level
    assert supporters(north_account) == 0
    add(client, north_account, name="Buyer", buying_role="economic_buyer")
    add(client, north_account, name="Owner", level="owner", buying_role="")
    add(client, north_account, name="Doubter", buying_role="decision_maker", attitude="neutral")

    assert supporters(north_account) == 2


def test_it_drops_when_the_supporter_turns_or_leaves(client, kam1, north_account):
    client.force_login(kam1)
    turning = add(client, north_account, name="Turning", buying_role="decision_maker")
    add(client, north_account, name="Leaving", level="executive")
    assert supporters(north_account) == 2

    url = reverse("accounts:stakeholder_update", args=[north_account.pk, turning.pk])
    changed = person(name="Turning", buying_role="decision_maker", attitude="opponent")
    response = client.post(url, {**changed, "version": turning.version})
    assert response.status_code == 302, response.context["form"].errors
    assert supporters(north_account) == 1

    leaving = Stakeholder.objects.get(name="Leaving")
    data = bulk_edit(
        [
            (Stakeholder.objects.get(name="Turning"), changed),
            (leaving, {"level": "executive", "DELETE": "on"}),
        ]
    )
    response = client.post(reverse("accounts:stakeholders", args=[north_account.pk]), data)
    assert response.status_code == 302, response.context["formset"].errors

    assert supporters(north_account) == 0


def test_an_import_of_people_counts_them(tmp_path, north_account):
    command(
        tmp_path,
        "import_stakeholders",
        "account_external_id,external_id,name,level,attitude\n"
        "SC-1,P-1,Khun Somchai,executive,supporter\n"
        "SC-1,P-2,Khun Malee,management,supporter\n",
    )

    assert supporters(north_account) == 1


def test_refreshing_every_account_counts_what_the_rule_counts(kam1):
    counted = AccountFactory(owner=kam1)
    StakeholderFactory(account=counted, attitude="supporter", buying_role="decision_maker")
    StakeholderFactory(account=counted, attitude="supporter", level="owner")
    StakeholderFactory(account=counted, attitude="opponent", buying_role="economic_buyer")
    none = AccountFactory(owner=kam1)
    StakeholderFactory(account=none, attitude="supporter", buying_role="user")
    Account.objects.update(list_decision_supporters=7)  # stale, as before a refresh

    figures_refresh()

    assert {a.pk: a.list_decision_supporters for a in Account.objects.all()} == {
        counted.pk: Stakeholder.objects.filter(account=counted).decision_supporters().count(),
        none.pk: 0,
    }
    assert supporters(counted) == 2
