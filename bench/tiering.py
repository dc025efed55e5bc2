"""Benchmark: nightly tiering against the floor any tiering stands on.

Builds a portfolio in its own PostgreSQL database (default 100,000 accounts and 5,000,000
revenue lines; --quick: 10,000 and 500,000), VACUUM ANALYZEs it, then times in the same
run, each the median of --repeat:

- the floor: tiering's own revenue sums (per account and month, then per account, over
  both 12-month windows) computed on the server, no row going to Python;
- the floor with the writes: the same sums stored as one snapshot per account (replacing
  the as-of date's) and copied onto the accounts, with no classification, committed;
- `recompute_tiers` itself;
- the Settings page's preview of other thresholds (the same classification, counted);
- DuckDB (pyproject's `bench` extra: .venv/bin/pip install duckdb) classifying the same
  lines by the same rules from a CSV export, in floats, its export and load timed apart.

Prints each figure, its ratio to the floor and the process's peak memory (taken before
DuckDB, which holds the lines in the same process). Usage: make bench [BENCH_ARGS=--quick]
"""

import argparse
import importlib.util
import os
import re
import resource
import statistics
import tempfile
import time
from collections.abc import Callable
from datetime import date
from pathlib import Path

from portfolio import DEFAULT_URL, build, recreate_database, setup_django

AS_OF = date(2026, 11, 23)

# The rules of accounts.tiering_sql.CLASSIFY in DuckDB's dialect, in floats: a columnar
# engine's time for the same work, not a second source of truth.
DUCKDB_CLASSIFY = """
CREATE OR REPLACE TABLE snapshots AS
WITH monthly AS (
    SELECT account_id, date_trunc('month', date) AS month, SUM(amount) AS total
    FROM lines WHERE date >= $previous_start AND date < $m12 GROUP BY ALL
), sums AS (
    SELECT account_id,
           SUM(total) FILTER (WHERE month >= $m0) AS revenue,
           SUM(total) FILTER (WHERE month < $m0) AS previous,
           SUM(total) FILTER (WHERE month >= $recent_start) AS recent,
           SUM(total * total) FILTER (WHERE month >= $m0) AS squares
    FROM monthly GROUP BY ALL
), earlier AS (
    SELECT DISTINCT account_id FROM lines WHERE date < $previous_start AND raw > 0
), figures AS (
    SELECT a.id, a.external_id, COALESCE(s.revenue, 0) AS revenue,
           COALESCE(s.previous, 0) AS previous, COALESCE(s.recent, 0) AS recent,
           GREATEST(COALESCE(a.potential, 0), s.revenue, 0) AS potential,
           12 * COALESCE(s.squares, 0) - COALESCE(s.revenue, 0) ^ 2 AS spread,
           e.account_id IS NOT NULL AS bought_earlier
    FROM accounts a LEFT JOIN sums s ON s.account_id = a.id
    LEFT JOIN earlier e ON e.account_id = a.id
), ranked AS (
    SELECT *,
           SUM(revenue) FILTER (WHERE revenue > 0) OVER (
               ORDER BY revenue DESC, external_id, id ROWS UNBOUNDED PRECEDING
           ) - revenue AS above,
           SUM(revenue) FILTER (WHERE revenue > 0) OVER () AS total,
           CASE WHEN revenue >= $contribution_high
                 AND NOT (potential > 0 AND revenue < $relative_min * potential) THEN 'high'
                WHEN revenue >= $contribution_medium THEN 'medium' ELSE 'low'
           END AS contribution,
           CASE WHEN potential >= $potential_high THEN 'high'
                WHEN potential >= $potential_medium THEN 'medium' ELSE 'low'
           END AS potential_level,
           CASE WHEN revenue <= 0 AND previous <= 0 AND NOT bought_earlier THEN 'prospect'
                WHEN recent <= 0 THEN 'lost'
                WHEN revenue < $kept_share * previous THEN 'at_risk' ELSE 'active'
           END AS status
    FROM figures
), classed AS (
    SELECT *,
           CASE WHEN contribution = 'high'
                THEN CASE WHEN potential_level = 'high' THEN 'A' ELSE 'B' END
                ELSE CASE WHEN potential_level = 'low' THEN 'D' ELSE 'C' END
           END AS nine_box
    FROM ranked
)
SELECT id, revenue, previous, recent, potential,
       CASE WHEN revenue > 0 THEN above / total END AS share_before,
       CASE WHEN revenue > 0 THEN sqrt(GREATEST(spread, 0) / revenue ^ 2) END AS cv,
       CASE WHEN revenue <= 0 OR above >= $abc_b_share * total THEN 'C'
            WHEN above >= $abc_a_share * total THEN 'B' ELSE 'A' END AS abc,
       CASE WHEN revenue <= 0 OR spread > $y_squared * revenue ^ 2 THEN 'Z'
            WHEN spread > $x_squared * revenue ^ 2 THEN 'Y' ELSE 'X' END AS xyz,
       contribution, potential_level, nine_box, status,
       CASE WHEN status = 'prospect' THEN 'acquire'
            WHEN status = 'lost' OR (status = 'at_risk' AND nine_box IN ('A', 'B'))
            THEN 'win_back'
            WHEN nine_box IN ('A', 'B') THEN 'retain'
            WHEN nine_box = 'C' THEN 'develop' ELSE 'wait_and_watch' END AS strategy
FROM classed
"""


