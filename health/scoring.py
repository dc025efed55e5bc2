"""The nightly health score, set-based: one INSERT ... SELECT stores every account's facts
for the night, one UPDATE scores the parts from them, one more weighs the parts into the
score, and one copies it onto the accounts. A run is one transaction and replaces its
own date's scores, as tiering does.

The parts, each 0-100 (README, "Account health"):
- revenue trend: the last 12 months against the 12 before; a fall as deep as tiering's
  "at risk" drop scores 0, growth of GROWTH_FULL or more 100, linear between (flat is 75);
  new revenue 100; no revenue in either window: does not apply.
- supporters at decision level (decision-maker or economic buyer, or executive/owner
  level): none 0, one 50, two or more 100.
- closeness at decision level: those people's mean overall closeness, 1 -> 0, 5 -> 100;
  nobody at decision level: does not apply (the part above already scores that).
- contact freshness: last activity within the class's contact rhythm 100, within 1.5x 50,
  within 2x 25, later or never 0.
- plan and reviews (this fiscal year): approved and its reviews on time 100, approved but
  a review overdue 50, submitted 40, draft 25; none: 0 for class A and C (004 expects a
  plan), does not apply otherwise.
- promises kept on time: no open commitment overdue 100, one 50, more 0.
- pipeline coverage: weighted open pipeline against a quarter of the last 12 months'
  revenue, capped at 100; without revenue, any weighted pipeline 100, none: does not apply.
"""

from collections import defaultdict
from dataclasses import dataclass
from datetime import date, timedelta
from decimal import Decimal

from django.db import connection, transaction
from django.db.models import (
    Avg,
    Case,
    Count,
    F,
    FloatField,
    IntegerField,
    Max,
    OuterRef,
    Q,
    QuerySet,
    Subquery,
    Sum,
    Value,
    When,
)
from django.db.models.functions import Cast, Coalesce, Floor
from django.db.models.lookups import GreaterThan, GreaterThanOrEqual
from django.urls import reverse

from accounts.figures import joined_per_account
from accounts.models import (
    Account,
    Activity,
    Attitude,
    Commitment,
    Opportunity,
    Stakeholder,
    Thresholds,
)
from accounts.models.money import MONEY_SUM, weighted_amount
from accounts.snapshots import run_on_or_before
from kamcrm import audit
from kamcrm.models import Notification
from kamcrm.signals import announce_portfolio_change
from kamcrm.sql import differs
from plans.models import AccountPlan, PlanSettings, PlanStatus, QuarterlyReview

from .models import HealthScore, HealthWeights

GROWTH_FULL = Decimal("0.1")
# Names a digest lists of the accounts that dropped a band; the bell links to the rest.
DIGEST_NAMES = 3
CLASSES = ("A", "B", "C", "D", "")


@dataclass
class HealthRun:
    as_of: date
    accounts: int
    dropped: int


def _own(as_of: date, t: Thresholds, plans: PlanSettings) -> dict:
    """Column -> expression on the account row itself."""
    _due, overdue_reviews = plans.reviews_expected(plans.fiscal_year_of(as_of), as_of)
    return {
        "account_id": F("pk"),
        "nine_box_class": F("nine_box_class"),
        "revenue_12m": F("tier_revenue_12m"),
        "revenue_previous_12m": F("tier_revenue_previous_12m"),
        "contact_rhythm": Case(
            *[When(nine_box_class=c, then=Value(t.rhythm_for(c))) for c in CLASSES],
            output_field=IntegerField(),
        ),
        "reviews_expected": Value(overdue_reviews),
    }


def _grouped(as_of: date, plans: PlanSettings) -> list[tuple[QuerySet, dict[str, str]]]:
    """The facts summed from other tables: (rows grouped by account_id with their values,
    column -> the SQL for an account with no rows)."""
    year = plans.fiscal_year_of(as_of)
    supporter = Q(attitude=Attitude.SUPPORTER)
    weighted = Sum(weighted_amount(), output_field=MONEY_SUM)
    return [
        (
            Stakeholder.objects.at_decision_level()
            .values("account_id")
            .annotate(
                supporters=Count("pk", filter=supporter),
                decision_closeness=Avg("overall_closeness"),
            ),
            {"supporters": "0", "decision_closeness": "NULL"},
        ),
        (
            Activity.objects.filter(date__lte=as_of)
            .values("account_id")
            .annotate(last_contact=Max("date")),
            {"last_contact": "NULL"},
        ),
        (
            # One plan per account and year: its status, whatever MAX picks among one.
            AccountPlan.objects.filter(fiscal_year=year)
            .values("account_id")
            .annotate(plan_status=Max("status")),
            {"plan_status": "''"},
        ),
        (
            QuarterlyReview.objects.filter(plan__fiscal_year=year)
            .values(account_id=F("plan__account_id"))
            .annotate(reviews_done=Count("pk")),
            {"reviews_done": "0"},
        ),
        (
            Commitment.objects.overdue(as_of)
            .values("account_id")
            .annotate(overdue_commitments=Count("pk")),
            {"overdue_commitments": "0"},
        ),
        (
            Opportunity.objects.open().values("account_id").annotate(weighted_pipeline=weighted),
            {"weighted_pipeline": "0"},
        ),
    ]


