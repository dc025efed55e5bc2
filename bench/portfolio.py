"""Builds benchmark portfolios in a PostgreSQL database of their own, set-based in SQL."""

import os
import sys
from pathlib import Path
from urllib.parse import urlsplit, urlunsplit

import psycopg

ROOT = Path(__file__).resolve().parents[1]
DEFAULT_URL = "postgres://postgres@127.0.0.1:5432/kamcrm_bench"


def recreate_database(url: str) -> None:
    parts = urlsplit(url)
    name = parts.path.lstrip("/")
    admin = urlunsplit(parts._replace(path="/postgres"))
    with psycopg.connect(admin, autocommit=True) as conn:
        conn.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
        conn.execute(f'CREATE DATABASE "{name}"')


def setup_django(url: str) -> None:
    os.environ["DATABASE_URL"] = url
    os.environ.setdefault("DJANGO_SECRET_KEY", "benchmark-only")
    os.environ.pop("REDIS_URL", None)
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "kamcrm.settings")
    sys.path.insert(0, str(ROOT))
    import django

    django.setup()


def build(accounts: int, lines: int, kams: int = 1) -> None:
    """`kams` KAMs in teams of ten, each team led by a director; accounts spread over them."""
    from django.core.management import call_command
    from django.db import connection

    call_command("migrate", verbosity=0)
    with connection.cursor() as cursor:
        teams = max(1, (kams + 9) // 10)
        cursor.execute(
            """INSERT INTO kamcrm_user (password, is_superuser, username, first_name, last_name,
                   email, is_staff, is_active, date_joined, role)
               SELECT '!', false, 'bench-director-' || t, '', '', '', false, true, now(),
                      'director'
               FROM generate_series(1, %s) AS t""",
            [teams],
        )
        cursor.execute(
            """INSERT INTO kamcrm_team (name, director_id)
               SELECT 'Team ' || t, u.id FROM generate_series(1, %s) AS t
               JOIN kamcrm_user u ON u.username = 'bench-director-' || t""",
            [teams],
        )
        cursor.execute(
            """INSERT INTO kamcrm_user (password, is_superuser, username, first_name, last_name,
                   email, is_staff, is_active, date_joined, role, team_id)
               SELECT '!', false, 'bench-kam-' || k, '', '', '', false, true, now(), 'kam',
                      (SELECT id FROM kamcrm_team WHERE name = 'Team ' || ((k - 1) / 10 + 1))
               FROM generate_series(1, %s) AS k""",
            [kams],
        )
        cursor.execute("SELECT min(id) FROM kamcrm_user WHERE role = 'kam'")
        first_kam = cursor.fetchone()[0]
        # Potential and revenue vary by account, so the classes and statuses vary too.
        cursor.execute(
            """INSERT INTO accounts_account (name, external_id, owner_id, currency_id, potential,
                   industry, country, website, account_type, is_strategic, description,
                   history, organisation, market, abc, xyz, nine_box_class, status, strategy,
                   contribution_level, potential_level, created_at, updated_at)
               SELECT 'Account ' || i, 'B' || lpad(i::text, 7, '0'), %s + (i %% %s), 'USD',
                      (i %% 50) * 1000000, '', '', '', '', false, '', '', '', '',
                      '', '', '', '', '', '', '', now(), now()
               FROM generate_series(1, %s) AS i""",
            [first_kam, kams, accounts],
        )
        cursor.execute("SELECT min(id) FROM accounts_account")
        first = cursor.fetchone()[0]
        cursor.execute(
            """INSERT INTO accounts_revenueline (account_id, date, amount, currency_id,
                   external_ref)
               SELECT %s + (i %% %s),
                      DATE '2024-10-01' + ((i * 7919) %% 790)::int,
                      ((i * 104729) %% 2000000) / 10.0 * (1 + (i %% %s) %% 50),
                      'USD', 'L' || i
               FROM generate_series(1::bigint, %s) AS i""",
            [first, accounts, accounts, lines],
        )
        cursor.execute("ANALYZE")


def add_relationships(fiscal_year: int) -> None:
    """What a lived-in portfolio holds beside revenue, so the dashboard's live widgets read
    real rows: per account five people, ten activities, three deals and a commitment; a
    plan (three people targets, a review, two actions) for every third account; win-back
    offers on the accounts at risk or lost. Then VACUUM ANALYZE, as autovacuum would."""
    from django.db import connection

    with connection.cursor() as cursor:
        # Loaded as a bulk load is, without row triggers (the audit trail's events, the
        # tree rules): at 100,000 accounts they made the 500,000 people take ten minutes,
        # and no timed page reads them.
        cursor.execute("SET session_replication_role = replica")
        cursor.execute(
            """INSERT INTO accounts_stakeholder (account_id, name, title, department, level,
                   email, phone, buying_role, attitude, relationship_closeness,
                   solution_acceptance, price_acceptance, notes)
               SELECT a.id, 'Person ' || p, '', 'Dept ' || (p % 3),
                      (ARRAY['operational','management','executive','owner'])[1 + p % 4],
                      '', '', (ARRAY['decision_maker','user','influencer',''])[1 + (a.id + p) % 4],
                      (ARRAY['supporter','neutral','opponent'])[1 + (a.id * p) % 3],
                      1 + (a.id + p) % 5, 1 + (a.id * p) % 5, 1 + p % 5, ''
               FROM accounts_account a, generate_series(1, 5) AS p"""
        )
        cursor.execute(
            """INSERT INTO accounts_activity (account_id, kind, date, summary, next_step,
                   created_by_id)
               SELECT a.id, 'meeting', current_date - ((a.id * 37 + n * 29) % 400)::int, '', '',
                      a.owner_id
               FROM accounts_account a, generate_series(1, 10) AS n"""
        )
        cursor.execute(
            """INSERT INTO accounts_opportunity (account_id, name, amount, probability,
                   expected_close, opportunity_type, close_reason, created_at, updated_at,
                   currency_id, owner_id, stage_id)
               SELECT a.id, 'Deal ' || n, 10000 * (1 + (a.id + n) % 90), 10 * (1 + n % 9),
                      current_date + ((a.id + n * 61) % 300)::int - 120,
                      (ARRAY['new_business','up_sell','cross_sell','renewal'])[1 + (a.id + n) % 4],
                      '', now(), now(), 'USD', a.owner_id,
                      (SELECT id FROM accounts_opportunitystage ORDER BY id
                       OFFSET (a.id + n) % 6 LIMIT 1)
               FROM accounts_account a, generate_series(1, 3) AS n"""
        )
        cursor.execute(
            """INSERT INTO accounts_commitment (account_id, what, due, owner_id)
               SELECT id, 'Send the proposal', current_date + (id % 60)::int - 20, owner_id
               FROM accounts_account"""
        )
        cursor.execute(
            """INSERT INTO plans_accountplan (account_id, fiscal_year, status, strategy,
                   strategy_reason, tactics, opportunities_to_cultivate,
                   opportunities_to_capture, contract_value_target, payments_target,
                   return_comment, version, created_at, updated_at)
               SELECT id, %s, (ARRAY['approved','approved','submitted','draft'])[1 + id %% 4],
                      '', '', '[]', 2, 1, 500000, 2000000, '', 1, now(), now()
               FROM accounts_account WHERE id %% 3 = 0""",
            [fiscal_year],
        )
        cursor.execute(
            """INSERT INTO plans_peopletarget (plan_id, stakeholder_id, target_closeness,
                   target_solution, target_price)
               SELECT p.id, s.id, 4, 4, 3
               FROM plans_accountplan p
               JOIN LATERAL (SELECT id FROM accounts_stakeholder
                             WHERE account_id = p.account_id ORDER BY id LIMIT 3) s ON true"""
        )
        cursor.execute(
            """INSERT INTO plans_quarterlyreview (plan_id, quarter, actuals, customer_changes,
                   adjustments, reviewed_at, reviewed_by_id)
               SELECT p.id, 1, '{}', '', '', now(), a.owner_id
               FROM plans_accountplan p JOIN accounts_account a ON a.id = p.account_id
               WHERE p.status = 'approved' AND p.id % 2 = 0"""
        )
        cursor.execute(
            """INSERT INTO plans_planaction (plan_id, what, due, status, owner_id)
               SELECT p.id, 'Action ' || n, current_date + ((p.id * n) % 90)::int - 45,
                      (ARRAY['open','done'])[1 + n % 2], a.owner_id
               FROM plans_accountplan p JOIN accounts_account a ON a.id = p.account_id,
                    generate_series(1, 2) AS n"""
        )
        cursor.execute(
            """INSERT INTO accounts_winbackaction (account_id, offer, note, outcome,
                   created_at, created_by_id)
               SELECT id, 'discount', '', 'pending', now(), owner_id
               FROM accounts_account WHERE status IN ('at_risk', 'lost')"""
        )
        cursor.execute("SET session_replication_role = DEFAULT")
        # Outside a transaction: Django runs in autocommit mode here.
        cursor.execute("VACUUM ANALYZE")


def add_group(units: int) -> None:
    """One group: the first account with `units` of the others as its units."""
    from django.db import connection

    with connection.cursor() as cursor:
        cursor.execute("SELECT min(id) FROM accounts_account")
        first = cursor.fetchone()[0]
        cursor.execute(
            "UPDATE accounts_account SET parent_id = %s WHERE id > %s AND id <= %s",
            [first, first, first + units],
        )
        cursor.execute("ANALYZE accounts_account")


def add_history(account_id: int, *, days: int = 90, months: int = 12) -> None:
    """The account's tier and health runs as a year of nightly runs leaves them once pruned
    (KAMCRM_DAILY_SNAPSHOT_DAYS): one a day for `days` days, then each month's last for
    `months` months, each a copy of its latest run. The page timed reads its history (the
    tier panel's menu of runs, the month-by-month lines), which one run would flatter."""
    from django.db import connection

    with connection.cursor() as cursor:
        for table in ("accounts_tiersnapshot", "health_healthscore"):
            columns = _run_columns(cursor, table)
            cursor.execute(
                f"""INSERT INTO {table} (as_of, {columns})
                    SELECT day, {columns} FROM {table} latest,
                      (SELECT (max(as_of) - n)::date AS day FROM {table}, generate_series(1, %s) n
                        WHERE account_id = %s GROUP BY n
                       UNION
                       SELECT (date_trunc('month', max(as_of) - %s) - make_interval(months => m)
                               + interval '1 month - 1 day')::date
                       FROM {table}, generate_series(0, %s) m WHERE account_id = %s GROUP BY m
                      ) runs
                    WHERE latest.account_id = %s
                      AND latest.as_of = (SELECT max(as_of) FROM {table} WHERE account_id = %s)
                      AND NOT EXISTS (SELECT 1 FROM {table} t WHERE t.account_id = %s
                                      AND t.as_of = runs.day)""",
                [days, account_id, days, months - 1, account_id, *[account_id] * 3],
            )
        cursor.execute("ANALYZE accounts_tiersnapshot")
        cursor.execute("ANALYZE health_healthscore")


def add_last_months_health() -> None:
    """Every account's health as the run of 30 days ago left it (a copy of its latest):
    the dashboard lists the scores that fell since, which nightly runs always give it."""
    from django.db import connection

    with connection.cursor() as cursor:
        columns = _run_columns(cursor, "health_healthscore")
        cursor.execute(
            f"""INSERT INTO health_healthscore (as_of, {columns})
                SELECT (as_of - 30)::date, {columns} FROM health_healthscore
                WHERE as_of = (SELECT max(as_of) FROM health_healthscore)
                ON CONFLICT DO NOTHING"""
        )
        cursor.execute("ANALYZE health_healthscore")


def _run_columns(cursor, table: str) -> str:
    """A table of runs' columns but its id and date, quoted, for copying a run's rows."""
    cursor.execute(
        "SELECT column_name FROM information_schema.columns WHERE table_name = %s "
        "AND column_name NOT IN ('id', 'as_of')",
        [table],
    )
    return ", ".join(f'"{name}"' for (name,) in cursor.fetchall())
