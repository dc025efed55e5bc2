"""Excel workbooks import like CSV files: the first sheet, numbers and dates as Excel
stores them."""

import io
from datetime import date, datetime
from decimal import Decimal

import pytest
from django.core.management import CommandError, call_command
from openpyxl import Workbook

from accounts.models import Account, RevenueLine
from tests.accounts.uploads import upload


def workbook(*rows) -> bytes:
    book = Workbook()
    for row in rows:
        book.active.append(row)
    book.create_sheet("Notes").append(["not read"])
    data = io.BytesIO()
    book.save(data)
    return data.getvalue()


REVENUE = [
    ("account_external_id", "date", "amount", "currency", "external_ref"),
    ("SCG", date(2026, 1, 15), 261.96, "THB", "INV-1"),
    ("SCG", datetime(2026, 2, 1), 1_000_000, "THB", "INV-2"),  # noqa: DTZ001 - as Excel has it
    ("SCG", date(2026, 3, 1), 0.1, "THB", "INV-3"),
]


def run(tmp_path, data: bytes, *args) -> str:
    path = tmp_path / "revenue.xlsx"
    path.write_bytes(data)
    err = io.StringIO()
    call_command("import_revenue", str(path), *args, stderr=err, stdout=io.StringIO())
    return err.getvalue()


def test_a_workbook_imports_its_numbers_and_dates(tmp_path, rated_accounts):
    err = run(tmp_path, workbook(*REVENUE))

    lines = RevenueLine.objects.order_by("date").values_list("date", "amount")
    assert [(d.isoformat(), a) for d, a in lines] == [
        ("2026-01-15", Decimal("261.96")),
        ("2026-02-01", Decimal("1000000")),
        ("2026-03-01", Decimal("0.10")),
    ]
    assert "Read as an Excel workbook (its first sheet)" in err


def test_numbers_typed_as_text_with_a_comma_beside_real_numbers_are_refused(
    tmp_path,
    rated_accounts,
):
    rows = [*REVENUE, ("SCG", date(2026, 4, 1), "1,5", "THB", "INV-4")]

    with pytest.raises(CommandError):
        run(tmp_path, workbook(*rows))

    assert not RevenueLine.objects.exists()


def test_a_broken_workbook_is_a_clear_error(client, admin):
    client.force_login(admin)

    response = upload(client, "a.xlsx", b"PK\x03\x04 not really a zip", kind="accounts")

    assert "not a readable Excel workbook" in response.context["form"].errors["file"][0]


def test_a_workbook_uploads(client, admin, kam1, tasks_inline, django_capture_on_commit_callbacks):
    client.force_login(admin)
    data = workbook(
        ("external_id", "name", "currency", "owner_username", "employees", "potential"),
        ("SCG", "Siam Cement", "THB", "kam1", 54000, 900000000.5),
    )

    with django_capture_on_commit_callbacks(execute=True):
        response = upload(client, "a.xlsx", data, kind="accounts")
    client.get(response["Location"])

    scg = Account.objects.get()
    assert (scg.employees, scg.potential) == (54000, Decimal("900000000.50"))