def _store_facts(as_of: date, t: Thresholds, plans: PlanSettings) -> int:
    """One INSERT ... SELECT of every account's facts, the other tables' summed in grouped
    joins (never a subquery per account); returns how many rows."""
    own = _own(as_of, t, plans)
    # Aliased so the outer SELECT can name each column (an alias may not be a field's name).
    sql, params = (
        Account.objects.order_by()
        .values(**{f"f_{c}": e for c, e in own.items()})
        .query.sql_with_params()
    )
    groups = _grouped(as_of, plans)
    grouped_selects, joins, grouped_params = joined_per_account(groups, on="a.f_account_id")
    columns = [*own, *(column for _rows, empty in groups for column in empty)]
    selects = [*(f"a.f_{c}" for c in own), *grouped_selects]
    params = (*params, *grouped_params)
    quote = connection.ops.quote_name
    with connection.cursor() as cursor:
        cursor.execute(
            f"INSERT INTO {quote(HealthScore._meta.db_table)} "
            f"(as_of, {', '.join(quote(c) for c in columns)}) "
            f"SELECT %s, {', '.join(selects)} FROM ({sql}) a {' '.join(joins)}",
            [as_of, *params],
        )
        return cursor.rowcount


def as_float(expression) -> Cast:
    return Cast(expression, FloatField())


def _percent(expression) -> Cast:
    """A non-negative figure rounded half up to a whole percent: ROUND and CAST break ties
    differently on PostgreSQL (to even) and SQLite (away from zero)."""
    return Cast(Floor(expression + 0.5), IntegerField())


