"""Imports read a file as what it is, or refuse: decimal commas, dates in local formats,
Windows-1252 files and semicolons are read right and named in the report; values too long
or too large for their columns are refused on their line; nothing is guessed."""

import random
from decimal import Decimal
from io import StringIO

import pytest
from django.core.management import CommandError, call_command

from accounts.imports.formats import Evidence
from accounts.models import Account, RevenueLine
from tests.accounts.uploads import upload

HEADER = "external_id,name,parent_external_id,currency,potential,owner_username\n"


def command(tmp_path, name: str, content: str | bytes, *args) -> tuple[str, str]:
    """Runs an import command on a file; (stdout, stderr), or CommandError with stderr."""
    path = tmp_path / "in.csv"
    if isinstance(content, str):
        content = content.encode()
    path.write_bytes(content)
    out, err = StringIO(), StringIO()
    try:
        call_command(name, str(path), *args, stdout=out, stderr=err)
    except CommandError as error:
        raise CommandError(f"{error}\n{err.getvalue()}") from None
    return out.getvalue(), err.getvalue()


def amounts() -> list[Decimal]:
    return sorted(RevenueLine.objects.values_list("amount", flat=True))


# Numbers -------------------------------------------------------------------------------


def test_a_decimal_comma_is_read_as_one(tmp_path, rated_accounts):
    _, err = command(
        tmp_path,
        "import_revenue",
        "account_external_id;date;amount;currency\n"
        "SG;2026-01-05;261,96;EUR\nSG;2026-01-06;1234,56;EUR\nSG;2026-01-07;1.234.567,5;EUR\n",
    )

    assert amounts() == [Decimal("261.96"), Decimal("1234.56"), Decimal("1234567.50")]
    assert "columns separated by semicolons, decimal comma" in err


def test_a_potential_written_with_both_marks_keeps_its_fraction(tmp_path, kam1):
    command(tmp_path, "import_accounts", HEADER + 'SCG,SCG,,THB,"1.234,56",kam1\n')

    assert Account.objects.get().potential == Decimal("1234.56")


def test_a_number_that_reads_two_ways_is_refused_unless_the_separator_is_given(
    tmp_path, rated_accounts
):
    lines = 'account_external_id,date,amount,currency\nSCG,2026-01-05,"1,234",THB\n'

    with pytest.raises(CommandError, match=r"“1,234” on line 2 could be a whole number"):
        command(tmp_path, "import_revenue", lines)
    assert not RevenueLine.objects.exists()

    command(tmp_path, "import_revenue", lines, "--decimal", ".")
    assert amounts() == [Decimal("1234")]


def test_numbers_written_both_ways_are_refused(tmp_path, rated_accounts):
    lines = (
        "account_external_id,date,amount,currency\n"
        'SCG,2026-01-05,1.5,THB\nSCG,2026-01-06,"2,5",THB\n'
    )

    with pytest.raises(CommandError, match="Numbers are written two ways"):
        command(tmp_path, "import_revenue", lines)


def test_rows_that_cannot_be_read_say_nothing_of_the_format(tmp_path, rated_accounts):
    """A row refused on its own (too many cells, a NUL, a cell too long) is reported on its
    line, and its numbers do not make the file's format unclear."""
    lines = (
        "account_external_id,date,amount,currency\n"
        "SCG,2026-01-05,1.5,THB\n"
        'SCG,2026-01-06,"2,5",THB,extra\n'
        'SCG,2026-01-07,"3,5\x00",THB\n'
        f'SCG,2026-01-08,"4,5",{"T" * 100_001}\n'
    )

    with pytest.raises(CommandError) as refused:
        command(tmp_path, "import_revenue", lines)

    report = str(refused.value)
    assert "written two ways" not in report
    assert "line 3: more cells than the header has columns" in report
    assert "line 4: a cell holds a NUL character" in report
    assert "line 5: a cell is longer than 100000 characters" in report
    assert not RevenueLine.objects.exists()


def test_a_given_separator_refuses_numbers_written_the_other_way(tmp_path, rated_accounts):
    lines = "account_external_id,date,amount,currency\nSCG,2026-01-05,261.96,THB\n"

    with pytest.raises(CommandError, match=r"line 2, amount “261.96”: .* like 1234,56"):
        command(tmp_path, "import_revenue", lines, "--decimal", ",")


