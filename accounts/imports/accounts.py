"""Accounts with their dossier, upserted by external id. Parents may come after their
children in the file; a row that changes nothing is left alone (no new version, so
nobody's open form goes stale for nothing)."""

from django.db.models import Field
from django.utils.translation import gettext as _

from kamcrm.models import Role, User
from kamcrm.selectors import kams_assignable_by
from kamcrm.signals import announce_portfolio_change

from ..models import Account, Currency
from ..models.accounts import AccountType, is_group_cycle
from .reading import Columns, Table
from .report import (
    BadValue,
    ImportReport,
    choice,
    field_value,
    refuse_if_changed_meanwhile,
    write_or_refuse,
)

DOSSIER = ["industry", "country", "employees", "website", "account_type"]
ACCOUNT_COLUMNS = Columns(
    required=["external_id", "name", "currency"],
    optional=["parent_external_id", "potential", "owner_username", *DOSSIER],
    numbers=["potential", "employees"],
)


def import_accounts(
    table: Table,
    *,
    by: User | None = None,
    default_owner: User | None = None,
    dry_run: bool = False,
) -> ImportReport:
    """`by` limits a director to their own teams' accounts and KAMs (None: a command, no
    limit). A column left out of the file leaves that field as it is."""
    report = ImportReport.for_table(table, dry_run, noun="account")
    reader = _RowReader(table, by)
    parsed: dict[str, dict] = {}
    in_file: set[str] = set()  # bad rows too, so one bad parent is reported once, not per child
    for line, row, problem in table.rows():
        report.rows += 1
        if problem:
            report.error(line, problem)
            continue
        item = reader.read(line, row, report)
        in_file.add(row.get("external_id", ""))
        if item is None:
            continue
        if item["external_id"] in parsed:
            report.error(
                line,
                _("already on line %(line)d; each account once per file")
                % {"line": parsed[item["external_id"]]["line"]},
                "external_id",
                item["external_id"],
            )
            continue
        parsed[item["external_id"]] = item
    existing = {
        a.external_id: a
        for a in Account.objects.filter(external_id__in=list(parsed)).select_related("owner")
    }
    _check_scope(parsed, existing, in_file, by, default_owner, report)
    _check_cycles(parsed, report)
    report.errors.sort()
    if not report.ok:
        return report
    with_parents = "parent_external_id" in table.present
    write_or_refuse(
        report,
        lambda: _write(parsed, existing, default_owner, with_parents, report),
        dry_run=dry_run,
        refused=is_group_cycle,
        message=_(
            "The parents in the file, with the groups already stored, would make an account "
            "part of itself. Check parent_external_id."
        ),
    )
    return report


class _RowReader:
    """One row's cells as account values, each checked by the model field's own rules."""

    def __init__(self, table: Table, by: User | None):
        self.table, self.format = table, table.format
        self.currencies = {c.code: c for c in Currency.objects.all()}
        kams = User.objects.filter(role=Role.KAM, is_active=True).select_related("team")
        self.kams = {u.username: u for u in kams}
        # A command line import (no user) may assign any KAM.
        self.assignable = (
            set(self.kams)
            if by is None
            else set(kams_assignable_by(by).values_list("username", flat=True))
        )
        self.fields = ["name", "currency"] + [
            name for name in ["potential", *DOSSIER] if name in table.present
        ]

    def read(self, line: int, row: dict[str, str], report: ImportReport) -> dict | None:
        values, errors = {}, len(report.errors)

        def check(column: str, convert) -> None:
            try:
                values[column] = convert(row.get(column, ""))
            except (BadValue, ValueError) as error:
                report.error(line, str(error), column, row.get(column, ""))

        check("external_id", self._external_id)
        check("name", lambda text: field_value(Account, "name", text))
        check("currency", self._currency)
        for column in self.fields[2:]:
            check(column, getattr(self, f"_{column}", None) or self._text(column))
        if "parent_external_id" in self.table.present:
            check("parent_external_id", lambda text: text and self._external_id(text))
        owner = row.get("owner_username", "")
        if owner and owner not in self.kams:
            report.error(line, _("no active KAM has this username"), "owner_username", owner)
        elif owner and owner not in self.assignable:
            report.error(line, _("not in a team you lead"), "owner_username", owner)
        if len(report.errors) > errors:
            return None
        return {
            "line": line,
            "external_id": values.pop("external_id"),
            # None: the file has no parent column; "": the account has no parent.
            "parent": values.pop("parent_external_id", None),
            "owner": self.kams.get(owner),
            "values": values,
        }

    def _text(self, column: str):
        return lambda text: field_value(Account, column, text)

    def _external_id(self, text: str) -> str:
        if not text:
            raise BadValue(_("is empty; every account needs its id from your system"))
        return field_value(Account, "external_id", text)

    def _currency(self, text: str) -> Currency:
        currency = self.currencies.get(text.upper())
        if currency is None:
            raise BadValue(
                _("unknown currency; use a 3-letter code set up under Settings, such as %(codes)s")
                % {"codes": ", ".join(sorted(self.currencies)[:5])}
            )
        return currency

    def _potential(self, text: str):
        return field_value(Account, "potential", self.format.number(text) if text else None)

    def _employees(self, text: str):
        if not text:
            return None
        number = self.format.number(text)
        if number != number.to_integral_value():
            raise BadValue(_("is not a whole number of people"))
        return field_value(Account, "employees", int(number))

    def _website(self, text: str) -> str:
        if text and "://" not in text:
            text = f"https://{text}"  # "example.com" as people write it
        return field_value(Account, "website", text)

    def _account_type(self, text: str) -> str:
        return choice(AccountType, text)


