"""Indexes for searching by part of a name (the account list's search, the navbar's):
trigram indexes on the upper-cased text Django's icontains compares, PostgreSQL's alone
(pg_trgm); where the extension cannot be created, search still works, by a scan."""

from django.db import DatabaseError, migrations, transaction

TRIGRAMS = {
    "account_name_trgm": ("accounts_account", "name"),
    "stakeholder_name_trgm": ("accounts_stakeholder", "name"),
    "stakeholder_title_trgm": ("accounts_stakeholder", "title"),
    "opportunity_name_trgm": ("accounts_opportunity", "name"),
}
# And the ids and e-mails searched for exactly, in any case (iexact): UPPER(x) = UPPER(y).
UPPER = {
    "account_external_id_upper": ("accounts_account", "external_id"),
    "stakeholder_email_upper": ("accounts_stakeholder", "email"),
    "opportunity_external_id_upper": ("accounts_opportunity", "external_id"),
}


def create(apps, schema_editor):
    if schema_editor.connection.vendor != "postgresql":
        return
    for name, (table, column) in UPPER.items():
        schema_editor.execute(f"CREATE INDEX IF NOT EXISTS {name} ON {table} (UPPER({column}))")
    try:
        with transaction.atomic():
            schema_editor.execute("CREATE EXTENSION IF NOT EXISTS pg_trgm")
    except DatabaseError:
        return
    for name, (table, column) in TRIGRAMS.items():
        schema_editor.execute(
            f"CREATE INDEX IF NOT EXISTS {name} ON {table} "
            f"USING gin (UPPER({column}::text) gin_trgm_ops)"
        )


def drop(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        for name in (*TRIGRAMS, *UPPER):
            schema_editor.execute(f"DROP INDEX IF EXISTS {name}")


class Migration(migrations.Migration):
    dependencies = [("accounts", "0024_account_list_potential")]

    operations = [migrations.RunPython(create, drop)]
