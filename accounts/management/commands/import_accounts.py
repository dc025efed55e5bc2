from django.core.management.base import CommandError

from accounts.imports.kinds import TYPES, Options
from kamcrm.models import Role, User

from ._import import ImportCommand


class Command(ImportCommand):
    kind = "accounts"

    def add_arguments(self, parser):
        super().add_arguments(parser)
        parser.add_argument("--owner", help="KAM who owns new accounts without owner_username")

    def run_import(self, table, *, dry_run, owner=None, **options):
        default_owner = None
        if owner:
            default_owner = User.objects.filter(username=owner, role=Role.KAM).first()
            if default_owner is None:
                raise CommandError(f"No KAM called {owner!r}.")
        return TYPES[self.kind].run(table, Options(default_owner=default_owner, dry_run=dry_run))
