"""Revenue lines, upserted by (account, external_ref): set-based, in chunks. A file
without references is still idempotent: a line's content is its identity."""

import hashlib
from collections import Counter
from collections.abc import Callable

from django.db import transaction
from django.utils.translation import gettext as _

from kamcrm.models import User

from ..models import Account, Currency, ProductLine, RevenueLine
from ..signals import portfolio_changed
from .reading import Columns, Table
from .report import BadValue, ImportReport, field_value

REVENUE_COLUMNS = Columns(
    required=["account_external_id", "date", "amount", "currency"],
    optional=["external_ref", "product_line"],
    numbers=["amount"],
    dates=["date"],
)
CHUNK = 5000
Progress = Callable[[str], None]


def import_revenue(
    table: Table,
    *,
    by: User | None = None,
    dry_run: bool = False,
    progress: Progress | None = None,
) -> ImportReport:
    report = ImportReport(dry_run=dry_run, file_format=table.format.describe())
    if table.unknown:
        report.warnings.append(
            _("These columns are not revenue line fields and were not imported: %(columns)s")
            % {"columns": ", ".join(table.unknown)}
        )
    currencies = {c.code: c for c in Currency.objects.all()}
    products = dict(ProductLine.objects.values_list("name", "pk"))
    scope = Account.objects.all() if by is None else Account.objects.editable_by(by)
    # One query, even for 100,000 accounts: cheaper than asking per row.
    accounts = dict(scope.exclude(external_id="").values_list("external_id", "pk"))
    occurrences: Counter[bytes] = Counter()
    seen_refs: dict[tuple[int, str], int] = {}
    parsed: list[tuple] = []
    number, day_of = table.format.number, table.format.date
    for line, row, problem in table.rows():
        report.rows += 1
        if problem:
            report.error(line, problem)
            continue
        errors = len(report.errors)

        def bad(column: str, message) -> None:
            report.error(line, message, column, row.get(column, ""))  # noqa: B023

        account_id = accounts.get(row.get("account_external_id", ""))
        if account_id is None:
            bad("account_external_id", _("no account with this id that you may change"))
        day = amount = None
        try:
            day = day_of(row.get("date", ""))
        except ValueError as error:
            bad("date", str(error))
        currency = currencies.get(row.get("currency", "").upper())
        if currency is None:
            bad("currency", _("unknown currency; use a 3-letter code set up under Settings"))
        elif currency.rate_to_base is None:
            bad("currency", _("has no exchange rate yet; an admin sets it under Settings"))
        else:
            try:
                amount = _amount(number(row.get("amount", "")), currency)
            except (BadValue, ValueError) as error:
                bad("amount", str(error))
        product = row.get("product_line", "")
        if product and product not in products:
            bad(
                "product_line",
                _("unknown product line; an admin adds it under Settings → Product lines first"),
            )
        ref = row.get("external_ref", "")
        try:
            ref = field_value(RevenueLine, "external_ref", ref) if ref else ""
        except BadValue as error:
            bad("external_ref", str(error))
        if len(report.errors) > errors:
            continue
        if not ref:
            key = (account_id, day, amount, currency.code, product)
            # Counted by a digest of the content: a small key per line, not the line.
            digest = hashlib.sha1(repr(key).encode()).digest()
            occurrences[digest] += 1
            n = occurrences[digest]
            # The same reference an earlier release gave this line, so re-imports match.
            ref = f"auto-{hashlib.sha1(repr((key, n)).encode()).hexdigest()[:32]}"
        if (account_id, ref) in seen_refs:
            bad(
                "external_ref",
                _("already on line %(line)d for this account")
                % {"line": seen_refs[(account_id, ref)]},
            )
            continue
        seen_refs[(account_id, ref)] = line
        parsed.append((account_id, ref, day, amount, currency.code, products.get(product)))
        if progress and report.rows % 100_000 == 0:
            progress(_("checked %(rows)d rows") % {"rows": report.rows})
    if not report.ok or dry_run:
        return report
    with transaction.atomic():
        stored = RevenueLine.objects.count()
        for start in range(0, len(parsed), CHUNK):
            RevenueLine.objects.bulk_create(
                [
                    RevenueLine(
                        account_id=account_id,
                        external_ref=ref,
                        date=day,
                        amount=amount,
                        currency_id=code,
                        product_line_id=product_id,
                    )
                    for account_id, ref, day, amount, code, product_id in parsed[
                        start : start + CHUNK
                    ]
                ],
                update_conflicts=True,
                unique_fields=["account", "external_ref"],
                update_fields=["date", "amount", "currency", "product_line"],
            )
            if progress:
                progress(
                    _("imported %(done)d of %(total)d lines")
                    % {"done": min(start + CHUNK, len(parsed)), "total": len(parsed)}
                )
        report.created = RevenueLine.objects.count() - stored
        portfolio_changed.send(sender=RevenueLine, owner_ids=None)
    report.updated = len(parsed) - report.created
    return report


def _amount(value, currency: Currency):
    """The amount within the column's digits and the currency's minor unit."""
    value = field_value(RevenueLine, "amount", value)
    if value != value.quantize(type(value)(1).scaleb(-currency.minor_unit)):
        raise BadValue(
            _("%(code)s amounts have at most %(places)d decimal places")
            % {"code": currency.code, "places": currency.minor_unit}
        )
    return value
