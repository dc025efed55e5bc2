"""Revenue lines in the form most files are wholly in are staged without reading each
cell into a Python value (accounts.imports.revenue._LineReader.read_plain). It must take
only lines the full reading takes, and stage them alike."""

import random
import re
from decimal import Decimal
from types import SimpleNamespace

import pytest
from django.core.management import CommandError

from accounts.imports.formats import FileFormat
from accounts.imports.report import ImportReport
from accounts.imports.revenue import _LineReader
from accounts.models import Currency, ProductLine, RevenueLine

AMOUNTS = ["9.99", "99999.9", "-9.99", "9", "0", "-0", "00099.90", "9.999", "9,999.99",
           "9.", ".9", "+9.99", "9e9", "٣.99", "9 999.99", "9" * 16 + ".99", "9" * 17,
           "9" * 16, "NaN", "", " 9", "9.9.9"]  # fmt: skip
DAYS = ["2026-01-05", "2026-02-29", "2028-02-29", "2026-13-01", "05.01.2026", "2026-1-05",
        "2026/01/05", "20260105XX", "", "٢٠٢٦-01-05"]  # fmt: skip


@pytest.fixture
def reader(rated_accounts):
    Currency.objects.filter(code="VND").update(rate_to_base=Decimal("0.00004"))
    ProductLine.objects.create(name="Cloud")
    return _LineReader(None)


def random_rows(rng: random.Random, count: int):
    """Rows mostly in the plain form, each cell sometimes anything of its column's."""

    def pick(choices: list[str]) -> str:
        return choices[0] if rng.random() < 0.6 else rng.choice(choices)

    def written(shape: str) -> str:
        return "".join(str(rng.randrange(10)) if c == "9" else c for c in shape)

    for _ in range(count):
        row = {
            "account_external_id": pick(["SCG", "ORLEN", "SG", "NOPE", ""]),
            "date": pick(DAYS),
            "amount": written(pick(AMOUNTS)),
            "currency": pick(["THB", "EUR", "PLN", "VND", "thb", "RUB", "XXX", ""]),
            "external_ref": pick(["INV-1", "", "R" * 64, "R" * 65, "tab\there"]),
        }
        if rng.random() < 0.3:
            row["product_line"] = pick(["Cloud", "Unknown", ""])
        yield row


def test_a_plain_line_is_one_the_full_reading_takes_and_stages_alike(reader):
    """RUB has no rate in the fixture and VND no decimal places: both are declined by the
    plain reading where the full one would refuse them, as are other scripts' digits,
    which PostgreSQL would not read."""
    table = SimpleNamespace(format=FileFormat())
    rng = random.Random(16)
    plain = 0
    for line, row in enumerate(random_rows(rng, 4000), start=2):
        fast = reader.read_plain(line, row)
        full = reader.read(table, line, row, ImportReport())
        if fast is None:
            continue
        plain += 1
        assert full is not None, row
        assert fast[:4] == full[:4], row
        assert fast[5:] == full[5:], row
        assert Decimal(fast[4]) == full[4], row
        assert re.fullmatch(r"-?[0-9]+(\.[0-9]+)?", fast[4]), row  # as PostgreSQL reads it
    assert plain > 400  # the common form is read the plain way


@pytest.mark.parametrize(
    ("option", "refused"),
    [
        (("--date-format", "DD.MM.YYYY"), "line 2, date “2026-01-05”: "),
        (("--decimal", ","), "line 2, amount “12.50”: "),
    ],
)
def test_plain_lines_are_not_read_the_plain_way_in_a_file_written_another_way(
    tmp_path, rated_accounts, option, refused
):
    """A line that looks plain is read in the file's format, which refuses it here."""
    from tests.accounts.test_import_formats import command

    lines = "account_external_id,date,amount,currency,external_ref\nSCG,2026-01-05,12.50,THB,I1\n"

    with pytest.raises(CommandError, match=refused):
        command(tmp_path, "import_revenue", lines, *option)
    assert not RevenueLine.objects.exists()


def test_a_file_of_plain_and_other_lines_is_stored_whole(tmp_path, rated_accounts):
    from tests.accounts.test_import_formats import command

    rows = [
        "SCG,2026-01-05,12.50,THB,INV-1",  # plain
        "SCG,2026-01-06,0012.5,THB,INV-2",  # plain, its leading zeros the server's to drop
        "ORLEN,2026-01-07,7,pln,INV-3",  # a lower-case currency: read in full
        "SG,2026-01-08,3.25,EUR,",  # no reference: read in full
    ]
    command(
        tmp_path,
        "import_revenue",
        "account_external_id,date,amount,currency,external_ref\n" + "\n".join(rows) + "\n",
    )

    stored = RevenueLine.objects.order_by("date").values_list("amount", "currency_id")
    assert list(stored) == [
        (Decimal("12.50"), "THB"),
        (Decimal("12.50"), "THB"),
        (Decimal("7.00"), "PLN"),
        (Decimal("3.25"), "EUR"),
    ]
