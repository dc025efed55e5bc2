"""CSV imports of accounts and revenue lines: every row is checked before anything is
written, a file with any bad row writes nothing, and importing the same file twice
changes nothing (rows are matched by external id / reference)."""

import csv
import hashlib
from collections import Counter
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass, field
from datetime import date
from decimal import Decimal, InvalidOperation
from typing import IO

from django.db import transaction
from django.utils.translation import gettext as _

from kamcrm.models import Role, User

from .models import Account, Currency, ProductLine, RevenueLine
from .signals import portfolio_changed

ACCOUNT_COLUMNS = ["external_id", "name", "parent_external_id", "currency", "potential"]
REVENUE_COLUMNS = ["account_external_id", "date", "amount", "currency"]
CHUNK = 5000
Progress = Callable[[str], None]


@dataclass
class ImportReport:
    rows: int = 0
    created: int = 0
    updated: int = 0
    errors: list[tuple[int, str]] = field(default_factory=list)
    dry_run: bool = False

    @property
    def ok(self) -> bool:
        return not self.errors

    def error(self, line: int, message: str) -> None:
        self.errors.append((line, message))


class BadHeader(Exception):
    pass


def read_csv(stream: IO[str], required: list[str]) -> Iterator[tuple[int, dict[str, str]]]:
    """(line number, row) pairs; line 1 is the header."""
    reader = csv.DictReader(stream)
    missing = [name for name in required if name not in (reader.fieldnames or [])]
    if missing:
        raise BadHeader(_("Missing columns: %(columns)s") % {"columns": ", ".join(missing)})
    for row in reader:
        yield reader.line_num, {key: (value or "").strip() for key, value in row.items() if key}


def _decimal(text: str) -> Decimal:
    value = Decimal(text.replace(",", ""))
    if not value.is_finite():
        raise InvalidOperation
    return value


def _amount(text: str, currency: Currency) -> Decimal:
    value = _decimal(text)
    if value != value.quantize(Decimal(1).scaleb(-currency.minor_unit)):
        raise ValueError(
            _("%(code)s amounts have at most %(places)d decimal places")
            % {"code": currency.code, "places": currency.minor_unit}
        )
    return value


def import_accounts(
    rows: Iterable[tuple[int, dict[str, str]]],
    *,
    by: User | None = None,
    default_owner: User | None = None,
    dry_run: bool = False,
) -> ImportReport:
    """Upsert accounts by external id; parents may come after their children in the file.

    `by` limits a director to their own teams' accounts and KAMs (None: a command, no limit).
    """
    report = ImportReport(dry_run=dry_run)
    currencies = {c.code: c for c in Currency.objects.all()}
    kams = {
        u.username: u
        for u in User.objects.filter(role=Role.KAM, is_active=True).select_related("team")
    }
    assignable = (
        set(kams)
        if by is None or by.is_admin
        else {u.username for u in kams.values() if u.team_id and u.team.director_id == by.pk}
    )
    parsed: dict[str, dict] = {}
    in_file: set[str] = set()  # bad rows too, so one bad parent is reported once, not per child
    for line, row in rows:
        report.rows += 1
        external_id = row.get("external_id", "")
        in_file.add(external_id)
        problems = []
        if not external_id:
            problems.append(_("external_id is empty"))
        elif external_id in parsed:
            problems.append(
                _("external_id %(id)s already on line %(line)d")
                % {"id": external_id, "line": parsed[external_id]["line"]}
            )
        if not row.get("name"):
            problems.append(_("name is empty"))
        currency = currencies.get(row.get("currency", "").upper())
        if currency is None:
            problems.append(_("unknown currency %(code)r") % {"code": row.get("currency", "")})
        potential = None
        if row.get("potential"):
            try:
                potential = _decimal(row["potential"])
            except (InvalidOperation, ValueError):
                problems.append(
                    _("potential %(value)r is not a number") % {"value": row["potential"]}
                )
        owner_name = row.get("owner_username", "")
        if owner_name and owner_name not in kams:
            problems.append(_("no active KAM called %(name)r") % {"name": owner_name})
        elif owner_name and owner_name not in assignable:
            problems.append(_("%(name)s is not in a team you lead") % {"name": owner_name})
        for problem in problems:
            report.error(line, problem)
        if not problems:
            parsed[external_id] = {
                "line": line,
                "name": row["name"],
                "parent": row.get("parent_external_id", ""),
                "currency": currency,
                "potential": potential,
                "owner": kams.get(owner_name),
            }
    existing = {
        a.external_id: a
        for a in Account.objects.filter(external_id__in=list(parsed)).select_related("owner__team")
    }
    parents_scope = Account.objects.all() if by is None else Account.objects.visible_to(by)
    known_parents = set(
        parents_scope.filter(
            external_id__in={p["parent"] for p in parsed.values() if p["parent"]}
        ).values_list("external_id", flat=True)
    )
    visible = (
        None
        if by is None
        else set(
            Account.objects.editable_by(by)
            .filter(pk__in=[a.pk for a in existing.values()])
            .values_list("external_id", flat=True)
        )
    )
    for external_id, item in parsed.items():
        parent = item["parent"]
        if parent and parent not in in_file and parent not in known_parents:
            report.error(
                item["line"], _("parent %(id)s is neither in the file nor stored") % {"id": parent}
            )
        if parent == external_id:
            report.error(item["line"], _("an account cannot be its own parent"))
        if external_id in existing and visible is not None and external_id not in visible:
            report.error(
                item["line"], _("%(id)s belongs to a team you do not lead") % {"id": external_id}
            )
        if external_id not in existing and item["owner"] is None and default_owner is None:
            report.error(item["line"], _("a new account needs owner_username"))
    _check_cycles(parsed, report)
    report.errors.sort()
    if not report.ok or dry_run:
        return report
    with transaction.atomic():
        new, changed = [], []
        for external_id, item in parsed.items():
            account = existing.get(external_id) or Account(external_id=external_id)
            account.name, account.currency = item["name"], item["currency"]
            account.potential = item["potential"]
            account.owner = item["owner"] or (account.owner if account.pk else default_owner)
            if account.pk:
                account.version += 1  # a form opened before the import is now stale
            (changed if account.pk else new).append(account)
        Account.objects.bulk_create(new, batch_size=1000)
        Account.objects.bulk_update(
            changed, ["name", "currency", "potential", "owner", "version"], batch_size=1000
        )
        ids = dict(
            Account.objects.filter(
                external_id__in=list(parsed) + [p["parent"] for p in parsed.values()]
            ).values_list("external_id", "pk")
        )
        linked = []
        for account in new + changed:
            account.parent_id = ids.get(parsed[account.external_id]["parent"])
            linked.append(account)
        Account.objects.bulk_update(linked, ["parent"], batch_size=1000)
        portfolio_changed.send(sender=Account, owner_ids=None)
    report.created, report.updated = len(new), len(changed)
    return report


