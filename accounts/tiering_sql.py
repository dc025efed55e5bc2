"""Tiering's rules (accounts/tiering.py) as one PostgreSQL statement: SUMS adds up each
account's revenue in the base currency and CLASSIFY turns those sums into the snapshots it
inserts, so no row travels to Python. The rules are the same as the Python ones SQLite
runs, compared the same exact way (tests/accounts/test_tiering_paths.py checks that both
store the same snapshots); a change to one is a change to both.
"""

from datetime import date
from decimal import Decimal

from django.db import connection

from .models import Thresholds
from .periods import add_months, trailing_window


def _each_month(template: str, joiner: str = ",\n           ") -> str:
    return joiner.join(template.format(k=k, n=k + 1) for k in range(12))


# Revenue per account in the base currency: the window's twelve monthly totals, the
# previous window's and the last months' sums. Grouped by account (and currency, whose
# rate multiplies the sums) with a column per month, not by account and month: 2.4 million
# groups at 100,000 accounts take three times as long even in memory. Summed in whole
# cents (bigint, exact for two decimals), whose sums take less than half numeric's
# memory (150 MB at 100,000 accounts, within tune's work_mem, where numeric's 350 MB
# spilled to disk). Materialized, so the twelve-term sums are added once, not again
# wherever the classification inlines `revenue`. The benchmark times this alone, as the
# floor.
SUMS = f"""
billed AS (
    SELECT account_id, currency_id,
           {_each_month("SUM(cents) FILTER (WHERE date >= %(m{k})s AND date < %(m{n})s) AS m{k}")},
           SUM(cents) FILTER (WHERE date < %(m0)s) AS previous,
           SUM(cents) FILTER (WHERE date >= %(recent_start)s) AS recent
    FROM (SELECT account_id, currency_id, date, (amount * 100)::bigint AS cents
          FROM accounts_revenueline
          WHERE date >= %(previous_start)s AND date < %(m12)s) line
    GROUP BY account_id, currency_id
), monthly AS (
    SELECT b.account_id,
           {_each_month("COALESCE(SUM(b.m{k} * c.rate_to_base), 0) * 0.01 AS m{k}")},
           SUM(b.previous * c.rate_to_base) * 0.01 AS previous,
           SUM(b.recent * c.rate_to_base) * 0.01 AS recent
    FROM billed b JOIN accounts_currency c ON c.code = b.currency_id
    GROUP BY b.account_id
), sums AS MATERIALIZED (
    SELECT account_id, previous, recent,
           {_each_month("m{k}", " + ")} AS revenue,
           {_each_month("m{k} * m{k}", " + ")} AS squares
    FROM monthly
)"""


# The rules of abc_classes, xyz_class and verdict in one statement (CLASSIFY stores it).
# The window sum runs over the earning accounts, which the ranking puts first; the share
# and the CV are divided at 30 and more decimal places so that, as floats, they round as
# Python's 28 significant digits do. The EXISTS is evaluated only for accounts with no
# revenue in either window, the only ones it can make prospects.
VERDICTS = f"""
WITH {SUMS}, figures AS (
    SELECT a.id, a.external_id, COALESCE(s.revenue, 0) AS revenue,
           COALESCE(s.previous, 0) AS previous, COALESCE(s.recent, 0) AS recent,
           GREATEST(COALESCE(a.potential * c.rate_to_base, 0), s.revenue, 0) AS potential,
           COALESCE(s.squares, 0) AS squares
    FROM accounts_account a JOIN accounts_currency c ON c.code = a.currency_id
    LEFT JOIN sums s ON s.account_id = a.id
), ranked AS (
    SELECT f.*, revenue * revenue AS square, 12 * squares - revenue * revenue AS spread,
           SUM(revenue) FILTER (WHERE revenue > 0) OVER (
               ORDER BY revenue DESC, external_id COLLATE "C", id ROWS UNBOUNDED PRECEDING
           ) - revenue AS above,
           SUM(revenue) FILTER (WHERE revenue > 0) OVER () AS total,
           CASE WHEN revenue >= %(contribution_high)s
                 AND NOT (potential > 0 AND revenue < %(relative_min)s * potential)
                THEN 'high'
                WHEN revenue >= %(contribution_medium)s THEN 'medium' ELSE 'low'
           END AS contribution,
           CASE WHEN potential >= %(potential_high)s THEN 'high'
                WHEN potential >= %(potential_medium)s THEN 'medium' ELSE 'low'
           END AS potential_level,
           CASE WHEN revenue <= 0 AND previous <= 0 AND NOT EXISTS (
                    SELECT FROM accounts_revenueline e
                    WHERE e.account_id = f.id AND e.date < %(previous_start)s AND e.amount > 0
                ) THEN 'prospect'
                WHEN recent <= 0 THEN 'lost'
                WHEN revenue < %(kept_share)s * previous THEN 'at_risk'
                ELSE 'active'
           END AS status
    FROM figures f
), classed AS (
    SELECT r.*,
           CASE WHEN contribution = 'high'
                THEN CASE WHEN potential_level = 'high' THEN 'A' ELSE 'B' END
                ELSE CASE WHEN potential_level = 'low' THEN 'D' ELSE 'C' END
           END AS nine_box
    FROM ranked r
)
SELECT id AS account_id, %(as_of)s, revenue, previous, recent,
       CASE WHEN revenue > 0 THEN (round(above, 30) / total)::float8 END,
       CASE WHEN revenue > 0
            THEN sqrt(round(GREATEST(spread, 0), 34) / square)::float8 END,
       potential,
       CASE WHEN revenue <= 0 OR above >= %(abc_b_share)s * total THEN 'C'
            WHEN above >= %(abc_a_share)s * total THEN 'B' ELSE 'A'
       END AS abc,
       CASE WHEN revenue <= 0 OR spread > %(y_squared)s * square THEN 'Z'
            WHEN spread > %(x_squared)s * square THEN 'Y' ELSE 'X'
       END AS xyz,
       contribution, potential_level, nine_box AS nine_box_class, status,
       CASE WHEN status = 'prospect' THEN 'acquire'
            WHEN status = 'lost' OR (status = 'at_risk' AND nine_box IN ('A', 'B'))
            THEN 'win_back'
            WHEN nine_box IN ('A', 'B') THEN 'retain'
            WHEN nine_box = 'C' THEN 'develop'
            ELSE 'wait_and_watch'
       END
FROM classed
"""

