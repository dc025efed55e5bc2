"""The SQLite half of "a tree cannot loop" (account groups, reporting lines): triggers that
walk up from the new parent and refuse when they meet the row itself. PostgreSQL gets
its triggers from migrations 0011 and 0015 and keeps them; SQLite drops a table's
triggers whenever a migration rebuilds that table (most AlterFields do), so these are
(re)created after every migrate instead, and a check after the build would notice a
missing one (tests/accounts/test_group_cycles.py)."""

from django.db import connections

# The texts the database's refusals carry (accounts.models.accounts reads them).
GROUP_CYCLE = "account_group_cycle"
REPORTING_CYCLE = "stakeholder_reporting_cycle"

_TREES = [
    # (trigger name stem, table, parent column, refusal text, also on insert)
    ("account_group_no_cycle", "accounts_account", "parent_id", GROUP_CYCLE, True),
    (
        "stakeholder_no_reporting_cycle",
        "accounts_stakeholder",
        "reports_to_id",
        REPORTING_CYCLE,
        False,
    ),
]


def _walk(table: str, column: str, refusal: str) -> str:
    return f"""BEGIN
  SELECT RAISE(ABORT, '{refusal}') WHERE EXISTS (
    WITH RECURSIVE up(id) AS (
      SELECT NEW.{column}
      UNION
      SELECT t.{column} FROM {table} t JOIN up ON t.id = up.id WHERE t.{column} IS NOT NULL
    )
    SELECT 1 FROM up WHERE id = NEW.id
  );
END"""


def sqlite_statements() -> list[str]:
    statements = []
    for stem, table, column, refusal, on_insert in _TREES:
        body = f" WHEN NEW.{column} IS NOT NULL " + _walk(table, column, refusal)
        statements.append(
            f"CREATE TRIGGER IF NOT EXISTS {stem}_update AFTER UPDATE OF {column} ON {table}" + body
        )
        if on_insert:
            statements.append(
                f"CREATE TRIGGER IF NOT EXISTS {stem}_insert AFTER INSERT ON {table}" + body
            )
    return statements


def ensure_sqlite_triggers(using: str = "default", **kwargs) -> None:
    """post_migrate: put back what a table rebuild took away."""
    connection = connections[using]
    if connection.vendor != "sqlite":
        return
    with connection.cursor() as cursor:
        for statement in sqlite_statements():
            cursor.execute(statement)
