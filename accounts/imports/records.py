"""Imports of the records that live on an account: its people, deals and activities.
Each row names its account (`account_external_id`) and its own id in the source system
(`external_id`); rows are upserted by the pair, so importing the same file twice changes
nothing, and a row that matches what is stored is left alone. Every value goes through
the model field's own rules; any bad row imports none."""

from collections import defaultdict
from typing import Generic, TypeVar

from django.utils.translation import gettext as _

from kamcrm.models import User
from kamcrm.signals import announce_portfolio_change
from kamcrm.versioning import Versioned

from ..models import Account, Activity, Opportunity, Stakeholder
from ..models.accounts import is_reporting_cycle
from .reading import Columns, Table
from .report import (
    BadValue,
    ImportReport,
    field_value,
    refuse_if_changed_meanwhile,
    write_or_refuse,
)

KEY = ["account_external_id", "external_id"]


# The records imported by external id under an account.
R = TypeVar("R", Stakeholder, Opportunity, Activity)


class RecordImport(Generic[R]):
    """One kind of account record. Subclasses name the model and columns; a column's
    cell is converted by the method `_<column>` when there is one (returning the model
    values it sets), else checked as the model field of the same name."""

    model: type[R]
    columns: Columns
    noun = ""  # what a row is, for the not-imported warning

    def __init__(self, table: Table, *, by: User | None = None):
        self.table, self.by, self.format = table, by, table.format
        self.not_set_up: defaultdict[str, set[str]] = defaultdict(set)  # see ImportReport
        scope = Account.objects.all() if by is None else Account.objects.editable_by(by)
        self.accounts = {
            a.external_id: a for a in scope.exclude(external_id="").only("pk", "owner_id")
        }

    def run(self, *, dry_run: bool = False) -> ImportReport:
        report = ImportReport.for_table(self.table, dry_run, noun=self.noun)
        items: dict[tuple[int, str], dict] = {}
        for line, row, problem in self.table.rows():
            report.rows += 1
            if problem:
                report.error(line, problem)
                continue
            item = self._read(line, row, report)
            if item is None:
                continue
            key = (item["account"].pk, item["external_id"])
            if key in items:
                report.error(
                    line,
                    _("already on line %(line)d for this account") % {"line": items[key]["line"]},
                    "external_id",
                    item["external_id"],
                )
                continue
            items[key] = item
        for column, names in self.not_set_up.items():
            for name in sorted(names):
                report.not_set_up(column, name)
        existing = self._existing(items)
        for key, item in items.items():
            self.check(item, existing.get(key), report)
        self.check_all(items, report)
        report.errors.sort()
        if not report.ok:
            return report
        write_or_refuse(
            report,
            lambda: self._write(items, existing, report),
            dry_run=dry_run,
            refused=is_reporting_cycle,
            message=_(
                "The bosses in the file, with the reporting lines already stored, would make "
                "someone report to a person below them. Check reports_to_external_id."
            ),
        )
        return report

    # Hooks ------------------------------------------------------------------------------

    def check(self, item: dict, stored, report: ImportReport) -> None:
        """Rules of one row that need the stored record (None for a new one)."""

    def check_all(self, items: dict, report: ImportReport) -> None:
        """Rules across rows."""

    def new_defaults(self, item: dict) -> dict:
        """Values a new record takes when the file does not give them."""
        return {}

    def after_write(self, items: dict, records: dict) -> list:
        """Writes that need every record's id; returns records changed by them."""
        return []

    # The work ---------------------------------------------------------------------------

    def _read(self, line: int, row: dict[str, str], report: ImportReport) -> dict | None:
        errors, values = len(report.errors), {}

        def bad(column: str, message) -> None:
            report.error(line, str(message), column, row.get(column, ""))

        account = self.accounts.get(row.get("account_external_id", ""))
        if account is None:
            bad("account_external_id", _("no account with this id that you may change"))
        external_id = row.get("external_id", "")
        try:
            if not external_id:
                raise BadValue(_("is empty; every row needs its id from your system"))
            field_value(self.model, "external_id", external_id)
        except BadValue as error:
            bad("external_id", error)
        for column in self.table.present:
            if column in KEY:
                continue
            convert = getattr(self, f"_{column}", None)
            try:
                if convert:
                    values.update(convert(row[column]))
                else:
                    values[column] = field_value(self.model, column, row[column])
            except (BadValue, ValueError) as error:
                bad(column, error)
        if len(report.errors) > errors:
            return None
        return {"line": line, "account": account, "external_id": external_id, "values": values}

    def _existing(self, items: dict) -> dict:
        found = self.model._default_manager.filter(
            account_id__in={k[0] for k in items}, external_id__in={k[1] for k in items}
        )
        return {
            (r.account_id, r.external_id): r
            for r in found
            if (r.account_id, r.external_id) in items
        }

    def _write(self, items: dict, existing: dict, report: ImportReport) -> None:
        if issubclass(self.model, Versioned):
            refuse_if_changed_meanwhile(
                self.model, existing, {k: (items[k]["line"], k[1]) for k in existing}
            )
        new: list[R] = []
        changed: list[R] = []
        for key, item in items.items():
            values = item["values"]
            record = existing.get(key)
            if record is None:
                defaults = self.new_defaults(item)  # by attname: owner_id for owner
                values = {
                    **{k: v for k, v in defaults.items() if k.removesuffix("_id") not in values},
                    **values,
                }
                record = self.model(account=item["account"], external_id=key[1], **values)
                new.append(record)
            elif any(getattr(record, name) != value for name, value in values.items()):
                for name, value in values.items():
                    setattr(record, name, value)
                changed.append(record)
            item["record"] = record
        self.model._default_manager.bulk_create(new, batch_size=1000)
        fields = sorted({name for item in items.values() for name in item["values"]})
        records = {key: item["record"] for key, item in items.items()}
        counted = {r.pk for r in new} | {r.pk for r in changed}
        changed += [r for r in self.after_write(items, records) if r.pk not in counted]
        if issubclass(self.model, Versioned):
            fields.append("version")
            for record in changed:
                record.version += 1  # a form opened before the import is now stale
        if changed and fields:
            self.model._default_manager.bulk_update(changed, fields, batch_size=1000)
        if new or changed:
            announce_portfolio_change()
        report.created, report.updated = len(new), len(changed)
        report.unchanged = len(items) - len(new) - len(changed)

    # Shared converters -------------------------------------------------------------------

    def _date_cell(self, column: str, text: str, *, required: bool) -> dict:
        if not text:
            if required:
                raise BadValue(_("is empty; give a date"))
            return {column: None}
        return {column: self.format.date(text)}

    def _user(self, text: str, *, roles) -> User | None:
        if not text:
            return None
        user = self._users().get(text)
        if user is None or user.role not in roles:
            raise BadValue(_("no active user with this username may take this"))
        return user

    def _users(self) -> dict[str, User]:
        if not hasattr(self, "_user_map"):
            self._user_map = {u.username: u for u in User.objects.filter(is_active=True)}
        return self._user_map


def score(model, column: str):
    """A converter for a 1-5 score column."""

    def convert(self, text: str) -> dict:
        if not text:
            return {}
        number = self.format.number(text)
        if number != number.to_integral_value():
            raise BadValue(_("is not a whole number from 1 to 5"))
        return {column: field_value(model, column, int(number))}

    return convert