CLASSIFY = f"""
INSERT INTO accounts_tiersnapshot (account_id, as_of, revenue_12m, revenue_previous_12m,
    revenue_last_6m, share_before, coefficient_of_variation, potential, abc, xyz,
    contribution_level, potential_level, nine_box_class, status, strategy)
{VERDICTS}"""

# What CLASSIFY would store, counted by each account's class, status, ABC and XYZ now and
# then, without storing it: the settings page's preview of new thresholds.
MOVES = f"""
SELECT a.nine_box_class, v.nine_box_class, a.status, v.status, a.abc, v.abc, a.xyz, v.xyz,
       COUNT(*)
FROM ({VERDICTS}) v JOIN accounts_account a ON a.id = v.account_id
WHERE a.nine_box_class <> v.nine_box_class OR a.status <> v.status OR a.abc <> v.abc
   OR a.xyz <> v.xyz
GROUP BY 1, 2, 3, 4, 5, 6, 7, 8
"""


def sql_params(as_of: date, t: Thresholds) -> dict[str, date | Decimal]:
    """SUMS' and CLASSIFY's parameters: the windows, and the thresholds as exact decimals."""
    start, end = trailing_window(as_of)  # end is m12

    def exact(value: float) -> Decimal:
        return Decimal(str(value))

    return {
        "as_of": as_of,
        **{f"m{k}": add_months(start, k) for k in range(13)},
        "previous_start": add_months(start, -12),
        "recent_start": add_months(end, -t.lost_after_months),
        "abc_a_share": exact(t.abc_a_share),
        "abc_b_share": exact(t.abc_b_share),
        "x_squared": exact(t.xyz_x_cv) ** 2,
        "y_squared": exact(t.xyz_y_cv) ** 2,
        "contribution_high": t.contribution_high,
        "contribution_medium": t.contribution_medium,
        "relative_min": exact(t.relative_contribution_min),
        "potential_high": t.potential_high,
        "potential_medium": t.potential_medium,
        "kept_share": 1 - exact(t.at_risk_drop),
    }


def classify_in_sql(as_of: date, t: Thresholds) -> int:
    """CLASSIFY, on PostgreSQL; returns how many accounts were stored."""
    with connection.cursor() as cursor:
        tune(cursor)
        cursor.execute(CLASSIFY, sql_params(as_of, t))
        return cursor.rowcount


def tune(cursor) -> None:
    """The transaction's settings for SUMS: room for the sums of 100,000 accounts and more
    in memory (a hash may take twice work_mem), and no JIT, whose compiling of the many
    expressions took a second at that size, longer than it saved."""
    cursor.execute("SET LOCAL work_mem = '128MB'")
    cursor.execute("SET LOCAL jit = off")


def moves_in_sql(as_of: date, t: Thresholds) -> list[tuple]:
    """MOVES, on PostgreSQL: (class, status, ABC and XYZ, each now and then; accounts)."""
    with connection.cursor() as cursor:
        tune(cursor)
        cursor.execute(MOVES, sql_params(as_of, t))
        return cursor.fetchall()
