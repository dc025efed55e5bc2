"""An ERP pushes revenue: thousands of lines per request, upserted by external_ref, all or
none, with each bad line reported as the CSV import reports it."""

import io
from decimal import Decimal

import pytest
from django.urls import reverse
from django.utils import timezone

from accounts.imports import REVENUE_COLUMNS, Table, import_revenue
from accounts.models import Account, RevenueLine
from tests.factories import AccountFactory

pytestmark = pytest.mark.django_db
BULK = "api:revenue_bulk"


def line(ref: str, amount="100.00", **changes) -> dict:
    return {
        "account_external_id": "SC-1",
        "date": "2026-03-01",
        "amount": amount,
        "currency": "USD",
        "external_ref": ref,
        **changes,
    }


@pytest.fixture
def erp(director1, kam1, token_client):
    AccountFactory(name="Siam Cement", owner=kam1, external_id="SC-1")
    return token_client(director1)


def test_it_creates_the_lines_and_refreshes_the_accounts_figures(erp):
    today = timezone.localdate().isoformat()
    lines = [line("INV-1", date=today), line("INV-2", 250.5, date=today)]

    response = erp.post(reverse(BULK), {"lines": lines}, format="json")

    assert response.status_code == 200
    assert response.json() == {
        "lines": 2, "created": 2, "updated": 0, "unchanged": 0, "dry_run": False,
    }  # fmt: skip
    amounts = dict(RevenueLine.objects.values_list("external_ref", "amount"))
    assert amounts == {"INV-1": Decimal("100.00"), "INV-2": Decimal("250.50")}
    # The list's kept figures saw the change (the import's own announcement).
    assert Account.objects.get().list_revenue_fy == Decimal("350.50")


def test_sending_the_same_lines_twice_changes_nothing_and_says_so(erp):
    lines = [line("INV-1"), line("INV-2")]
    erp.post(reverse(BULK), {"lines": lines}, format="json")

    again = erp.post(reverse(BULK), {"lines": lines}, format="json").json()
    changed = erp.post(
        reverse(BULK), {"lines": [line("INV-1", "120.00"), line("INV-2")]}, format="json"
    ).json()

    assert (again["created"], again["updated"], again["unchanged"]) == (0, 0, 2)
    assert (changed["created"], changed["updated"], changed["unchanged"]) == (0, 1, 1)
    assert RevenueLine.objects.get(external_ref="INV-1").amount == Decimal("120.00")
    assert RevenueLine.objects.count() == 2


def test_one_bad_line_writes_none_and_each_problem_is_reported(erp):
    lines = [
        line("INV-1"),
        line("INV-2", account_external_id="NOPE"),
        line("INV-3", date="2026-13-01"),
        line("INV-4", "ten"),
        line("INV-5", currency="XXX"),
        line("INV-1"),
    ]

    response = erp.post(reverse(BULK), {"lines": lines}, format="json")

    assert response.status_code == 400
    problems = [(e["index"], e["field"]) for e in response.json()["errors"]]
    assert problems == [
        (1, "account_external_id"), (2, "date"), (3, "amount"), (4, "currency"),
        (5, "external_ref"),
    ]  # fmt: skip
    assert not RevenueLine.objects.exists()


def test_its_messages_are_the_csv_imports(erp, director1):
    lines = [line("INV-1", account_external_id="NOPE"), line("INV-2", "1.234"), line("x" * 70)]
    csv = "account_external_id,date,amount,currency,external_ref\n" + "".join(
        f"{r['account_external_id']},{r['date']},{r['amount']},{r['currency']},"
        f"{r['external_ref']}\n"
        for r in lines
    )
    table = Table(lambda: io.StringIO(csv), REVENUE_COLUMNS, decimal=".", date_format="YYYY-MM-DD")

    from_file = [(column, message) for _l, column, _v, message in import_revenue(table).errors]
    from_api = erp.post(reverse(BULK), {"lines": lines}, format="json").json()["errors"]

    assert [(e["field"], e["message"]) for e in from_api] == from_file
    assert len(from_file) == 3


def test_it_refuses_what_is_not_a_list_of_lines(erp):
    assert erp.post(reverse(BULK), {"lines": "INV-1"}, format="json").status_code == 400
    response = erp.post(reverse(BULK), {"lines": [line("INV-1", extra="x"), 3]}, format="json")
    assert response.status_code == 400
    assert [e["index"] for e in response.json()["errors"]] == [0, 1]


def test_a_dry_run_checks_and_writes_nothing(erp):
    good = erp.post(reverse(BULK), {"lines": [line("INV-1")], "dry_run": True}, format="json")
    bad = erp.post(reverse(BULK), {"lines": [line("INV-1", "x")], "dry_run": True}, format="json")

    assert (good.status_code, good.json()["dry_run"]) == (200, True)
    assert bad.status_code == 400
    assert not RevenueLine.objects.exists()


def test_a_director_pushes_only_to_their_teams_accounts(erp, kam2):
    AccountFactory(name="Hanoi Steel", owner=kam2, external_id="HS-1")

    response = erp.post(
        reverse(BULK), {"lines": [line("INV-1", account_external_id="HS-1")]}, format="json"
    )

    assert response.status_code == 400
    assert not RevenueLine.objects.exists()


def test_thousands_of_lines_take_a_bounded_number_of_queries(erp, django_assert_max_num_queries):
    lines = [line(f"INV-{n}", f"{n}.25") for n in range(2000)]

    with django_assert_max_num_queries(25):  # 18 here, whatever the count
        response = erp.post(reverse(BULK), {"lines": lines}, format="json")

    assert response.json()["created"] == 2000
    assert RevenueLine.objects.count() == 2000


def test_a_request_over_the_size_limit_is_refused_in_json(erp, settings):
    settings.DATA_UPLOAD_MAX_MEMORY_SIZE = 1000

    response = erp.post(
        reverse(BULK), {"lines": [line(f"INV-{n}") for n in range(50)]}, format="json"
    )

    assert response.status_code == 400
    assert "detail" in response.json()
    assert not RevenueLine.objects.exists()


def test_more_lines_than_a_request_may_carry_are_refused(erp, settings):
    settings.KAMCRM_API_MAX_LINES = 2

    response = erp.post(
        reverse(BULK), {"lines": [line(f"INV-{n}") for n in range(3)]}, format="json"
    )

    assert response.status_code == 400
    assert response.json()["errors"][0]["field"] == "lines"
