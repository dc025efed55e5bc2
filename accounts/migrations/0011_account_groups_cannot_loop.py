"""An account group is a tree whatever writes it: the database refuses a parent that sits
below the account (a form, an import's bulk update, the admin, two saves racing each
other), so no route can store a loop that would send a group walk round forever.

PostgreSQL: a trigger takes one transaction-level lock for all parent changes, then walks
up from the new parent with a fresh snapshot, so of two concurrent saves that together
close a loop, the second sees the first and is refused. SQLite writes one transaction at a
time, so the same walk needs no lock there."""

from django.db import migrations

CYCLE = "account_group_cycle"  # the error text views look for (accounts.services)

POSTGRESQL = f"""
CREATE FUNCTION account_refuse_group_cycle() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  PERFORM pg_advisory_xact_lock(hashtext('accounts_account.parent_id'));
  IF EXISTS (
    WITH RECURSIVE up(id) AS (
      SELECT NEW.parent_id
      UNION
      SELECT a.parent_id FROM accounts_account a JOIN up ON a.id = up.id
      WHERE a.parent_id IS NOT NULL
    )
    SELECT 1 FROM up WHERE id = NEW.id
  ) THEN
    RAISE EXCEPTION '{CYCLE}: account % cannot be part of itself', NEW.id
      USING ERRCODE = 'integrity_constraint_violation';
  END IF;
  RETURN NULL;
END $$;
CREATE TRIGGER account_group_no_cycle_update
  AFTER UPDATE OF parent_id ON accounts_account FOR EACH ROW
  WHEN (NEW.parent_id IS NOT NULL AND NEW.parent_id IS DISTINCT FROM OLD.parent_id)
  EXECUTE FUNCTION account_refuse_group_cycle();
CREATE TRIGGER account_group_no_cycle_insert
  AFTER INSERT ON accounts_account FOR EACH ROW
  WHEN (NEW.parent_id IS NOT NULL)
  EXECUTE FUNCTION account_refuse_group_cycle();
"""
POSTGRESQL_REVERSE = """
DROP TRIGGER account_group_no_cycle_update ON accounts_account;
DROP TRIGGER account_group_no_cycle_insert ON accounts_account;
DROP FUNCTION account_refuse_group_cycle();
"""


def _run(statements: dict):
    def run(apps, schema_editor):
        for sql in statements.get(schema_editor.connection.vendor, []):
            schema_editor.execute(sql, params=None)  # "%" in PL/pgSQL is no placeholder

    return run


class Migration(migrations.Migration):
    dependencies = [("accounts", "0010_versions_default_in_the_database")]

    operations = [
        migrations.RunPython(
            _run({"postgresql": [POSTGRESQL]}),
            _run({"postgresql": [POSTGRESQL_REVERSE]}),
        )
    ]
