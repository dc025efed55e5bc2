"""Benchmark: import_revenue against the floor of any such import, COPY into a staging
table plus one INSERT ... ON CONFLICT, on the same file and database in one run.

Builds accounts in its own PostgreSQL database, writes a CSV of revenue lines with
references (default 1,000,000; --quick 100,000), then times (1) the floor, run by psycopg
directly, and (2) `manage.py import_revenue` in a child process, whose peak memory is
read from the kernel. Each starts from an empty revenue table. Usage: make bench
"""

import argparse
import os
import resource
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from portfolio import DEFAULT_URL, build, recreate_database, setup_django

ROOT = Path(__file__).resolve().parents[1]


def write_file(path: Path, lines: int) -> None:
    from accounts.models import Account

    ids = list(Account.objects.values_list("external_id", flat=True))
    with path.open("w") as out:
        out.write("account_external_id,date,amount,currency,external_ref\n")
        for i in range(lines):
            day = f"2026-{1 + i % 12:02d}-{1 + i % 28:02d}"
            out.write(f"{ids[i % len(ids)]},{day},{(i * 7919) % 100000}.{i % 100:02d},USD,R{i}\n")


def empty_revenue() -> None:
    from django.db import connection

    with connection.cursor() as cursor:
        cursor.execute("TRUNCATE accounts_revenueline")
        cursor.execute("VACUUM ANALYZE accounts_revenueline")


def time_floor(path: Path) -> float:
    """What the import must at least do: load the file and upsert it, all in SQL (the
    accounts looked up by a join, the text cast by the server)."""
    from django.db import connection

    connection.ensure_connection()
    raw = connection.connection
    started = time.perf_counter()
    with raw.transaction(), raw.cursor() as cursor:
        cursor.execute(
            "CREATE TEMP TABLE stage (account text, date date, amount numeric(18,2),"
            " currency text, ref text) ON COMMIT DROP"
        )
        with (
            path.open("rb") as data,
            cursor.copy("COPY stage FROM STDIN (FORMAT csv, HEADER true)") as copy,
        ):
            while chunk := data.read(1 << 20):
                copy.write(chunk)
        cursor.execute(
            """INSERT INTO accounts_revenueline
                   (account_id, external_ref, date, amount, currency_id)
               SELECT a.id, s.ref, s.date, s.amount, s.currency
               FROM stage s JOIN accounts_account a ON a.external_id = s.account
               ON CONFLICT (account_id, external_ref) DO UPDATE SET
                   date = excluded.date, amount = excluded.amount"""
        )
    return time.perf_counter() - started


def time_command(path: Path, url: str) -> tuple[float, float]:
    """(seconds, peak MB) of the import command in its own process."""
    env = {**os.environ, "DATABASE_URL": url, "DJANGO_SECRET_KEY": "bench"}
    started = time.perf_counter()
    subprocess.run(
        [sys.executable, "manage.py", "import_revenue", str(path)],
        cwd=ROOT,
        env=env,
        check=True,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    seconds = time.perf_counter() - started
    return seconds, resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss / 1024


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--quick", action="store_true", help="100,000 lines")
    parser.add_argument("--lines", type=int)
    args = parser.parse_args()
    lines = args.lines or (100_000 if args.quick else 1_000_000)
    url = os.environ.get("BENCH_DATABASE_URL", DEFAULT_URL)
    recreate_database(url)
    setup_django(url)
    build(10_000, 0)
    with tempfile.TemporaryDirectory() as folder:
        path = Path(folder) / "revenue.csv"
        write_file(path, lines)
        empty_revenue()
        floor = time_floor(path)
        empty_revenue()
        seconds, peak = time_command(path, url)
    print(f"revenue import of {lines:,} lines ({path.name}, with references):")
    print(f"floor, COPY to staging + one upsert: {floor:.1f} s")
    print(f"import_revenue:                      {seconds:.1f} s, ratio {seconds / floor:.2f}"
          " (goal <= 1.5)")  # fmt: skip
    print(f"import_revenue peak memory:          {peak:.0f} MB (goal < 300 MB)")


if __name__ == "__main__":
    main()