@pytest.mark.parametrize(
    ("row", "column", "message"),
    [
        ("SCG,SCG,,THB,1e30,kam1", "potential", "is not a number written like 1234.56"),
        (
            "SCG,SCG,,THB,10000000000000000,kam1",
            "potential",
            "no more than 16 digits before the decimal point",
        ),
        (f"SCG,{'N' * 201},,THB,,kam1", "name", "at most 200 characters (it has 201)"),
        (f"{'X' * 65},SCG,,THB,,kam1", "external_id", "at most 64 characters (it has 65)"),
        ("SCG,SCG,,THB,12.345,kam1", "potential", "no more than 2 decimal places"),
    ],
)
def test_values_too_large_or_long_for_their_column_are_refused_on_their_line(
    tmp_path, kam1, row, column, message
):
    with pytest.raises(CommandError) as refused:
        command(tmp_path, "import_accounts", HEADER + row + "\n", "--decimal", ".")

    assert f"line 2, {column} " in str(refused.value)
    assert message in str(refused.value)
    assert not Account.objects.exists()


def test_an_amount_beyond_the_column_is_refused(tmp_path, rated_accounts):
    lines = "account_external_id,date,amount,currency\nSCG,2026-01-05,10000000000000000,THB\n"

    with pytest.raises(CommandError, match="no more than 16 digits before the decimal point"):
        command(tmp_path, "import_revenue", lines)
    assert not RevenueLine.objects.exists()


def test_a_nul_byte_and_a_huge_cell_are_reported_on_their_lines(tmp_path, kam1):
    content = (
        HEADER + "A,Bad\x00name,,THB,,kam1\n" + f"B,{'x' * 131_073},,THB,,kam1\nC,Ok,,THB,,kam1\n"
    )

    with pytest.raises(CommandError) as refused:
        command(tmp_path, "import_accounts", content)

    report = str(refused.value)
    assert "line 2: a cell holds a NUL character" in report
    assert "line 3: a cell is longer than 100000 characters" in report
    assert not Account.objects.exists()


# Encodings, delimiters, dates ---------------------------------------------------------


def test_a_windows_1252_file_is_read_and_named(tmp_path, kam1):
    content = (HEADER + "SG,Société Générale \u2013 Paris,,EUR,,kam1\n").encode("cp1252")

    _, err = command(tmp_path, "import_accounts", content)

    assert Account.objects.get().name == "Société Générale \u2013 Paris"
    assert "Read as Windows-1252 (Western European)" in err


def test_a_utf8_file_with_a_bom_finds_its_first_column(tmp_path, kam1):
    _, err = command(
        tmp_path, "import_accounts", "\ufeff" + HEADER + "PKN,PKN Orlen S.A. Łódź,,PLN,,kam1\n"
    )

    assert Account.objects.get().external_id == "PKN"
    assert "UTF-8 with BOM" in err


def test_a_semicolon_file_is_not_missing_columns(tmp_path, kam1):
    command(tmp_path, "import_accounts", HEADER.replace(",", ";") + "SCG;SCG;;THB;;kam1\n")

    assert Account.objects.get().external_id == "SCG"


def test_a_missing_column_names_the_header_as_read(tmp_path, kam1):
    with pytest.raises(CommandError, match="The header was read as: “external_id”, “name”"):
        command(tmp_path, "import_accounts", "external_id;name\nA;B\n")


@pytest.mark.parametrize(
    ("dates", "expected"),
    [
        (["05.01.2026", "28.02.2026"], ["2026-01-05", "2026-02-28"]),
        (["13/04/2026", "03/04/2026"], ["2026-04-03", "2026-04-13"]),
        (["04/13/2026", "04/03/2026"], ["2026-04-03", "2026-04-13"]),
    ],
)
def test_local_date_formats_are_detected(tmp_path, rated_accounts, dates, expected):
    lines = "account_external_id,date,amount,currency\n" + "".join(
        f"SCG,{day},100,THB\n" for day in dates
    )

    command(tmp_path, "import_revenue", lines)

    stored = RevenueLine.objects.order_by("date").values_list("date", flat=True)
    assert [d.isoformat() for d in stored] == expected