def _parts(as_of: date, t: Thresholds) -> dict:
    """Part -> expression on HealthScore's facts (README's rules, module docstring)."""
    drop = Decimal(str(t.at_risk_drop))
    # Money columns may come back as integers on SQLite: ratios are taken in floats.
    revenue, previous = F("revenue_12m"), F("revenue_previous_12m")
    freshness = []
    for c in CLASSES:
        rhythm = t.rhythm_for(c)
        for days, score in ((rhythm, 100), (rhythm * 3 // 2, 50), (rhythm * 2, 25)):
            freshness.append(
                When(
                    nine_box_class=c, last_contact__gte=as_of - timedelta(days=days),
                    then=Value(score),
                )
            )  # fmt: skip
    in_force = Q(plan_status__in=[PlanStatus.APPROVED, PlanStatus.CLOSED])
    return {
        "revenue_trend": Case(
            When(revenue_previous_12m__gt=0, revenue_12m__lte=previous * (1 - drop), then=0),
            When(
                revenue_previous_12m__gt=0, revenue_12m__gte=previous * (1 + GROWTH_FULL), then=100
            ),
            When(
                revenue_previous_12m__gt=0,
                then=_percent(
                    (as_float(revenue) / as_float(previous) - 1 + float(drop))
                    * 100
                    / float(drop + GROWTH_FULL)
                ),
            ),
            When(revenue_12m__gt=0, then=100),
            default=None,
            output_field=IntegerField(),
        ),
        "coverage": Case(When(supporters__gte=2, then=100), When(supporters=1, then=50), default=0),
        "closeness": Case(
            When(
                decision_closeness__isnull=False, then=_percent((F("decision_closeness") - 1) * 25)
            ),
            default=None,
            output_field=IntegerField(),
        ),
        "freshness": Case(*freshness, default=0),
        "plan": Case(
            When(in_force & Q(reviews_done__gte=F("reviews_expected")), then=100),
            When(in_force, then=50),
            When(plan_status=PlanStatus.SUBMITTED, then=40),
            When(plan_status=PlanStatus.DRAFT, then=25),
            When(nine_box_class__in=["A", "C"], then=0),
            default=None,
            output_field=IntegerField(),
        ),
        "commitments": Case(
            When(overdue_commitments=0, then=100), When(overdue_commitments=1, then=50), default=0
        ),
        "pipeline": Case(
            When(revenue_12m__gt=0, weighted_pipeline__gte=revenue / 4, then=100),
            When(
                revenue_12m__gt=0,
                then=_percent(as_float(F("weighted_pipeline")) * 400 / as_float(revenue)),
            ),
            When(weighted_pipeline__gt=0, then=100),
            default=None,
            output_field=IntegerField(),
        ),
    }


def _score(weights: HealthWeights):
    """The weighted mean of the parts that apply; none apply (or all weigh 0): no score."""
    shares = weights.weights()
    points = sum(Coalesce(F(part) * shares[part], 0) for part in shares)
    weight = sum(
        Case(When(**{f"{part}__isnull": False}, then=shares[part]), default=0) for part in shares
    )
    return Case(
        When(GreaterThan(weight, 0), then=_percent(as_float(points) / weight)),
        default=None,
        output_field=IntegerField(),
    )


def _band_rank(score, weights: HealthWeights) -> Case:
    """2 green, 1 amber, 0 red, for comparing two runs' bands in SQL."""
    return Case(
        When(GreaterThanOrEqual(score, weights.green_from), then=2),
        When(GreaterThanOrEqual(score, weights.amber_from), then=1),
        default=0,
    )


def health_recompute(*, as_of: date) -> HealthRun:
    """Score every account as of `as_of` and store it; the latest run's score is copied
    onto the accounts, and each owner whose accounts dropped a band gets one digest."""
    with transaction.atomic(), audit.context(source="health"):
        t, plans, weights = Thresholds.current(), PlanSettings.current(), HealthWeights.current()
        HealthScore.objects.filter(as_of=as_of).delete()
        stored = _store_facts(as_of, t, plans)
        scores = HealthScore.objects.filter(as_of=as_of)
        scores.update(**_parts(as_of, t))
        scores.update(score=_score(weights))
        dropped = 0
        if not HealthScore.objects.filter(as_of__gt=as_of).exists():
            _copy_scores(as_of)
            dropped = _notify_drops(as_of, weights)
        announce_portfolio_change(scores_only=True)
    return HealthRun(as_of=as_of, accounts=stored, dropped=dropped)


def _copy_scores(as_of: date) -> int:
    """The run's scores onto the accounts, each with how far it fell since the last run a
    month or more before (the dashboard's "falling fastest"), in one UPDATE ... FROM;
    returns how many accounts changed. Only those are written: the score is in the list's
    sort indexes, which every rewritten row grows (as accounts.figures)."""
    quote = connection.ops.quote_name
    accounts, scores = quote(Account._meta.db_table), quote(HealthScore._meta.db_table)
    month_ago = run_on_or_before(as_of - timedelta(days=30), HealthScore)
    with connection.cursor() as cursor:
        cursor.execute(
            f"UPDATE {accounts} SET health = h.score, health_fall = m.score - h.score "
            f"FROM {scores} h LEFT JOIN {scores} m ON m.account_id = h.account_id "
            f"AND m.as_of = %s "
            f"WHERE h.account_id = {accounts}.id AND h.as_of = %s "
            f"AND ({differs(f'{accounts}.health', 'h.score')} "
            f"OR {differs(f'{accounts}.health_fall', 'm.score - h.score')})",
            [month_ago, as_of],
        )
        return cursor.rowcount


def _notify_drops(as_of: date, weights: HealthWeights) -> int:
    """One digest per owner whose accounts fell a band since the run before; returns how
    many accounts fell."""
    before = HealthScore.objects.filter(as_of__lt=as_of).aggregate(day=Max("as_of"))["day"]
    if before is None:
        return 0
    previous = HealthScore.objects.filter(account=OuterRef("account"), as_of=before)
    fell = (
        HealthScore.objects.filter(as_of=as_of, score__isnull=False)
        .annotate(old=Subquery(previous.values("score")[:1]))
        .filter(old__isnull=False)
        .annotate(new_rank=_band_rank(F("score"), weights), old_rank=_band_rank(F("old"), weights))
        .filter(new_rank__lt=F("old_rank"))
        .order_by("account__owner_id", "score", "account__name")
        .values_list("account__owner_id", "account__name", "score")
    )
    digests: dict[int, list[tuple[str, int | None]]] = defaultdict(list)
    for owner, name, score in fell:
        digests[owner].append((name, score))
    url = f"{reverse('accounts:list')}?sort=health"
    Notification.objects.bulk_create(
        Notification(
            user_id=owner,
            kind="health_drop",
            url=url,
            data={
                "as_of": as_of.isoformat(),
                "count": len(accounts),
                "accounts": [
                    {"name": name, "score": score, "band": weights.band(score)}
                    for name, score in accounts[:DIGEST_NAMES]
                ],
            },
        )
        for owner, accounts in digests.items()
    )
    return sum(len(accounts) for accounts in digests.values())
