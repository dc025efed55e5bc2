"""Revenue lines, upserted by (account, external_ref). One streaming pass: each row is
checked and, while the file is clean, written in chunks to a temporary staging table
(COPY on PostgreSQL); then SQL finds references given twice and upserts every line in
one statement. Memory stays flat whatever the file's length, and a file with any bad row
rolls back, leaving nothing. A file without references is still idempotent: a line's
content is its identity."""

import hashlib
import re
from collections import Counter
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from datetime import date

from django.db import connection, transaction
from django.utils.translation import gettext as _

from kamcrm.models import User
from kamcrm.signals import announce_portfolio_change
from kamcrm.sql import differs

from ..models import Account, Currency, ProductLine, RevenueLine
from .formats import FileFormat
from .reading import Columns, Table
from .report import BadValue, ImportReport, Rollback, field_value

REVENUE_COLUMNS = Columns(
    required=["account_external_id", "date", "amount", "currency"],
    optional=["external_ref", "product_line"],
    numbers=["amount"],
    dates=["date"],
)
CHUNK = 5000
REF_LENGTH = RevenueLine._meta.get_field("external_ref").max_length or 0
AMOUNT = RevenueLine._meta.get_field("amount")
Progress = Callable[[str], None]
STAGE = "import_revenue_stage"
STAGED = ["line", "account_id", "external_ref", "date", "amount", "currency_id", "product_id"]


def import_revenue(
    table: "Table | Records",
    *,
    by: User | None = None,
    dry_run: bool = False,
    progress: Progress | None = None,
) -> ImportReport:
    """A file's (or the API's) lines, all or none. A file may touch every account, so it
    announces a change to everyone's portfolio; records, a request's few thousand lines,
    announce their own accounts'."""
    report = ImportReport.for_table(table, dry_run, noun="revenue line")
    try:
        with transaction.atomic():
            _stage(table, _LineReader(by), report, progress)
            # Always looked for: PostgreSQL refuses to upsert one row twice only when
            # both lines change it, and would let the later line overwrite a stored one
            # the first left as it was.
            _report_repeated_refs(report)
            if not report.ok or dry_run:
                raise Rollback
            report.created, report.updated, report.unchanged = _upsert()
            if report.created or report.updated:
                if isinstance(table, Records):
                    announce_portfolio_change(account_ids=_staged_accounts())
                else:
                    announce_portfolio_change()
            _drop_stage()
    except Rollback:
        pass
    return report


class Records:
    """Revenue lines given as records instead of a file (the API's JSON), read exactly as
    a file's rows are, so both refuse the same values in the same words: dates as
    YYYY-MM-DD, amounts with a decimal point. Record n (from 1) is line n."""

    mapped: list = []

    def __init__(self, records: list[dict[str, str]]):
        self.records = records
        self.format = FileFormat(encoding="json")
        self.present = REVENUE_COLUMNS.known
        self.unknown = sorted({key for record in records for key in record} - set(self.present))

    def rows(self):
        for line, record in enumerate(self.records, start=1):
            values = {column: record.get(column, "").strip() for column in self.present}
            nul = any("\x00" in value for value in values.values())
            yield line, values, _("a value holds a NUL character (\\x00)") if nul else ""


