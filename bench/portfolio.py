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
