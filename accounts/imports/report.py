"""What an import says back: every problem with its line, column, the value and what to
do, and what was (or would be) written."""

from collections.abc import Callable
from dataclasses import asdict, dataclass, field

from django.core.exceptions import ValidationError
from django.db import IntegrityError, models, transaction
from django.utils.translation import gettext as _

from .formats import shown


class Rollback(Exception):
    """Ends an import's transaction writing nothing: a dry run once every check (the
    database's too) ran, or a file with problems."""


class ChangedMeanwhile(Exception):
    """Rows someone changed in the app while the file was being checked: (line, id)."""

    def __init__(self, rows: list[tuple[int, str]]):
        self.rows = rows


def refuse_if_changed_meanwhile(model, read: dict, lines: dict) -> None:
    """Locks the stored rows the import will update and refuses, naming their lines, when
    any moved past the version the import read (a save in the app meanwhile): the
    import would put back what it read. `read`: key -> record as read; `lines`: key ->
    (line, id shown)."""
    if not read:
        return
    now = dict(
        model.objects.select_for_update()
        .filter(pk__in=[r.pk for r in read.values()])
        .values_list("pk", "version")
    )
    moved = [lines[key] for key, record in read.items() if now.get(record.pk) != record.version]
    if moved:
        raise ChangedMeanwhile(sorted(moved))


class BadValue(ValueError):
    """A cell's value the import cannot take; the message says why and what to do."""


@dataclass
class ImportReport:
    rows: int = 0
    created: int = 0
    updated: int = 0
    unchanged: int = 0
    # (line, column, value as shown, message); line 1 is the header, 0 the whole file.
    errors: list[tuple[int, str, str, str]] = field(default_factory=list)
    warnings: list[str] = field(default_factory=list)
    # Names the file uses that are not set up yet, by column (product_line, stage): an
    # admin can add the product lines from the report and import the file again.
    unknown: dict[str, list[str]] = field(default_factory=dict)
    file_format: str = ""
    dry_run: bool = False

    @classmethod
    def for_table(cls, table, dry_run: bool, *, noun: str) -> "ImportReport":
        """A report that names the file's format and the columns it will not import."""
        report = cls(dry_run=dry_run, file_format=table.format.describe())
        if table.mapped:
            report.warnings.append(
                _("Columns read as ours: %(pairs)s")
                % {"pairs": ", ".join(f"{source} → {column}" for source, column in table.mapped)}
            )
        if table.unknown:
            report.warnings.append(
                _("These columns are not %(noun)s fields and were not imported: %(columns)s")
                % {"noun": noun, "columns": ", ".join(table.unknown)}
            )
        return report

    def not_set_up(self, column: str, name: str) -> None:
        names = self.unknown.setdefault(column, [])
        if name not in names and len(names) < 100:
            names.append(name)

    @property
    def ok(self) -> bool:
        return not self.errors

    def error(self, line: int, message: str, column: str = "", value: str = "") -> None:
        self.errors.append((line, column, shown(value) if value else "", str(message)))

    def as_dict(self, keep: int) -> dict:
        """For the job's row: the first `keep` problems and the count of all."""
        kept = {**asdict(self), "ok": self.ok, "problems": len(self.errors)}
        kept["errors"] = [list(error) for error in sorted(self.errors)[:keep]]
        return kept


def field_value(model, name: str, value):
    """`value` as the model field stores it, checked by the field's own rules (length,
    digits, range, choices, blank); BadValue with Django's message otherwise."""
    model_field = model._meta.get_field(name)
    try:
        return model_field.clean(value, None)
    except ValidationError as error:
        raise BadValue(" ".join(error.messages)) from None


def choice(choices: type[models.Choices], text: str) -> str:
    """A choice written as its value or its label, in any case; "" for an empty cell."""
    if not text:
        return ""
    for value, label in choices.choices:
        if text.casefold() in (str(value).casefold(), str(label).casefold()):
            return value
    raise BadValue(_("unknown; use one of %(values)s") % {"values": ", ".join(choices.values)})


def write_or_refuse(
    report: ImportReport,
    write: Callable[[], None],
    *,
    dry_run: bool,
    refused: Callable[[Exception], bool] = lambda error: False,
    message: str = "",
) -> None:
    """Runs `write` in one transaction, rolled back for a dry run. An IntegrityError the
    `refused` test recognises (a loop the database refused) becomes the report's
    file-level problem, with nothing written."""
    try:
        with transaction.atomic():
            write()
            if dry_run:
                raise Rollback
    except Rollback:
        pass
    except ChangedMeanwhile as changed:
        for line, shown_id in changed.rows:
            report.error(
                line,
                _("was changed in the app while the file was checked; import the file again"),
                "external_id",
                shown_id,
            )
        report.created = report.updated = report.unchanged = 0
    except IntegrityError as error:
        if not refused(error):
            raise
        report.error(0, message)
        report.created = report.updated = report.unchanged = 0
