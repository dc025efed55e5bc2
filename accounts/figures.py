"""Keeps the account list's figures on each account (Account.list_*: revenue, open
pipeline, last contact, overdue promises, potential in the base currency, and for the
dashboards supporters at decision level) current: the accounts a write announces are
refreshed in the write's transaction; a change to everyone's (tiering, imports, rates,
the nightly run for the new day) refreshes them all. Either way one UPDATE ... FROM
grouped sums (never a subquery per account) writes them."""

from collections.abc import Callable
from datetime import date

from django.db import connection
from django.db.models import Count, Max, Sum
from django.dispatch import receiver
from django.utils import timezone

from kamcrm.signals import portfolio_changed
from kamcrm.sql import differs

from .models import Account, Activity, Commitment, Opportunity, RevenueLine, Stakeholder
from .models.money import base_amount
from .periods import add_months, trailing_window


def _calendar_year(today: date) -> date:
    return today.replace(month=1, day=1)


# Where the current fiscal year starts: the plans app, which keeps the fiscal year, tells
# (use_fiscal_year) at start-up; accounts know nothing of plans.
fiscal_year_start: Callable[[date], date] = _calendar_year


def use_fiscal_year(start: Callable[[date], date]) -> None:
    global fiscal_year_start
    fiscal_year_start = start


def _parts(today: date) -> dict:
    """Column -> (rows, aggregate, value when an account has no rows), per account. The
    rules are the models' own (an open deal, an overdue commitment), as the account page
    reads them."""
    start, end = trailing_window(today)
    year = fiscal_year_start(today)
    return {
        "list_revenue_12m": (
            RevenueLine.objects.filter(date__gte=start, date__lt=end),
            Sum(base_amount()),
            "0",
        ),
        "list_open_pipeline": (Opportunity.objects.open(), Sum(base_amount()), "0"),
        "list_revenue_fy": (
            RevenueLine.objects.filter(date__gte=year, date__lt=add_months(year, 12)),
            Sum(base_amount()),
            "0",
        ),
        "list_last_contact": (Activity.objects.filter(date__lte=today), Max("date"), "NULL"),
        "list_overdue_commitments": (Commitment.objects.overdue(today), Count("pk"), "0"),
        "list_decision_supporters": (
            Stakeholder.objects.decision_supporters(),
            Count("pk"),
            "0",
        ),
    }


def figures_refresh(account_ids=None, *, today: date | None = None) -> int:
    """Recompute the list figures of these accounts (None: every account's); returns how
    many changed. Only those are written: the figures are in the list's sort indexes, so
    rewriting all 100,000 accounts each night added 100,000 entries to each of them (an
    index five times its size after a few runs, a page asked for by number slower)."""
    today = today or timezone.localdate()
    quote = connection.ops.quote_name
    accounts = Account.objects.order_by()
    if account_ids is not None:
        account_ids = list(account_ids)
        accounts = accounts.filter(pk__in=account_ids)
    # The account's own figure (its potential in the base currency) comes with its id.
    sql, params = (
        accounts.annotate(base_potential=base_amount("potential"))
        .values("id", "base_potential")
        .query.sql_with_params()
    )
    parts = _parts(today)
    selects, joins, grouped_params = joined_per_account(
        [
            (
                (rows if account_ids is None else rows.filter(account_id__in=account_ids))
                .values("account_id")
                .annotate(**{column: aggregate}),
                {column: empty},
            )
            for column, (rows, aggregate, empty) in parts.items()
        ],
        on="a.id",
    )
    params = (*params, *grouped_params)
    table = quote(Account._meta.db_table)
    columns = (*parts, "list_potential")
    updates = ", ".join(f"{quote(c)} = f.{c}" for c in columns)
    # Each sum as the column keeps it (PostgreSQL rounds 12.3456 to 12.35 on the way in).
    changed = " OR ".join(
        differs(f"{table}.{quote(c)}", f"CAST(f.{c} AS {_db_type(c)})") for c in columns
    )
    with connection.cursor() as cursor:
        cursor.execute(
            f"UPDATE {table} SET {updates} FROM (SELECT a.id, "
            f"a.base_potential AS list_potential, {', '.join(selects)} "
            f"FROM ({sql}) a {' '.join(joins)}) f WHERE {table}.id = f.id AND ({changed})",
            params,
        )
        return cursor.rowcount


def _db_type(column: str) -> str:
    return Account._meta.get_field(column).db_type(connection) or ""


def joined_per_account(groups: list, *, on: str) -> tuple[list[str], list[str], list]:
    """SQL adding per-account sums to a query over accounts (these figures, the nightly
    health facts): for each (rows grouped by account_id with their value columns, column
    -> SQL for an account without rows), a LEFT JOIN on the outer query's `on` column and
    each value, the empty one where there are no rows. Returns (selects, joins, params),
    the params in the joins' order."""
    selects: list[str] = []
    joins: list[str] = []
    params: list = []
    for number, (rows, empty) in enumerate(groups):
        sql, rows_params = rows.order_by().query.sql_with_params()
        joins.append(f"LEFT JOIN ({sql}) g{number} ON g{number}.account_id = {on}")
        params += rows_params
        selects += [
            f"COALESCE(g{number}.{column}, {value}) AS {column}" for column, value in empty.items()
        ]
    return selects, joins, params


@receiver(portfolio_changed, dispatch_uid="accounts-list-figures")
def _portfolio_changed(sender, owner_ids=None, account_ids=(), scores_only=False, **kwargs):
    """Writes on accounts refresh those; a change to everyone's refreshes all. A change of
    owners alone (a hand-over) or of scores alone moves no figure."""
    if scores_only:
        return
    if owner_ids is None and not account_ids:
        figures_refresh()
    elif account_ids:
        figures_refresh(account_ids)
