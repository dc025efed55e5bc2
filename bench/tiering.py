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
import time
from datetime import date

from portfolio import DEFAULT_URL, build, recreate_database, setup_django

AS_OF = date(2026, 11, 23)


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