def test_a_date_that_reads_two_ways_is_refused_unless_the_format_is_given(tmp_path, rated_accounts):
    lines = "account_external_id,date,amount,currency\nSCG,03/04/2026,100,THB\n"

    with pytest.raises(CommandError, match="could be day/month or month/day"):
        command(tmp_path, "import_revenue", lines)

    command(tmp_path, "import_revenue", lines, "--date-format", "MM/DD/YYYY")
    assert RevenueLine.objects.get().date.isoformat() == "2026-03-04"


# Account dossiers, unchanged rows, columns ----------------------------------------------


def test_accounts_bring_their_dossier(tmp_path, kam1):
    command(
        tmp_path,
        "import_accounts",
        "external_id,name,currency,owner_username,industry,country,employees,website,account_type\n"
        "SCG,Siam Cement,THB,kam1,Building materials,Thailand,54000,scg.com,Breadwinner\n",
    )

    scg = Account.objects.get()
    assert (scg.industry, scg.country, scg.employees) == ("Building materials", "Thailand", 54000)
    assert (scg.website, scg.account_type) == ("https://scg.com", "breadwinner")


def test_an_unknown_account_type_says_which_are_known(tmp_path, kam1):
    with pytest.raises(
        CommandError,
        match="account_type “whale”: unknown; use one of breadwinner, prospect, image, expert",
    ):
        command(
            tmp_path,
            "import_accounts",
            "external_id,name,currency,owner_username,account_type\nS,S,THB,kam1,whale\n",
        )


def test_reimporting_unchanged_rows_leaves_them_alone(tmp_path, kam1):
    rows = HEADER + "SCG,SCG,,THB,100,kam1\nCPL,CPL,,THB,,kam1\n"
    command(tmp_path, "import_accounts", rows)

    out, _ = command(tmp_path, "import_accounts", rows.replace("CPL,CPL", "CPL,CP Logistics"))

    assert "0 created, 1 updated, 1 unchanged" in out
    versions = dict(Account.objects.values_list("external_id", "version"))
    assert versions == {"SCG": 1, "CPL": 2}


def test_columns_that_are_not_imported_are_named(tmp_path, kam1):
    _, err = command(tmp_path, "import_accounts", HEADER[:-1] + ",segment\nS,S,,THB,,kam1,Gold\n")

    assert "not account fields and were not imported: segment" in err


def test_a_loop_through_stored_accounts_is_refused_and_nothing_written(tmp_path, kam1):
    command(tmp_path, "import_accounts", HEADER + "G,Group,,THB,,kam1\nU,Unit,G,THB,,kam1\n")

    with pytest.raises(CommandError, match="would make an account part of itself"):
        command(tmp_path, "import_accounts", HEADER + "G,Group renamed,U,THB,,kam1\n")

    group = Account.objects.get(external_id="G")
    assert (group.name, group.parent) == ("Group", None)


# The two public-data routes -------------------------------------------------------------


def test_a_european_retail_order_export(tmp_path, rated_accounts):
    """The shape of a retail order file saved by a European spreadsheet: Windows-1252,
    semicolons, decimal commas, day-first dates, columns the import does not take."""
    orders = (
        "Order ID;account_external_id;date;Product Name;amount;currency;external_ref\n"
        "CA-1;SG;08.11.2026;Chaise Bretz \u2013 Hêtre;261,96;EUR;CA-1-1\n"
        "CA-1;SG;08.11.2026;Bibliothèque;731,94;EUR;CA-1-2\n"
        "CA-2;SG;12.06.2026;Étiquettes;14,62;EUR;CA-2-1\n"
        "CA-3;SG;11.10.2026;Table;1.957,58;EUR;CA-3-1\n"
    ).encode("cp1252")

    _, err = command(tmp_path, "import_revenue", orders)

    assert sum(amounts()) == Decimal("2966.10")
    assert RevenueLine.objects.get(external_ref="CA-2-1").date.isoformat() == "2026-06-12"
    assert "Read as Windows-1252 (Western European), columns separated by semicolons" in err
    assert "decimal comma, dates as DD.MM.YYYY" in err
    assert "not imported: Order ID, Product Name" in err


