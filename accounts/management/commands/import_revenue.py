from accounts.imports import REVENUE_COLUMNS, import_revenue

from ._import import ImportCommand


class Command(ImportCommand):
    help = (
        "Import revenue lines from CSV: account_external_id, date, amount, currency"
        " and optionally external_ref, product_line. All rows are checked first; any bad row"
        " imports none. Re-importing the same file changes nothing."
    )
    columns = REVENUE_COLUMNS

    def run_import(self, table, *, dry_run, **options):
        return import_revenue(table, dry_run=dry_run, progress=self.progress)
