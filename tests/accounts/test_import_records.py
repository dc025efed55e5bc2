"""Importing what lives on an account (people, deals, activities) and our own people
(users, teams): each row checked by its field's rules, upserted by its id, any bad row
importing none."""

from decimal import Decimal

import pytest
from django.core.management import CommandError
from django.urls import reverse

from accounts.models import Activity, Opportunity, Stakeholder
from kamcrm.models import Team, User
from tests.accounts.test_import_formats import command
from tests.accounts.uploads import upload
from tests.factories import StakeholderFactory, UserFactory

PEOPLE = (
    "account_external_id,external_id,name,level,reports_to_external_id,attitude,"
    "relationship_closeness,solution_acceptance,price_acceptance,last_contact\n"
    "SC-1,P-2,Khun Malee,Management,P-1,supporter,4,5,2,2026-11-20\n"
    "SC-1,P-1,Khun Somchai,executive,,neutral,3,3,3,\n"
)


def test_people_come_with_their_bosses_and_scores(tmp_path, north_account):
    out, _ = command(tmp_path, "import_stakeholders", PEOPLE)

    malee = Stakeholder.objects.get(external_id="P-2")
    assert (malee.reports_to.name, malee.level, malee.attitude) == (
        "Khun Somchai",
        "management",
        "supporter",
    )
    assert (malee.relationship_closeness, malee.solution_acceptance) == (4, 5)
    assert malee.last_contact.isoformat() == "2026-11-20"
    assert "2 created, 0 updated, 0 unchanged" in out
    out, _ = command(tmp_path, "import_stakeholders", PEOPLE)
    assert "0 created, 0 updated, 2 unchanged" in out
    assert Stakeholder.objects.get(external_id="P-2").version == 1


@pytest.mark.parametrize(
    ("change", "expected"),
    [
        (
            ("P-1,Khun Somchai,executive,,", "P-1,Khun Somchai,executive,P-2,"),
            "go round in a circle",
        ),
        (("Management,P-1,", "Management,P-9,"), "no person with this id at the same account"),
        (("supporter,4,5,2", "supporter,6,5,2"), "less than or equal to 5"),
        (("Management,", "Chief,"), "level “Chief”: unknown; use one of operational"),
        (("SC-1,P-2", "HS-1,P-2"), "no account with this id that you may change"),
    ],
)
def test_bad_people_rows_are_reported_and_none_imported(tmp_path, north_account, change, expected):
    with pytest.raises(CommandError, match=expected):
        command(tmp_path, "import_stakeholders", PEOPLE.replace(*change))

    assert not Stakeholder.objects.exists()


def test_bosses_that_loop_through_stored_people_are_refused(tmp_path, north_account):
    boss = StakeholderFactory(account=north_account, external_id="B", name="Boss")
    StakeholderFactory(account=north_account, external_id="W", name="Worker", reports_to=boss)

    with pytest.raises(CommandError, match="would make someone report to a person below"):
        command(
            tmp_path,
            "import_stakeholders",
            "account_external_id,external_id,name,reports_to_external_id\nSC-1,B,Boss,W\n",
        )

    assert Stakeholder.objects.get(external_id="B").reports_to is None


DEALS = (
    "account_external_id,external_id,name,stage,amount,expected_close,owner_username\n"
    "SC-1,OPP-1,Kiln sensors,propose,2500000,2027-03-31,kam9\n"
    "SC-1,OPP-2,Service renewal,Closed won,900000,2026-10-01,\n"
)


def test_deals_take_stages_by_name_and_their_owner_joins_the_account_team(tmp_path, north_account):
    UserFactory(username="kam9", role="kam", team=north_account.owner.team)

    command(tmp_path, "import_opportunities", DEALS)

    sensors = Opportunity.objects.get(external_id="OPP-1")
    assert (sensors.stage.name, sensors.probability, sensors.amount) == (
        "Propose",
        50,
        Decimal("2500000"),
    )
    assert sensors.currency_id == north_account.currency_id
    assert Opportunity.objects.get(external_id="OPP-2").owner == north_account.owner
    assert list(north_account.team_members.values_list("user__username", flat=True)) == ["kam9"]


@pytest.mark.parametrize(
    ("change", "expected"),
    [
        (("propose,2500000,", "propose,,"), "amount: a new deal needs this"),
        (("Closed won", "Closed lost"), "close_reason: say why the deal was lost"),
        (("propose", "Pitch"), "unknown stage; use one of Qualify, Develop, Propose"),
        (("2500000", "-5"), "greater than or equal to 0"),
    ],
)
def test_bad_deal_rows_say_why(tmp_path, north_account, change, expected):
    UserFactory(username="kam9", role="kam")

    with pytest.raises(CommandError, match=expected):
        command(tmp_path, "import_opportunities", DEALS.replace(*change))

    assert not Opportunity.objects.exists()


