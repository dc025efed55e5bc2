"""No CSV the app writes can run a formula in the spreadsheet that opens it."""

import csv
import io
from decimal import Decimal

import pytest
from django.urls import reverse

from kamcrm.csv_export import safe_cell
from tests.factories import AccountFactory


@pytest.mark.parametrize(
    ("value", "written"),
    [
        ('=HYPERLINK("http://evil","x")', '\'=HYPERLINK("http://evil","x")'),
        ("+1+1", "'+1+1"),
        ("-2+3", "'-2+3"),
        ("@SUM(A1:A9)", "'@SUM(A1:A9)"),
        ("\t=1", "'\t=1"),
        ("-5", "-5"),
        ("-1234.50", "-1234.50"),
        ("Siam Cement", "Siam Cement"),
        (Decimal("-5.00"), Decimal("-5.00")),
        (None, None),
    ],
)
def test_a_formula_becomes_text_and_a_number_stays_a_number(value, written):
    assert safe_cell(value) == written


def test_the_account_export_writes_a_formula_name_as_text(client, kam1):
    AccountFactory(owner=kam1, name='=HYPERLINK("http://evil.example","Click")')
    client.force_login(kam1)

    response = client.get(reverse("accounts:export"))

    rows = list(csv.reader(io.StringIO(b"".join(response.streaming_content).decode())))
    assert rows[1][1] == '\'=HYPERLINK("http://evil.example","Click")'


def test_the_dashboard_exports_write_a_formula_name_as_text(client, director1, kam1):
    kam1.username = "@cmd|' /C calc'!A0"  # Django's usernames may hold @, + and -
    kam1.save()
    client.force_login(director1)

    response = client.get(reverse("dashboards:dashboard"), {"export": "kpis"})

    cells = [cell for row in csv.reader(io.StringIO(response.content.decode())) for cell in row]
    assert not [cell for cell in cells if cell.startswith(("=", "+", "@"))]
    assert any(cell.startswith("'@cmd") for cell in cells)
