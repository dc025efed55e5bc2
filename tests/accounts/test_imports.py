import time
from decimal import Decimal
from io import StringIO

import pytest
from django.core.cache import cache
from django.core.exceptions import ValidationError
from django.core.management import CommandError, call_command
from django.urls import reverse

from accounts.import_jobs import progress_key, run_import
from accounts.imports import ACCOUNT_COLUMNS, REVENUE_COLUMNS
from accounts.models import Account, Currency, ImportJob, RevenueLine
from tests.accounts import uploads
from tests.needs import needs_postgresql

ACCOUNTS = """external_id,name,parent_external_id,currency,potential,owner_username
SCG-PAPER,SCG Paper,SCG,THB,120000000,kam1
SCG,Siam Cement Group,,THB,900000000,kam1
CPL,Chao Phraya Logistics,,THB,,kam1
"""

REVENUE = """account_external_id,date,amount,currency,external_ref,product_line
SCG,2026-01-15,1000000.50,THB,INV-1,
SCG,2026-02-15,900000,THB,INV-2,
CPL,2026-02-20,250000,THB,,
CPL,2026-02-20,250000,THB,,
"""


def write(tmp_path, name, text):
    path = tmp_path / name
    path.write_text(text, encoding="utf-8")
    return str(path)


def run(command, *args):
    out, err = StringIO(), StringIO()
    call_command(command, *args, stdout=out, stderr=err)
    return out.getvalue(), err.getvalue()


@pytest.fixture
def rates(db):
    Currency.objects.filter(code__in=["THB", "VND"]).update(rate_to_base=Decimal("0.03"))


def test_it_imports_accounts_with_parents_after_children(tmp_path, kam1):
    out, _ = run("import_accounts", write(tmp_path, "a.csv", ACCOUNTS))

    paper = Account.objects.get(external_id="SCG-PAPER")
    assert paper.parent.external_id == "SCG"
    assert paper.owner == kam1
    assert Account.objects.get(external_id="CPL").potential is None
    assert "3 created" in out


def test_reimporting_the_same_files_changes_nothing(tmp_path, kam1, rates):
    accounts, revenue = write(tmp_path, "a.csv", ACCOUNTS), write(tmp_path, "r.csv", REVENUE)
    run("import_accounts", accounts)
    run("import_revenue", revenue)
    before = list(RevenueLine.objects.order_by("pk").values_list("external_ref", "amount"))

    out, _ = run("import_accounts", accounts)
    run("import_revenue", revenue)

    assert Account.objects.count() == 3
    assert list(RevenueLine.objects.order_by("pk").values_list("external_ref", "amount")) == before
    # Two identical lines without a reference are two lines, both kept, neither doubled.
    assert RevenueLine.objects.filter(account__external_id="CPL").count() == 2
    assert "0 created, 0 updated, 3 unchanged" in out


def test_a_changed_amount_updates_the_line(tmp_path, kam1, rates):
    run("import_accounts", write(tmp_path, "a.csv", ACCOUNTS))
    run("import_revenue", write(tmp_path, "r.csv", REVENUE))

    run("import_revenue", write(tmp_path, "r2.csv", REVENUE.replace("900000,", "950000,")))

    assert RevenueLine.objects.get(external_ref="INV-2").amount == Decimal("950000")


def test_bad_rows_are_each_reported_and_nothing_is_imported(tmp_path, kam1, rates):
    run("import_accounts", write(tmp_path, "a.csv", ACCOUNTS))
    bad = REVENUE + (
        "NOPE,2026-03-01,10,THB,X1,\n"
        "SCG,2026-13-01,10,THB,X2,\n"
        "SCG,2026-03-01,ten,THB,X3,\n"
        "SCG,2026-03-01,10,XXX,X4,\n"
        "SCG,2026-03-01,10,THB,INV-1,\n"
    )

    with pytest.raises(CommandError, match="5 problem"):
        run("import_revenue", write(tmp_path, "bad.csv", bad))

    assert not RevenueLine.objects.exists()