# Uploads ----------------------------------------------------------------------------------


def test_an_upload_that_reads_two_ways_asks_for_the_separator(client, admin, rated_accounts):
    client.force_login(admin)

    response = upload(
        client,
        "r.csv",
        b'account_external_id,date,amount,currency\nSCG,2026-01-05,"1,234",THB\n',
        kind="revenue",
    )

    assert "could be a whole number" in response.context["form"].errors["decimal"][0]


def test_an_upload_in_windows_1252_with_semicolons_imports(
    client, admin, rated_accounts, tasks_inline, django_capture_on_commit_callbacks
):
    client.force_login(admin)
    content = (
        "account_external_id;date;amount;currency;external_ref\nSG;05.01.2026;1.261,96;EUR;Réf-1\n"
    )

    with django_capture_on_commit_callbacks(execute=True):
        response = upload(client, "r.csv", content.encode("cp1252"), kind="revenue")
    page = client.get(response["Location"])

    assert RevenueLine.objects.get().external_ref == "Réf-1"
    assert amounts() == [Decimal("1261.96")]
    assert "Windows-1252" in page.context["report"]["file_format"]


def test_the_evidence_names_the_first_value_of_each_reading_as_if_it_weighed_every_one():
    """Numbers of one shape, and repeated dates, are weighed once, a batch of rows at a
    time (a large file's second pass was mostly this): what the file says, and the lines a
    report names, stay those of weighing every value on its own."""
    rng = random.Random(15)
    shapes = ["9.99", "9,99", "999", "9,999", "9.999", "0,999", "0.999", "9.999.999", "+9,999",
              "9,999.99", "9.999,99", "99.999", "-0.5", "9 999,9", "x9", "-0,999", "-9,999",
              "+-9,999", "0,0", "00,999"]  # fmt: skip
    days = ["2026-01-05", "05.01.2026", "05/01/2026", "13/01/2026", "01/13/2026", "05/05/2026"]

    def written(shape: str) -> str:
        return "".join(str(rng.randrange(10)) if c == "9" else c for c in shape)

    for _ in range(200):
        numbers = [written(rng.choice(shapes[:8])) for _ in range(rng.randrange(1, 12))]
        for _ in range(3):
            numbers.insert(rng.randrange(len(numbers) + 1), written(rng.choice(shapes)))
        dates = [rng.choice(days[:2] if rng.random() < 0.5 else days) for _ in numbers]
        seen = Evidence()
        lines = list(range(2, len(numbers) + 2))
        cut = rng.randrange(len(numbers) + 1)  # two batches, as a file's rows come
        for part in (slice(0, cut), slice(cut, None)):
            seen.numbers(lines[part], numbers[part])
            seen.dates_of(lines[part], dates[part])

        alone = {"decimals": {}, "ambiguous_number": None, "dates": {}, "ambiguous_date": None}
        for line, (number, day) in enumerate(zip(numbers, dates, strict=True), start=2):
            one = Evidence()
            one.number(line, number)
            one.date(line, day)
            for reading, first in (*one.decimals.items(), *one.dates.items()):
                alone["dates" if "Y" in reading else "decimals"].setdefault(reading, first)
            for name in ("ambiguous_number", "ambiguous_date"):
                alone[name] = alone[name] or getattr(one, name)

        assert {name: getattr(seen, name) for name in alone} == alone, (numbers, dates)


def test_references_keep_their_backslashes_tabs_and_line_breaks(tmp_path, rated_accounts):
    """Staged as COPY text on PostgreSQL, where these four characters are escaped."""
    refs = ["INV\\2026", "A\tB", "two\nlines", "cr\rhere", "N\\N"]
    rows = "".join(f'SCG,2026-01-0{n + 1},10,THB,"{ref}"\n' for n, ref in enumerate(refs))

    command(
        tmp_path, "import_revenue", "account_external_id,date,amount,currency,external_ref\n" + rows
    )

    assert sorted(RevenueLine.objects.values_list("external_ref", flat=True)) == sorted(refs)
