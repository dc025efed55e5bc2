"""What a review of the imports found, each kept fixed."""

import io
import zipfile

import pytest
from django.urls import reverse

from accounts.models import Account, ColumnMapping, ImportJob, Opportunity, RevenueLine
from kamcrm.models import User
from tests.accounts.test_import_formats import HEADER, command
from tests.accounts.uploads import upload
from tests.factories import AccountFactory, OpportunityFactory


def test_a_users_dry_run_writes_no_user(tmp_path, db):
    out, _ = command(
        tmp_path, "import_users", "username,email,role\nzed,zed@example.com,admin\n", "--dry-run"
    )

    assert "nothing was written" in out
    assert not User.objects.filter(username="zed").exists()


def test_an_empty_parent_cell_is_no_parent(tmp_path, kam1):
    AccountFactory(owner=kam1, name="Made by hand", external_id="")

    command(tmp_path, "import_accounts", HEADER + "A,Alpha,,THB,,kam1\n")

    assert Account.objects.get(external_id="A").parent is None


def test_revenue_reimported_unchanged_is_left_alone(tmp_path, rated_accounts):
    lines = "account_external_id,date,amount,currency,external_ref\n"
    lines += "SCG,2026-01-05,10.50,THB,R1\nSCG,2026-01-06,20,THB,R2\n"
    command(tmp_path, "import_revenue", lines)

    again, _ = command(tmp_path, "import_revenue", lines)
    changed, _ = command(tmp_path, "import_revenue", lines.replace("20,THB", "25,THB"))

    assert "0 created, 0 updated, 2 unchanged" in again
    assert "0 created, 1 updated, 1 unchanged" in changed
    assert sorted(RevenueLine.objects.values_list("amount", flat=True)) == [10.5, 25]


def test_an_upload_holding_nul_characters_is_refused_not_a_500(client, admin):
    client.force_login(admin)

    response = upload(client, "a.csv", (HEADER + "A,Al\x00pha,,THB,,kam1\n").encode())

    assert response.status_code == 200
    assert "holds NUL characters" in response.context["form"].errors["file"][0]
    assert not ImportJob.objects.exists()


def test_a_utf16_upload_with_its_mark_is_read(client, admin, kam1):
    client.force_login(admin)

    response = upload(client, "a.csv", (HEADER + "A,Alpha,,THB,,kam1\n").encode("utf-16"))

    assert response.status_code == 302


def test_a_workbook_with_broken_xml_is_a_clear_error(client, admin):
    data = io.BytesIO()
    with zipfile.ZipFile(data, "w") as book:
        book.writestr("[Content_Types].xml", "<not xml")
    client.force_login(admin)

    response = upload(client, "a.xlsx", data.getvalue())

    assert "not a readable Excel workbook" in response.context["form"].errors["file"][0]


def test_a_match_of_one_of_our_own_column_names_is_not_remembered(client, director1, kam1):
    client.force_login(director1)
    ColumnMapping.remember(
        "accounts", {"potential": "employees", "Size": "employees"}, ["potential"]
    )

    assert ColumnMapping.remembered("accounts", ["potential", "Size"], ["potential"]) == {
        "Size": "employees"
    }


def test_reimporting_a_deal_keeps_the_probability_set_in_the_app(tmp_path, north_account):
    deal = OpportunityFactory(account=north_account, external_id="D1")
    stage = deal.stage.name
    Opportunity.objects.filter(pk=deal.pk).update(probability=77)
    row = f"account_external_id,external_id,name,stage\nSC-1,D1,{deal.name},{stage}\n"

    out, _ = command(tmp_path, "import_opportunities", row)

    deal.refresh_from_db()
    assert deal.probability == 77
    assert "0 updated, 1 unchanged" in out


@pytest.mark.usefixtures("rated_accounts")
def test_adding_product_lines_checks_the_file_again_as_its_uploader(
    client, admin, director1, kam1, tasks_inline, django_capture_on_commit_callbacks
):
    Account.objects.update(owner=kam1)
    client.force_login(director1)
    lines = b"account_external_id,date,amount,currency,product_line\nSCG,2026-01-05,1,THB,Kilns\n"
    with django_capture_on_commit_callbacks(execute=True):
        first = upload(client, "r.csv", lines, kind="revenue")
    job = ImportJob.objects.get(pk=first["Location"].rstrip("/").split("/")[-1])
    client.force_login(admin)

    with django_capture_on_commit_callbacks(execute=True):
        client.post(reverse("accounts:import_add_product_lines", args=[job.pk]))

    again = ImportJob.objects.exclude(pk=job.pk).get()
    assert again.created_by == director1
    assert again.report["created"] == 1


def test_an_import_refuses_rows_changed_in_the_app_while_it_checked(north_account):
    """A colleague saves a person after the import read them: the import would put the
    old title back, so it refuses that line and writes nothing."""
    from django.db.models import F

    from accounts.import_jobs import table_of
    from accounts.imports.people import StakeholderImport
    from accounts.models import Stakeholder
    from tests.factories import StakeholderFactory

    person = StakeholderFactory(account=north_account, external_id="P-1", title="Buyer")

    class ColleagueSavesMeanwhile(StakeholderImport):
        def check(self, item, stored, report):
            Stakeholder.objects.filter(pk=person.pk).update(title="CFO", version=F("version") + 1)

    csv = "account_external_id,external_id,name,title\nSC-1,P-1,Khun Malee,Head buyer\n"
    table = table_of("stakeholders", csv, encoding="utf-8", decimal="auto", date_format="auto")

    report = ColleagueSavesMeanwhile(table).run()

    assert report.errors == [
        (2, "external_id", "“P-1”", "was changed in the app while the file was checked; "
         "import the file again")
    ]  # fmt: skip
    person.refresh_from_db()
    assert person.title == "CFO"  # the colleague's save stands