def test_activities_are_imported_with_their_author(tmp_path, north_account):
    command(
        tmp_path,
        "import_activities",
        "account_external_id,external_id,kind,date,summary,next_step\n"
        "SC-1,A-1,Meeting,20.11.2026,Quarterly review,Send the proposal\n",
    )

    activity = Activity.objects.get()
    assert (activity.kind, activity.date.isoformat()) == ("meeting", "2026-11-20")
    assert activity.created_by == north_account.owner


def test_teams_then_users_set_up_our_own_people(tmp_path, db):
    command(
        tmp_path,
        "import_users",
        "username,email,role,first_name\nboss,boss@example.com,Sales director,Anna\n",
    )
    command(tmp_path, "import_teams", "name,director_username\nWarsaw,boss\n")

    _, err = command(
        tmp_path,
        "import_users",
        "username,email,role,team\npiotr,piotr@example.com,kam,Warsaw\n",
    )

    piotr = User.objects.get(username="piotr")
    assert (piotr.role, piotr.team, piotr.has_usable_password()) == (
        "kam",
        Team.objects.get(name="Warsaw"),
        False,
    )
    assert "1 new users have no password yet" in err
    assert Team.objects.get().director.username == "boss"


def test_a_user_file_naming_a_team_before_it_exists_says_what_to_do(tmp_path, db):
    with pytest.raises(CommandError, match="no team of this name; import the teams first"):
        command(tmp_path, "import_users", "username,email,role,team\np,p@example.com,kam,Oslo\n")

    assert not User.objects.exists()


def test_only_admins_import_our_own_people(client, director1, admin):
    client.force_login(director1)

    response = upload(
        client, "u.csv", b"username,email,role\nx,x@example.com,admin\n", kind="users"
    )

    assert "kind" in response.context["form"].errors
    assert client.get(reverse("accounts:import_template", args=["users"])).status_code == 404
    client.force_login(admin)
    assert client.get(reverse("accounts:import_template", args=["users"])).status_code == 200


def test_people_upload_through_the_page(
    client, director1, north_account, tasks_inline, django_capture_on_commit_callbacks
):
    client.force_login(director1)

    with django_capture_on_commit_callbacks(execute=True):
        response = upload(client, "p.csv", PEOPLE.encode(), kind="stakeholders")
    page = client.get(response["Location"])

    assert page.context["report"]["created"] == 2
    assert Stakeholder.objects.get(external_id="P-2").reports_to.external_id == "P-1"


# A CRM's opportunities export, as it names its columns ------------------------------------

CRM_EXPORT = (
    "Opportunity ID,Account ID,Opportunity Name,Stage,Amount,Close Date,Lead Source\n"
    "006A1,SC-1,Kiln sensors,Propose,2500000.00,2027-03-31,Web\n"
    "006A2,SC-1,Service renewal,Negotiate,900000.00,2026-12-15,Partner\n"
)
CRM_COLUMNS = {
    "external_id": "Opportunity ID",
    "account_external_id": "Account ID",
    "name": "Opportunity Name",
    "stage": "Stage",
    "amount": "Amount",
    "expected_close": "Close Date",
}


def test_a_crm_export_imports_with_its_columns_mapped_on_the_command_line(tmp_path, north_account):
    maps = [f"--map={source}={column}" for column, source in CRM_COLUMNS.items()]

    _, err = command(tmp_path, "import_opportunities", CRM_EXPORT, *maps)

    assert sorted(Opportunity.objects.values_list("external_id", "stage__name")) == [
        ("006A1", "Propose"),
        ("006A2", "Negotiate"),
    ]
    assert "Opportunity Name → name" in err
    assert "not imported: Lead Source" in err


def test_an_upload_asks_to_match_its_columns_once_and_remembers(
    client, director1, north_account, tasks_inline, django_capture_on_commit_callbacks
):
    client.force_login(director1)

    def upload_export():
        with django_capture_on_commit_callbacks(execute=True):
            return upload(client, "crm.csv", CRM_EXPORT, kind="opportunities")

    first = upload_export()
    assert "/columns/" in first["Location"]
    page = client.get(first["Location"])
    assert page.context["form"]["stage"].value() == "Stage"  # same name: matched already
    matched = {**CRM_COLUMNS, "decimal": "auto", "date_format": "auto"}
    with django_capture_on_commit_callbacks(execute=True):
        done = client.post(first["Location"], matched)
    report = client.get(done["Location"]).context["report"]
    assert (report["created"], report["ok"]) == (2, True)

    second = upload_export()  # the same header again: straight through, nothing asked
    assert "/columns/" not in second["Location"]
    assert client.get(second["Location"]).context["report"]["unchanged"] == 2


def test_one_file_column_cannot_stand_for_two_of_ours(client, director1, north_account):
    client.force_login(director1)
    response = upload(client, "crm.csv", CRM_EXPORT.encode(), kind="opportunities")
    matched = {**CRM_COLUMNS, "name": "Opportunity ID", "decimal": "auto", "date_format": "auto"}

    page = client.post(response["Location"], matched)

    assert page.context["form"].errors["name"] == [
        "“Opportunity ID” already stands for external_id."
    ]
    assert not Opportunity.objects.exists()