def _check_cycles(parsed: dict[str, dict], report: ImportReport) -> None:
    for external_id, item in parsed.items():
        seen, current = {external_id}, item["parent"]
        while current in parsed:
            if current in seen:
                report.error(item["line"], _("parents go round in a circle"))
                break
            seen.add(current)
            current = parsed[current]["parent"]


def import_revenue(
    rows: Iterable[tuple[int, dict[str, str]]],
    *,
    by: User | None = None,
    dry_run: bool = False,
    progress: Progress | None = None,
) -> ImportReport:
    """Upsert revenue lines by (account, external_ref); set-based, in chunks."""
    report = ImportReport(dry_run=dry_run)
    currencies = {c.code: c for c in Currency.objects.all()}
    products = dict(ProductLine.objects.values_list("name", "pk"))
    scope = Account.objects.all() if by is None else Account.objects.editable_by(by)
    # One query, even for 100,000 accounts: cheaper than asking per row.
    accounts = dict(scope.exclude(external_id="").values_list("external_id", "pk"))
    occurrences: Counter[tuple] = Counter()
    seen_refs: dict[tuple[int, str], int] = {}
    parsed: list[tuple] = []
    for line, row in rows:
        report.rows += 1
        problems = []
        external_id = row.get("account_external_id", "")
        account_id = accounts.get(external_id)
        if account_id is None:
            problems.append(_("no account %(id)r that you may change") % {"id": external_id})
        try:
            day = date.fromisoformat(row.get("date", ""))
        except ValueError:
            problems.append(_("date %(value)r is not YYYY-MM-DD") % {"value": row.get("date", "")})
        currency = currencies.get(row.get("currency", "").upper())
        amount = None
        if currency is None:
            problems.append(_("unknown currency %(code)r") % {"code": row.get("currency", "")})
        elif currency.rate_to_base is None:
            problems.append(
                _("%(code)s has no exchange rate yet; ask an admin") % {"code": currency.code}
            )
        else:
            try:
                amount = _amount(row.get("amount", ""), currency)
            except (InvalidOperation, ValueError) as error:
                detail = str(error) if isinstance(error, ValueError) and str(error) else ""
                problems.append(
                    detail
                    or _("amount %(value)r is not a number") % {"value": row.get("amount", "")}
                )
        product = row.get("product_line", "")
        if product and product not in products:
            problems.append(_("unknown product line %(name)r") % {"name": product})
        if problems:
            for problem in problems:
                report.error(line, problem)
            continue
        ref = row.get("external_ref", "")
        if not ref:
            # A file without references is still idempotent: the line is its own identity.
            key = (account_id, day, amount, currency.code, product)
            occurrences[key] += 1
            digest = hashlib.sha1(repr((key, occurrences[key])).encode()).hexdigest()
            ref = f"auto-{digest[:32]}"
        if (account_id, ref) in seen_refs:
            report.error(
                line,
                _("external_ref %(ref)s already on line %(line)d")
                % {"ref": ref, "line": seen_refs[(account_id, ref)]},
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