def timed(action: Callable[[], object]) -> float:
    started = time.perf_counter()
    action()
    return time.perf_counter() - started


def vacuum() -> None:
    """What autovacuum does between two nightly runs: each run rewrites every account and
    a day's snapshots, and the dead rows would tax the next one."""
    from django.db import connection

    with connection.cursor() as cursor:
        cursor.execute("VACUUM ANALYZE accounts_account, accounts_tiersnapshot")


def floor(*, writes: bool) -> None:
    """Tiering's sums on the server, under the run's settings; with `writes`, stored as the
    snapshot rows and accounts a run writes (the as-of date's replaced) and committed, as a
    run's are: rolled back, it skipped the COMMIT (0.4-0.6 s at 100,000 accounts, the WAL
    of those rows flushed), a floor no run that keeps its result can reach. The verdicts
    written are the accounts' own, as a run that moves no account writes them: fixed ones
    ('D', 'lost') moved every account, and rewrote every index of the table, a floor three
    times the run it stood for. The run timed after it replaces its snapshots."""
    from django.db import connection, transaction

    from accounts.models import Thresholds
    from accounts.tiering import store_current
    from accounts.tiering_sql import SUMS, sql_params, tune

    params = sql_params(AS_OF, Thresholds.current())
    with transaction.atomic(), connection.cursor() as cursor:
        tune(cursor)
        if not writes:
            # Each sum counted: a bare count(*) would let the planner skip computing them.
            cursor.execute(
                f"""WITH {SUMS} SELECT count(revenue), count(previous), count(recent),
                        count(squares) FROM sums""",
                params,
            )
            cursor.fetchone()
            return
        cursor.execute("DELETE FROM accounts_tiersnapshot WHERE as_of = %(as_of)s", params)
        cursor.execute(
            f"""INSERT INTO accounts_tiersnapshot (account_id, as_of, revenue_12m,
                    revenue_previous_12m, revenue_last_6m, potential, abc, xyz,
                    contribution_level, potential_level, nine_box_class, status, strategy)
                WITH {SUMS}
                SELECT a.id, %(as_of)s, COALESCE(s.revenue, 0), COALESCE(s.previous, 0),
                       COALESCE(s.recent, 0), 0, a.abc, a.xyz, a.contribution_level,
                       a.potential_level, a.nine_box_class, a.status, a.strategy
                FROM accounts_account a LEFT JOIN sums s ON s.account_id = a.id""",
            params,
        )
        store_current(AS_OF)


def preview() -> None:
    """The Settings page's preview: the run's classification with other thresholds,
    counted by class and status instead of stored."""
    from decimal import Decimal

    from accounts.models import Thresholds
    from accounts.tiering import tiers_preview

    tighter = Thresholds(abc_a_share=0.7, potential_high=Decimal(15_000_000))
    tiers_preview(thresholds=tighter, as_of=AS_OF)


def recompute() -> None:
    from accounts.tiering import tiers_recompute

    tiers_recompute(as_of=AS_OF)