@pytest.mark.parametrize("amount", ["1000000.50", "7"], ids=["same line", "other amount"])
def test_a_reference_given_twice_for_an_account_is_refused_naming_both_lines(
    tmp_path, kam1, rates, amount
):
    """A file clean but for this goes to the upsert, which PostgreSQL refuses; the lines
    are then named all the same, and what was stored before stays."""
    run("import_accounts", write(tmp_path, "a.csv", ACCOUNTS))
    run("import_revenue", write(tmp_path, "r.csv", REVENUE))
    before = list(RevenueLine.objects.order_by("pk").values_list("external_ref", "amount"))
    err = StringIO()

    with pytest.raises(CommandError, match="1 problem"):
        call_command(
            "import_revenue",
            write(tmp_path, "twice.csv", REVENUE + f"SCG,2026-01-15,{amount},THB,INV-1,\n"),
            stderr=err,
        )

    assert "line 6, external_ref “INV-1”: already on line 2 for this account" in err.getvalue()
    assert list(RevenueLine.objects.order_by("pk").values_list("external_ref", "amount")) == before


def test_the_report_names_each_line(tmp_path, kam1):
    bad = (
        ACCOUNTS
        + "LOOP-A,Loop A,LOOP-B,THB,,kam1\nLOOP-B,Loop B,LOOP-A,THB,,kam1\n,No id,,EUR,1,kam9\n"
    )
    err = StringIO()

    with pytest.raises(CommandError):
        call_command("import_accounts", write(tmp_path, "a.csv", bad), stderr=err)

    report = err.getvalue()
    assert "line 5, parent_external_id: parents go round in a circle" in report
    assert "line 6, parent_external_id: parents go round in a circle" in report
    assert "line 7, external_id: is empty; every account needs its id" in report
    assert "line 7, owner_username “kam9”: no active KAM has this username" in report
    assert not Account.objects.exists()


def test_vnd_amounts_have_no_minor_unit(tmp_path, kam1, rates):
    run(
        "import_accounts",
        write(
            tmp_path,
            "a.csv",
            ACCOUNTS.splitlines()[0] + "\nVC,Vina Cement,,VND,,kam1\n",
        ),
    )
    err = StringIO()

    with pytest.raises(CommandError):
        call_command(
            "import_revenue",
            write(
                tmp_path,
                "r.csv",
                "account_external_id,date,amount,currency\nVC,2026-01-01,1000.5,VND\n",
            ),
            stderr=err,
        )

    assert "VND amounts have at most 0 decimal places" in err.getvalue()


def test_a_currency_without_a_rate_is_refused(tmp_path, kam1):
    run("import_accounts", write(tmp_path, "a.csv", ACCOUNTS))

    with pytest.raises(CommandError):
        run("import_revenue", write(tmp_path, "r.csv", REVENUE))


def test_a_dry_run_writes_nothing(tmp_path, kam1):
    out, _ = run("import_accounts", write(tmp_path, "a.csv", ACCOUNTS), "--dry-run")

    assert "all 3 rows are valid" in out
    assert not Account.objects.exists()


def test_a_missing_column_is_a_clear_error(tmp_path, kam1):
    with pytest.raises(CommandError, match="Missing columns: currency"):
        run(
            "import_accounts",
            write(tmp_path, "a.csv", "external_id,name,parent_external_id,potential\n"),
        )


def test_a_kam_cannot_reach_the_upload_page(client, kam1):
    client.force_login(kam1)

    assert client.get(reverse("accounts:import")).status_code == 403


@pytest.fixture
def upload(client, tasks_inline, django_capture_on_commit_callbacks):
    """Post a file as the signed-in user; the queued job runs, and its page is returned."""

    def post(name: str, text: str, **fields):
        with django_capture_on_commit_callbacks(execute=True):
            response = uploads.upload(client, name, text, **fields)
        assert response.status_code == 302, response.context["form"].errors
        return client.get(response["Location"])

    return post


def test_a_director_imports_for_their_team_only(client, director1, kam1, kam2, upload):
    client.force_login(director1)
    other_team = ACCOUNTS.replace(",kam1\nCPL", ",kam2\nCPL")

    refused = upload("a.csv", other_team)
    accepted = upload("a.csv", ACCOUNTS)

    assert refused.context["report"]["errors"] == [
        [3, "owner_username", "“kam2”", "not in a team you lead"]
    ]
    assert accepted.context["report"]["created"] == 3
    assert Account.objects.filter(owner=kam1).count() == 3


def test_the_upload_page_offers_a_dry_run(client, admin, kam1, upload):
    client.force_login(admin)

    page = upload("a.csv", ACCOUNTS, dry_run="on")

    assert page.context["report"]["ok"]
    assert "All 3 rows are valid; nothing was written." in page.content.decode()
    assert not Account.objects.exists()