class _LineReader:
    """One row's cells as a staged line, each checked by the model field's own rules."""

    def __init__(self, by: User | None):
        self.currencies = {c.code: c for c in Currency.objects.all()}
        self.products = dict(ProductLine.objects.values_list("name", "pk"))
        scope = Account.objects.all() if by is None else Account.objects.editable_by(by)
        # One query, even for 100,000 accounts: cheaper than asking per row.
        self.accounts = dict(scope.exclude(external_id="").values_list("external_id", "pk"))
        # Lines without a reference: how often each content was met, by a digest of it (a
        # small key per distinct line, not the line).
        self.occurrences: Counter[bytes] = Counter()
        # An amount as an ERP writes it, for each currency it may be in: a decimal point
        # and no more places than the currency has. The server reads its text as it is.
        self.plain_amounts = {
            code: _plain_amount(currency.minor_unit)
            for code, currency in self.currencies.items()
            if currency.rate_to_base is not None
        }

    def read_plain(self, line: int, row: dict[str, str]) -> tuple | None:
        """The staged line of a row in the form most files are wholly in (a reference, an
        ISO date, an amount with a decimal point, known names), or None for read() to
        check cell by cell; only for a table read with a decimal point and ISO dates
        (plain_format). A large file's lines cost a third of the time this way. Any line
        this takes, read() takes too and stages alike (tests/accounts/
        test_import_plain_lines.py)."""
        ref = row.get("external_ref", "")
        day = row.get("date", "")
        if not ref or len(ref) > REF_LENGTH or len(day) != 10 or day[4] + day[7] != "--":
            return None
        code = row.get("currency", "")
        plain = self.plain_amounts.get(code)
        amount = row.get("amount", "")
        product = row.get("product_line", "")
        account_id = self.accounts.get(row.get("account_external_id", ""))
        if (
            plain is None
            or not plain(amount)
            or account_id is None
            or (product and product not in self.products)
        ):
            return None
        try:
            parsed = date.fromisoformat(day)
        except ValueError:
            return None
        return (line, account_id, ref, parsed, amount, code, self.products.get(product))

    def read(self, table: "Table | Records", line: int, row: dict[str, str], report: ImportReport):
        errors = len(report.errors)

        def bad(column: str, message) -> None:
            report.error(line, message, column, row.get(column, ""))

        account_id = self.accounts.get(row.get("account_external_id", ""))
        if account_id is None:
            bad("account_external_id", _("no account with this id that you may change"))
        day = amount = None
        try:
            day = table.format.date(row.get("date", ""))
        except ValueError as error:
            bad("date", str(error))
        currency = self.currencies.get(row.get("currency", "").upper())
        if currency is None:
            bad("currency", _("unknown currency; use a 3-letter code set up under Settings"))
        elif currency.rate_to_base is None:
            bad("currency", _("has no exchange rate yet; an admin sets it under Settings"))
        else:
            try:
                amount = _amount(table.format.number(row.get("amount", "")), currency)
            except (BadValue, ValueError) as error:
                bad("amount", str(error))
        product = row.get("product_line", "")
        if product and product not in self.products:
            report.not_set_up("product_line", product)
            bad(
                "product_line",
                _("unknown product line; an admin can add it from this report"),
            )
        ref = row.get("external_ref", "")
        try:
            # Checked by the field's own rules only when they could refuse it (its length):
            # asking the field for every line of a large file cost more than reading it.
            if len(ref) > REF_LENGTH:
                ref = field_value(RevenueLine, "external_ref", ref)
        except BadValue as error:
            bad("external_ref", str(error))
        if len(report.errors) > errors or currency is None:
            return None
        if not ref:
            key = (account_id, day, amount, currency.code, product)
            digest = hashlib.blake2b(repr(key).encode(), digest_size=12).digest()
            self.occurrences[digest] += 1
            # The reference earlier releases gave this line, so re-imports match it.
            seen = (key, self.occurrences[digest])
            ref = f"auto-{hashlib.sha1(repr(seen).encode()).hexdigest()[:32]}"
        return (line, account_id, ref, day, amount, currency.code, self.products.get(product))


def plain_format(table: "Table | Records") -> bool:
    """Whether the table is read in the format read_plain() takes."""
    return table.format.decimal == "." and table.format.date_format == "YYYY-MM-DD"


def _stage(table: "Table | Records", reader: _LineReader, report: ImportReport, progress) -> None:
    chunk: list[tuple] = []
    plain = plain_format(table)
    with _staging() as write:
        for line, row, problem in table.rows():
            report.rows += 1
            if problem:
                report.error(line, problem)
            elif plain and (staged := reader.read_plain(line, row)) is not None:
                chunk.append(staged)
            elif (staged := reader.read(table, line, row, report)) is not None:
                # Good rows are staged even after a bad one, so references given twice are
                # reported too; the staging is rolled back.
                chunk.append(staged)
            if len(chunk) >= CHUNK:
                write(chunk)
                chunk = []
            if progress and report.rows % 100_000 == 0:
                progress(_("checked %(rows)d rows") % {"rows": report.rows})
        write(chunk)


@contextmanager
def _staging() -> Iterator[Callable[[list[tuple]], None]]:
    """A temporary staging table and a writer of lines to it. On PostgreSQL, one COPY for
    the whole file: the server stores a chunk while the next is read (a COPY for each
    chunk waited for the server every time)."""
    with connection.cursor() as cursor:
        cursor.execute(f"DROP TABLE IF EXISTS {STAGE}")
        cursor.execute(
            f"""CREATE TEMPORARY TABLE {STAGE} (
                line integer, account_id bigint, external_ref varchar(64), date date,
                amount numeric(18, 2), currency_id varchar(3), product_id bigint)"""
        )
        if connection.vendor == "postgresql":
            with cursor.cursor.copy(f"COPY {STAGE} ({', '.join(STAGED)}) FROM STDIN") as copy:
                yield lambda rows: copy.write(_copy_text(rows))
        else:
            marks = ", ".join(["%s"] * len(STAGED))
            yield lambda rows: cursor.executemany(
                f"INSERT INTO {STAGE} ({', '.join(STAGED)}) VALUES ({marks})",
                [(*row[:4], str(row[4]), *row[5:]) for row in rows],
            )


def _staged_accounts() -> list[int]:
    with connection.cursor() as cursor:
        cursor.execute(f"SELECT DISTINCT account_id FROM {STAGE}")
        return [row[0] for row in cursor.fetchall()]


def _drop_stage() -> None:
    with connection.cursor() as cursor:
        cursor.execute(f"DROP TABLE {STAGE}")


