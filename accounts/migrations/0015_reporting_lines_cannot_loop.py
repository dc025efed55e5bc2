"""Reporting lines are a tree whatever writes them, as account groups are (0011): the
bulk people editor saves many rows at once, each checked alone by the form, and an
import sets bosses in bulk; the database refuses a boss who reports to the person.
SQLite's trigger is made after every migrate (accounts/tree_rules.py)."""

from django.db import migrations

CYCLE = "stakeholder_reporting_cycle"  # the error text views look for

WALK = """
    WITH RECURSIVE up(id) AS (
      SELECT NEW.reports_to_id
      UNION
      SELECT s.reports_to_id FROM accounts_stakeholder s JOIN up ON s.id = up.id
      WHERE s.reports_to_id IS NOT NULL
    )
    SELECT 1 FROM up WHERE id = NEW.id
"""
POSTGRESQL = f"""
CREATE FUNCTION stakeholder_refuse_reporting_cycle() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  PERFORM pg_advisory_xact_lock(hashtext('accounts_stakeholder.reports_to_id'));
  IF EXISTS ({WALK}) THEN
    RAISE EXCEPTION '{CYCLE}: person % cannot report to themselves', NEW.id
      USING ERRCODE = 'integrity_constraint_violation';
  END IF;
  RETURN NULL;
END $$;
CREATE TRIGGER stakeholder_no_reporting_cycle
  AFTER UPDATE OF reports_to_id ON accounts_stakeholder FOR EACH ROW
  WHEN (NEW.reports_to_id IS NOT NULL AND NEW.reports_to_id IS DISTINCT FROM OLD.reports_to_id)
  EXECUTE FUNCTION stakeholder_refuse_reporting_cycle();
"""
POSTGRESQL_REVERSE = """
DROP TRIGGER stakeholder_no_reporting_cycle ON accounts_stakeholder;
DROP FUNCTION stakeholder_refuse_reporting_cycle();
"""


def _run(statements: dict):
    def run(apps, schema_editor):
        if sql := statements.get(schema_editor.connection.vendor):
            schema_editor.execute(sql, params=None)  # "%" in PL/pgSQL is no placeholder

    return run


class Migration(migrations.Migration):
    dependencies = [("accounts", "0014_external_ids_for_people_deals_activities")]

    operations = [
        migrations.RunPython(
            _run({"postgresql": POSTGRESQL}),
            _run({"postgresql": POSTGRESQL_REVERSE}),
        )
    ]