def duckdb_classify(folder: Path, repeat: int) -> tuple[float, float, list[float]]:
    """Export the lines and accounts to CSV, load them into DuckDB, classify `repeat`
    times: (export seconds, load seconds, classify seconds)."""
    import duckdb
    from django.db import connection

    from accounts.models import Thresholds
    from accounts.tiering_sql import sql_params

    exports = {
        "lines": """SELECT r.account_id, r.date, r.amount AS raw,
                           r.amount * c.rate_to_base AS amount
                    FROM accounts_revenueline r
                    JOIN accounts_currency c ON c.code = r.currency_id""",
        "accounts": """SELECT a.id, a.external_id, a.potential * c.rate_to_base AS potential
                       FROM accounts_account a
                       JOIN accounts_currency c ON c.code = a.currency_id""",
    }
    started = time.perf_counter()
    with connection.cursor() as cursor:
        for name, query in exports.items():
            with (
                (folder / f"{name}.csv").open("wb") as out,
                cursor.copy(f"COPY ({query}) TO STDOUT (FORMAT csv, HEADER)") as copy,
            ):
                for block in copy:
                    out.write(block)
    export = time.perf_counter() - started

    db = duckdb.connect()
    started = time.perf_counter()
    for name in exports:
        db.execute(
            f"CREATE TABLE {name} AS SELECT * FROM read_csv(?, header = true)",
            [str(folder / f"{name}.csv")],
        )
    load = time.perf_counter() - started
    params = {
        name: value if isinstance(value, date) else float(value)
        for name, value in sql_params(AS_OF, Thresholds.current()).items()
        if re.search(rf"\${name}\b", DUCKDB_CLASSIFY)  # DuckDB refuses unused ones
    }
    runs = [timed(lambda: db.execute(DUCKDB_CLASSIFY, params)) for _ in range(repeat)]
    return export, load, runs


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--quick", action="store_true", help="10,000 accounts, 500,000 lines")
    parser.add_argument("--accounts", type=int)
    parser.add_argument("--lines", type=int)
    parser.add_argument("--repeat", type=int, default=3, help="timed runs of each (median)")
    parser.add_argument(
        "--reuse", action="store_true", help="time the portfolio the last run built"
    )
    parser.add_argument("--no-duckdb", action="store_true", help="leave DuckDB out")
    args = parser.parse_args()
    accounts = args.accounts or (10_000 if args.quick else 100_000)
    lines = args.lines or (500_000 if args.quick else 5_000_000)
    url = os.environ.get("BENCH_DATABASE_URL", DEFAULT_URL)

    if not args.reuse:
        recreate_database(url)
    setup_django(url)
    from django.db import connection

    if not args.reuse:
        started = time.perf_counter()
        build(accounts, lines)
        print(f"built {accounts:,} accounts and {lines:,} revenue lines in "
              f"{time.perf_counter() - started:.1f} s")  # fmt: skip
        # Hint bits set and the visibility map written now, not during the first timing.
        with connection.cursor() as cursor:
            cursor.execute("VACUUM ANALYZE")
    if args.reuse:
        # What the database holds: the last build may have been another size, or another
        # benchmark's (bench/imports.py builds 10,000 accounts in the same database).
        from accounts.models import Account, RevenueLine

        accounts, lines = Account.objects.count(), RevenueLine.objects.count()
    recompute()  # the accounts carry a run's values from here on, as every night
    times: dict[str, list[float]] = {"floor": [], "writes": [], "recompute": [], "preview": []}
    for _ in range(args.repeat):
        for name, action in [
            ("floor", lambda: floor(writes=False)),
            ("writes", lambda: floor(writes=True)),
            ("recompute", recompute),
            ("preview", preview),
        ]:
            vacuum()
            times[name].append(timed(action))
    peak_mb = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    median = {name: statistics.median(runs) for name, runs in times.items()}
    base, writes = median["floor"], median["writes"]

    def show(label: str, seconds: float, goal: str = "") -> None:
        print(f"{label:<44} {seconds:6.2f} s  {seconds / base:5.2f}x floor  "
              f"{seconds / writes:5.2f}x floor+writes {goal}")  # fmt: skip

    print(f"median of {args.repeat}, {accounts:,} accounts, {lines:,} lines")
    show("floor: the sums on the server", base)
    show("floor + snapshot INSERT + account UPDATE", writes)
    show("recompute_tiers", median["recompute"], "(goal <= 1.3x floor+writes)")
    show("Settings preview of new thresholds", median["preview"])
    print(f"{'peak memory of this process':<44} {peak_mb:6.0f} MB (goal: flat, < 300 MB)")
    if args.no_duckdb:
        return
    if importlib.util.find_spec("duckdb") is None:
        print("DuckDB left out: not installed (.venv/bin/pip install duckdb)")
        return
    with tempfile.TemporaryDirectory() as folder:
        export, load, runs = duckdb_classify(Path(folder), args.repeat)
    show("DuckDB: classify the lines it holds", statistics.median(runs))
    show("DuckDB: its export to CSV (once)", export)
    show("DuckDB: its load of the CSV (once)", load)


if __name__ == "__main__":
    main()