# COPY's text format: a backslash, tab, newline or return in a reference escaped.
_COPY_ESCAPES = str.maketrans({"\\": "\\\\", "\t": "\\t", "\n": "\\n", "\r": "\\r"})
_NULL = "\\N"


def _copy_text(rows: list[tuple]) -> str:
    """Staged lines as COPY text, one call to send: psycopg's write_row for each line
    took about a tenth of a large import."""
    return "".join(
        f"{line}\t{account}\t{ref.translate(_COPY_ESCAPES)}\t{day}\t{amount}\t{currency}\t"
        f"{_NULL if product is None else product}\n"
        for line, account, ref, day, amount, currency, product in rows
    )


def _report_repeated_refs(report: ImportReport) -> None:
    """A reference given twice for one account: the later lines, each with the first."""
    with connection.cursor() as cursor:
        # Whether there is any, hashed, before which lines they are, sorted: a file with
        # none, as most are, pays the first only (a million lines: 1.4-1.6 s, not 1.9-2.2).
        cursor.execute(
            f"""SELECT 1 FROM {STAGE} GROUP BY account_id, external_ref
                HAVING COUNT(*) > 1 LIMIT 1"""
        )
        if cursor.fetchone() is None:
            return
        cursor.execute(
            f"""SELECT line, external_ref, first_line FROM (
                    SELECT line, external_ref, MIN(line) OVER (
                        PARTITION BY account_id, external_ref) AS first_line
                    FROM {STAGE}) AS lines
                WHERE line > first_line ORDER BY line LIMIT 1000"""
        )
        for line, ref, first in cursor.fetchall():
            report.error(
                line,
                _("already on line %(line)d for this account") % {"line": first},
                "external_ref",
                ref,
            )


def _upsert() -> tuple[int, int, int]:
    """(created, updated, unchanged): every staged line in one statement; a stored line
    that already says the same is left alone, not rewritten."""
    target = RevenueLine._meta.db_table
    changed = " OR ".join(
        differs(f"{target}.{column}", f"excluded.{column}")
        for column in ("date", "amount", "currency_id", "product_line_id")
    )
    with connection.cursor() as cursor:
        cursor.execute(f"SELECT COUNT(*) FROM {STAGE}")
        staged = cursor.fetchone()[0]
        cursor.execute(
            f"""SELECT COUNT(*) FROM {STAGE} s JOIN {target} r
                ON r.account_id = s.account_id AND r.external_ref = s.external_ref"""
        )
        stored = cursor.fetchone()[0]
        # "WHERE true" lets SQLite tell the SELECT's end from the upsert clause.
        cursor.execute(
            f"""INSERT INTO {target}
                    (account_id, external_ref, date, amount, currency_id, product_line_id)
                SELECT account_id, external_ref, date, amount, currency_id, product_id
                FROM {STAGE} WHERE true
                ON CONFLICT (account_id, external_ref) DO UPDATE SET
                    date = excluded.date, amount = excluded.amount,
                    currency_id = excluded.currency_id,
                    product_line_id = excluded.product_line_id
                WHERE {changed}"""
        )
        written = cursor.rowcount
    created = staged - stored
    updated = written - created
    return created, updated, stored - updated


def _plain_amount(minor_unit: int) -> Callable[[str], object]:
    """A test of an amount's text: digits, at most as many before the point as the
    column keeps, and at most the currency's places after it."""
    places = min(minor_unit, AMOUNT.decimal_places)
    fraction = rf"(?:\.[0-9]{{1,{places}}})?" if places else ""
    # [0-9], not \d: Python reads other scripts' digits, PostgreSQL does not.
    return re.compile(
        rf"-?[0-9]{{1,{AMOUNT.max_digits - AMOUNT.decimal_places}}}{fraction}"
    ).fullmatch


def _amount(value, currency: Currency):
    """The amount within the column's digits and the currency's minor unit."""
    if not _fits_amount(value):
        value = field_value(RevenueLine, "amount", value)  # refused, in Django's words
    if value != value.quantize(type(value)(1).scaleb(-currency.minor_unit)):
        raise BadValue(
            _("%(code)s amounts have at most %(places)d decimal places")
            % {"code": currency.code, "places": currency.minor_unit}
        )
    return value


def _fits_amount(value) -> bool:
    """Whether the amount column takes `value`: Django's DecimalValidator's count of digits,
    done here for every line (asking the field cost more than reading the file)."""
    _sign, digit_tuple, exponent = value.as_tuple()
    if not isinstance(exponent, int):  # NaN, infinity
        return False
    if exponent >= 0:
        digits = len(digit_tuple) + (exponent if digit_tuple != (0,) else 0)
        decimals = 0
    else:
        decimals = -exponent
        digits = max(len(digit_tuple), decimals)
    return (
        digits <= AMOUNT.max_digits
        and decimals <= AMOUNT.decimal_places
        and digits - decimals <= AMOUNT.max_digits - AMOUNT.decimal_places
    )