def test_revenue_uploads_report_their_progress_and_result(client, admin, kam1, upload):
    client.force_login(admin)
    upload("a.csv", ACCOUNTS)
    lines = "account_external_id,date,amount,currency\nCPL,2026-01-05,100,USD\n"

    page = upload("r.csv", lines, kind="revenue")

    assert "1 rows imported: 1 new, 0 updated, 0 unchanged." in page.content.decode()
    assert b'http-equiv="refresh"' not in page.content  # finished: no more reloading
    job = ImportJob.objects.get(file_name="r.csv")
    assert (job.state, job.content) == ("done", "")  # the file is not kept once imported


def test_a_queued_import_shows_its_state_and_refreshes(client, admin):
    job = ImportJob.objects.create(
        kind="accounts", created_by=admin, language="en", file_name="a.csv", content=ACCOUNTS
    )
    client.force_login(admin)

    page = client.get(reverse("accounts:import_job", args=[job.pk]))

    assert "Waiting for a worker" in page.content.decode()
    assert b'http-equiv="refresh"' in page.content


def test_an_import_is_private_to_its_uploader(client, admin, director1, director2):
    job = ImportJob.objects.create(
        kind="accounts", created_by=director1, language="en", file_name="a.csv"
    )
    client.force_login(director2)
    assert client.get(reverse("accounts:import_job", args=[job.pk])).status_code == 404
    client.force_login(admin)
    assert client.get(reverse("accounts:import_job", args=[job.pk])).status_code == 200


def test_a_missing_column_at_upload_asks_which_column_holds_it(client, admin):
    client.force_login(admin)

    response = uploads.upload(client, "r.csv", b"date,amount,Customer\n", kind="revenue")
    page = client.get(response["Location"])

    form = page.context["form"]
    assert form["date"].value() == "date"
    assert form["account_external_id"].value() == ""
    assert [label for _, label in form.fields["currency"].choices][1:] == [
        "date",
        "amount",
        "Customer",
    ]
    assert ImportJob.objects.get().state == "matching"
    refused = client.post(response["Location"], {"date": "date", "amount": "amount"})
    assert "This field is required." in refused.context["form"].errors["currency"]


def test_an_upload_larger_than_the_limit_is_refused(client, admin, settings):
    settings.KAMCRM_IMPORT_MAX_BYTES = 1024
    client.force_login(admin)

    response = uploads.upload(client, "a.csv", ACCOUNTS.encode() * 20, kind="accounts")

    assert "uploads take at most 1.0\xa0KB" in response.context["form"].errors["file"][0]
    assert not ImportJob.objects.exists()


def test_a_running_import_shows_how_far_it_has_got(client, admin):
    job = ImportJob.objects.create(
        kind="revenue", created_by=admin, language="en", file_name="r.csv", state="running"
    )
    cache.set(progress_key(job.pk), "imported 5000 of 20000 lines")
    client.force_login(admin)

    page = client.get(reverse("accounts:import_job", args=[job.pk])).content.decode()

    assert "Checking and importing: imported 5000 of 20000 lines" in page


@pytest.mark.worker
@pytest.mark.django_db(transaction=True)
def test_a_real_worker_runs_an_uploaded_import(admin, kam1, worker_queue):
    needs_postgresql()
    job = ImportJob.objects.create(
        kind="accounts", created_by=admin, language="en", file_name="a.csv", content=ACCOUNTS
    )

    run_import.apply_async(args=[job.pk], queue=worker_queue)

    job = wait_for(job, lambda j: j.finished)
    assert (job.state, job.report["created"]) == ("done", 3)
    assert Account.objects.filter(owner=kam1).count() == 3


def wait_for(job: ImportJob, condition, seconds: float = 60) -> ImportJob:
    """The job, read again until the condition holds (a worker in another process)."""
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        job.refresh_from_db()
        if condition(job):
            return job
        time.sleep(0.1)
    raise AssertionError(f"job {job.pk} still {job.state}")


def test_a_file_of_bad_rows_keeps_the_first_problems_and_counts_them_all(client, admin, upload):
    client.force_login(admin)
    bad = "external_id,name,parent_external_id,currency,potential\n" + "X,,,XXX,1\n" * 700

    page = upload("bad.csv", bad)

    report = page.context["report"]
    assert report["problems"] >= 700
    assert len(report["errors"]) == 500
    html = page.content.decode()
    assert f"{report['problems']} problems in 700 rows: nothing was imported." in html
    assert "Only the first 500 problems are listed." in html


