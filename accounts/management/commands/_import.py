"""What the import commands share: open the file as what it is (encoding and delimiter
detected, number and date formats given or detected), print the report, fail on errors."""

import io
from collections.abc import Callable
from pathlib import Path
from typing import IO

from django.core.management.base import BaseCommand, CommandError

from accounts.imports import AUTO, BadHeader, ImportReport, Table, decode
from accounts.imports.formats import DATE_FORMATS
from accounts.imports.kinds import TYPES, Options
from accounts.imports.reading import detect_encoding, header_of, process_objects_frozen
from accounts.models import ColumnMapping
from kamcrm import audit


class ImportCommand(BaseCommand):
    kind = ""  # a key of accounts.imports.kinds.TYPES
    # The system checks load every URL and view to check them: 0.7 s of every import,
    # for nothing it uses. The deploy runs them (`manage.py check --deploy`).
    requires_system_checks: list[str] = []

    def create_parser(self, prog_name, subcommand, **kwargs):
        columns = TYPES[self.kind].columns
        self.help = (
            f"Import {self.kind} from CSV: {', '.join(columns.required)}"
            + (f" and optionally {', '.join(columns.optional)}" if columns.optional else "")
            + ". Every row is checked first; any bad row imports none. Importing the same"
            " file again changes nothing."
        )
        return super().create_parser(prog_name, subcommand, **kwargs)

    def add_arguments(self, parser):
        parser.add_argument("file", type=Path, help="CSV or .xlsx file with a header row")
        parser.add_argument(
            "--dry-run", action="store_true", help="check every row and report; write nothing"
        )
        parser.add_argument(
            "--decimal",
            choices=[AUTO, ".", ","],
            default=AUTO,
            help="decimal separator of the numbers (default: detected; refused when unclear)",
        )
        parser.add_argument(
            "--date-format",
            choices=[AUTO, *DATE_FORMATS],
            default=AUTO,
            help="how dates are written (default: detected; refused when unclear)",
        )
        parser.add_argument(
            "--map",
            dest="pairs",
            action="append",
            default=[],
            metavar="FILE_COLUMN=OUR_COLUMN",
            help="a column of the file that stands for one of ours (repeat for each)",
        )

    def mapping(self, pairs: list[str]) -> dict[str, str]:
        """--map SOURCE=COLUMN, on top of the mappings remembered from uploads."""
        mapping = {}
        for pair in pairs:
            source, equals, column = pair.rpartition("=")
            if not equals or column not in TYPES[self.kind].columns.known:
                raise CommandError(
                    f"--map {pair!r}: write FILE_COLUMN=OUR_COLUMN, our columns being "
                    + ", ".join(TYPES[self.kind].columns.known)
                )
            mapping[source.strip()] = column
        return mapping

    def run_import(self, table: Table, *, dry_run: bool, **options) -> ImportReport:
        return TYPES[self.kind].run(table, Options(dry_run=dry_run, progress=self.progress))

    def handle(self, *args, **options):
        with process_objects_frozen():
            self.import_file(**options)

    def import_file(
        self, *, file: Path, dry_run: bool, decimal: str, date_format: str, pairs, **options
    ):
        given = self.mapping(pairs)
        opener: Callable[[], IO[str]]
        try:
            if file.suffix.lower() in (".xlsx", ".xlsm"):
                # A sheet holds at most about a million rows: converted in memory.
                text, encoding = decode(file.read_bytes(), file.name)
                opener = lambda: io.StringIO(text, newline="")  # noqa: E731
            else:
                with file.open("rb") as raw:
                    encoding = detect_encoding(iter(lambda: raw.read(1 << 20), b""))
                opener = lambda: file.open(newline="", encoding=encoding)  # noqa: E731
            columns = TYPES[self.kind].columns
            with opener() as stream:
                header = header_of(stream.readline(), columns)
            table = Table(
                opener,
                columns,
                encoding=encoding,
                decimal=decimal,
                date_format=date_format,
                mapping={**ColumnMapping.remembered(self.kind, header, columns.known), **given},
            )
            with audit.context(source="import", kind=self.kind):  # for the audit trail
                report = self.run_import(table, dry_run=dry_run, **options)
        except OSError as error:
            raise CommandError(f"Cannot read {file}: {error.strerror}") from None
        except BadHeader as error:
            raise CommandError(f"{file}: {error}") from None
        self.stderr.write(report.file_format)
        for warning in report.warnings:
            self.stderr.write(warning)
        for line, column, value, message in report.errors:
            where = f"line {line}" if line else "file"
            cell = " ".join(part for part in (column, value) if part)
            self.stderr.write(f"{where}, {cell}: {message}" if cell else f"{where}: {message}")
        if not report.ok:
            raise CommandError(
                f"{len(report.errors)} problem(s) in {report.rows} rows; nothing was imported."
            )
        if dry_run:
            self.stdout.write(f"Dry run: all {report.rows} rows are valid; nothing was written.")
        else:
            self.stdout.write(
                self.style.SUCCESS(
                    f"{report.rows} rows: {report.created} created, {report.updated} updated, "
                    f"{report.unchanged} unchanged."
                )
            )

    def progress(self, message: str) -> None:
        self.stderr.write(message)
