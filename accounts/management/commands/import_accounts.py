from django.core.management.base import CommandError

from accounts.imports import ACCOUNT_COLUMNS, import_accounts
from kamcrm.models import Role, User

from ._import import ImportCommand


class Command(ImportCommand):
    help = (
        "Import accounts from CSV: external_id, name, currency and optionally"
        " parent_external_id, potential, owner_username, industry, country, employees, website,"
        " account_type. All rows are checked first; any bad row imports none."
    )
    columns = ACCOUNT_COLUMNS

    def add_arguments(self, parser):
        super().add_arguments(parser)
        parser.add_argument("--owner", help="KAM who owns new accounts without owner_username")

    def run_import(self, table, *, dry_run, owner=None, **options):
        default_owner = None
        if owner:
            default_owner = User.objects.filter(username=owner, role=Role.KAM).first()
            if default_owner is None:
                raise CommandError(f"No KAM called {owner!r}.")
        return import_accounts(table, default_owner=default_owner, dry_run=dry_run)
