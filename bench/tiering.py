"""Benchmark: nightly tiering against the bare SQL aggregation any tiering must do.

Builds a portfolio in its own PostgreSQL database (default 100,000 accounts and 5,000,000
revenue lines; --quick: 10,000 and 500,000), then times `recompute_tiers` and, in the
same run, one GROUP BY account and month over the same lines. Prints both, their ratio
and the process's peak memory. Usage: make bench [BENCH_ARGS=--quick]
"""

import argparse
import os
import resource
import statistics
import sys
import time
from datetime import date
from pathlib import Path
from urllib.parse import urlsplit, urlunsplit

import psycopg

ROOT = Path(__file__).resolve().parents[1]
DEFAULT_URL = "postgres://postgres@127.0.0.1:5432/kamcrm_bench"
AS_OF = date(2026, 11, 23)


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


def build(accounts: int, lines: int) -> None:
    from django.core.management import call_command
    from django.db import connection

    call_command("migrate", verbosity=0)
    with connection.cursor() as cursor:
        cursor.execute(
            """INSERT INTO kamcrm_user (password, is_superuser, username, first_name, last_name,
                   email, is_staff, is_active, date_joined, role)
               VALUES ('!', false, 'bench-kam', '', '', '', false, true, now(), 'kam')
               RETURNING id"""
        )
        owner = cursor.fetchone()[0]
        # Potential and revenue vary by account, so the classes and statuses vary too.
        cursor.execute(
            """INSERT INTO accounts_account (name, external_id, owner_id, currency_id, potential,
                   industry, country, website, account_type, is_strategic, description,
                   history, organisation, market, abc, xyz, nine_box_class, status, strategy,
                   created_at, updated_at)
               SELECT 'Account ' || i, 'B' || lpad(i::text, 7, '0'), %s, 'USD',
                      (i %% 50) * 1000000, '', '', '', '', false, '', '', '', '',
                      '', '', '', '', '', now(), now()
               FROM generate_series(1, %s) AS i""",
            [owner, accounts],
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


def time_bare_aggregation() -> float:
    from django.db import connection

    connection.ensure_connection()
    started = time.perf_counter()
    # A server-side cursor reads every row, as tiering must, without holding them all.
    with connection.connection.transaction(), connection.connection.cursor(name="bare") as cursor:
        cursor.execute(
            """SELECT account_id, date_trunc('month', date), SUM(amount)
               FROM accounts_revenueline
               WHERE date >= DATE '2024-11-01' AND date < DATE '2026-11-01'
               GROUP BY 1, 2"""
        )
        while cursor.fetchmany(10_000):
            pass
    return time.perf_counter() - started


def time_recompute() -> float:
    from accounts.tiering import tiers_recompute

    started = time.perf_counter()
    tiers_recompute(as_of=AS_OF)
    return time.perf_counter() - started


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--quick", action="store_true", help="10,000 accounts, 500,000 lines")
    parser.add_argument("--accounts", type=int)
    parser.add_argument("--lines", type=int)
    parser.add_argument("--repeat", type=int, default=3, help="timed runs of each (median)")
    parser.add_argument(
        "--reuse", action="store_true", help="time the portfolio the last run built"
    )
    args = parser.parse_args()
    accounts = args.accounts or (10_000 if args.quick else 100_000)
    lines = args.lines or (500_000 if args.quick else 5_000_000)
    url = os.environ.get("BENCH_DATABASE_URL", DEFAULT_URL)

    if not args.reuse:
        recreate_database(url)
    setup_django(url)
    if not args.reuse:
        started = time.perf_counter()
        build(accounts, lines)
        print(f"built {accounts:,} accounts and {lines:,} revenue lines in "
              f"{time.perf_counter() - started:.1f} s")  # fmt: skip
    bare, tiering = [], []
    for _ in range(args.repeat):
        bare.append(time_bare_aggregation())
        tiering.append(time_recompute())
    bare_median, tiering_median = statistics.median(bare), statistics.median(tiering)
    peak_mb = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    print(f"bare GROUP BY account, month: {bare_median:.2f} s (median of {args.repeat})")
    print(f"recompute_tiers:              {tiering_median:.2f} s (median of {args.repeat})")
    print(f"ratio:                        {tiering_median / bare_median:.2f} (goal <= 1.5)")
    print(f"peak memory of this process:  {peak_mb:.0f} MB (goal < 300 MB)")


if __name__ == "__main__":
    main()
