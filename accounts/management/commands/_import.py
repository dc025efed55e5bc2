"""What the two import commands share: open the file, print the row report, fail on errors."""

from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from accounts.imports import BadHeader, ImportReport, read_csv


class ImportCommand(BaseCommand):
    columns: list[str] = []

    def add_arguments(self, parser):
        parser.add_argument("file", type=Path, help="CSV file with a header row")
        parser.add_argument(
            "--dry-run", action="store_true", help="check every row and report; write nothing"
        )

    def run_import(self, rows, **options) -> ImportReport:
        raise NotImplementedError

    def handle(self, *args, file: Path, dry_run: bool, **options):
        try:
            with file.open(newline="", encoding="utf-8-sig") as stream:
                report = self.run_import(read_csv(stream, self.columns), dry_run=dry_run, **options)
        except OSError as error:
            raise CommandError(f"Cannot read {file}: {error.strerror}") from None
        except BadHeader as error:
            raise CommandError(f"{file}: {error}") from None
        for line, message in report.errors:
            self.stderr.write(f"line {line}: {message}")
        if not report.ok:
            raise CommandError(
                f"{len(report.errors)} problem(s) in {report.rows} rows; nothing was imported."
            )
        if dry_run:
            self.stdout.write(f"Dry run: all {report.rows} rows are valid; nothing was written.")
        else:
            self.stdout.write(
                self.style.SUCCESS(
                    f"{report.rows} rows: {report.created} created, {report.updated} updated."
                )
            )

    def progress(self, message: str) -> None:
        self.stderr.write(message)