def test_import_now_after_a_clean_dry_run_imports_the_same_file(client, admin, kam1, upload):
    client.force_login(admin)
    checked = upload("a.csv", ACCOUNTS, dry_run="on")
    assert "Import now" in checked.content.decode()
    assert not Account.objects.exists()

    response = client.post(reverse("accounts:import_now", args=[checked.context["job"].pk]))
    page = client.get(response["Location"])

    assert page.context["report"]["created"] == 3
    assert Account.objects.filter(owner=kam1).count() == 3
    assert ImportJob.objects.get(pk=checked.context["job"].pk).content == ""  # let go


def test_a_dry_run_with_problems_offers_no_import_now(client, admin, upload):
    client.force_login(admin)
    checked = upload("bad.csv", "external_id,name,currency\n,Nameless,THB\n", dry_run="on")

    assert "Import now" not in checked.content.decode()
    response = client.post(reverse("accounts:import_now", args=[checked.context["job"].pk]))
    assert response.status_code == 404


def test_past_imports_list_who_when_and_the_outcome(client, admin, director1, kam1, upload):
    client.force_login(director1)
    upload("mine.csv", ACCOUNTS)
    ImportJob.objects.create(
        kind="accounts", created_by=admin, language="en", file_name="theirs.csv"
    )

    page = client.get(reverse("accounts:import_history")).content.decode()

    assert "mine.csv" in page
    assert "3 rows: 3 new, 0 updated" in page
    assert "theirs.csv" not in page  # an admin's upload is not a director's to see


@pytest.mark.parametrize("kind", ["accounts", "revenue"])
def test_a_template_names_every_column_the_import_takes(client, admin, kind):
    client.force_login(admin)

    template = client.get(reverse("accounts:import_template", args=[kind]))

    header = template.content.decode().splitlines()[0].split(",")
    columns = ACCOUNT_COLUMNS if kind == "accounts" else REVENUE_COLUMNS
    assert set(header) == set(columns.known)
    assert client.get(reverse("accounts:import_template", args=["nope"])).status_code == 404


def test_an_admin_adds_the_missing_product_lines_from_the_report(
    client, admin, kam1, upload, rated_accounts
):
    client.force_login(admin)
    lines = (
        "account_external_id,date,amount,currency,external_ref,product_line\n"
        "SCG,2026-01-05,100,THB,R1,Sensors\nSCG,2026-01-06,200,THB,R2,Kilns\n"
        "SCG,2026-01-07,300,THB,R3,Sensors\n"
    )

    refused = upload("r.csv", lines, kind="revenue")

    assert refused.context["report"]["unknown"] == {"product_line": ["Sensors", "Kilns"]}
    assert "Add these product lines and check the file again" in refused.content.decode()
    response = client.post(
        reverse("accounts:import_add_product_lines", args=[refused.context["job"].pk])
    )
    page = client.get(response["Location"])
    assert page.context["report"]["created"] == 3
    assert set(RevenueLine.objects.values_list("product_line__name", flat=True)) == {
        "Sensors",
        "Kilns",
    }


def test_a_director_sees_the_missing_product_lines_but_cannot_add_them(
    client, director1, kam1, upload, rated_accounts
):
    Account.objects.update(owner=kam1)
    client.force_login(director1)
    lines = "account_external_id,date,amount,currency,product_line\nSCG,2026-01-05,1,THB,Kilns\n"

    refused = upload("r.csv", lines, kind="revenue")

    assert refused.context["report"]["unknown"] == {"product_line": ["Kilns"]}
    assert "Add these product lines" not in refused.content.decode()
    job = refused.context["job"]
    response = client.post(reverse("accounts:import_add_product_lines", args=[job.pk]))
    assert response.status_code == 404


@pytest.mark.parametrize(
    "amount",
    ["0", "0.00", "1E+15", "1E+16", "123.456", "0.001", "9999999999999999.99",
     "99999999999999999.9", "-5", "1.5E-3", "0E+5", "12345678901234567", "1234567890123456"],
)  # fmt: skip
def test_the_revenue_import_takes_the_amounts_the_column_takes(amount):
    """The import counts an amount's digits itself (asking the field for every line was
    slow): it must accept exactly what the field's own validator accepts."""
    from django.core.validators import DecimalValidator

    from accounts.imports.revenue import AMOUNT, _fits_amount

    try:
        DecimalValidator(AMOUNT.max_digits, AMOUNT.decimal_places)(Decimal(amount))
        accepted = True
    except ValidationError:
        accepted = False
    assert _fits_amount(Decimal(amount)) is accepted