def _check_scope(parsed, existing, in_file, by, default_owner, report: ImportReport) -> None:
    parents = {item["parent"] for item in parsed.values() if item["parent"]}
    parents_scope = Account.objects.all() if by is None else Account.objects.visible_to(by)
    known_parents = set(
        parents_scope.filter(external_id__in=parents).values_list("external_id", flat=True)
    )
    editable = (
        None
        if by is None
        else set(
            Account.objects.editable_by(by)
            .filter(pk__in=[a.pk for a in existing.values()])
            .values_list("external_id", flat=True)
        )
    )
    for external_id, item in parsed.items():
        line, parent = item["line"], item["parent"]
        if parent and parent not in in_file and parent not in known_parents:
            report.error(line, _("is neither in the file nor stored"), "parent_external_id", parent)
        if parent == external_id:
            report.error(line, _("an account cannot be its own parent"), "parent_external_id")
        if external_id in existing and editable is not None and external_id not in editable:
            report.error(line, _("belongs to a team you do not lead"), "external_id", external_id)
        if external_id not in existing and item["owner"] is None and default_owner is None:
            report.error(line, _("a new account needs an owner"), "owner_username")


def _check_cycles(parsed: dict[str, dict], report: ImportReport) -> None:
    """Loops within the file, reported on each of their lines; a loop through accounts
    already stored is refused by the database when the parents are written."""
    for item in parsed.values():
        seen, current = {item["external_id"]}, item["parent"]
        while current in parsed:
            if current in seen:
                report.error(item["line"], _("parents go round in a circle"), "parent_external_id")
                break
            seen.add(current)
            current = parsed[current]["parent"]


def _write(parsed, existing, default_owner, with_parents: bool, report: ImportReport) -> None:
    refuse_if_changed_meanwhile(Account, existing, {k: (parsed[k]["line"], k) for k in existing})
    new, changed = [], []
    for external_id, item in parsed.items():
        values = {
            _attname(name): getattr(value, "pk", value) for name, value in item["values"].items()
        }
        if item["owner"] is not None:
            values["owner_id"] = item["owner"].pk
        account = existing.get(external_id)
        if account is None:
            values.setdefault("owner_id", default_owner.pk if default_owner else None)
            new.append(Account(external_id=external_id, **values))
            continue
        if any(getattr(account, name) != value for name, value in values.items()):
            for name, value in values.items():
                setattr(account, name, value)
            changed.append(account)
    Account.objects.bulk_create(new, batch_size=1000)
    moved: list[Account] = []
    if with_parents:
        parents = {i["parent"] for i in parsed.values() if i["parent"]}
        ids = dict(
            Account.objects.filter(external_id__in=[*parsed, *parents]).values_list(
                "external_id", "pk"
            )
        )
        for account in [*new, *existing.values()]:
            parent = parsed[account.external_id]["parent"]
            # An empty cell is no parent, never the accounts whose external id is blank.
            target = ids[parent] if parent else None
            if account.parent_id != target:
                account.parent_id = target
                moved.append(account)
        # Every moved account is first unhooked, so no moment in between holds a loop.
        Account.objects.filter(pk__in=[a.pk for a in moved]).update(parent=None)
        Account.objects.bulk_update(moved, ["parent"], batch_size=1000)
    counted = {a.pk for a in new} | {a.pk for a in changed}
    changed += [a for a in moved if a.pk not in counted]
    for account in changed:
        account.version += 1  # a form opened before the import is now stale
    fields = sorted({name for item in parsed.values() for name in item["values"]} | {"owner"})
    Account.objects.bulk_update(changed, [*fields, "version"], batch_size=1000)
    if new or changed:
        announce_portfolio_change()
    report.created, report.updated = len(new), len(changed)
    report.unchanged = len(parsed) - len(new) - len(changed)


def _attname(name: str) -> str:
    field = Account._meta.get_field(name)
    return field.attname if isinstance(field, Field) else name
