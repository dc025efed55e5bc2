"""The dashboard's numbers: each widget one or two aggregate queries over the nightly
snapshots and the plans, so the page costs the same for 50 accounts or 50,000."""

from dataclasses import dataclass, field
from datetime import date, timedelta
from decimal import Decimal

from django.db.models import (
    Avg,
    Case,
    Count,
    DateField,
    Exists,
    F,
    FloatField,
    Max,
    OuterRef,
    Q,
    Subquery,
    Sum,
    Value,
    When,
)
from django.db.models.functions import Coalesce
from django.utils import timezone
from django.utils.translation import gettext as _

from accounts.models import (
    DECISION_ROLES,
    Account,
    Activity,
    Attitude,
    Commitment,
    Opportunity,
    OpportunityType,
    RevenueLine,
    StageOutcome,
    Stakeholder,
    Status,
    Thresholds,
    TierSnapshot,
    WinBackAction,
)
from accounts.models.activities import WinBackOffer, WinBackOutcome
from accounts.models.money import as_decimal, base_amount
from accounts.periods import add_months
from accounts.stakeholder_map import DECISION_LEVELS
from kamcrm.models import Role, Team, User
from plans.models import AccountPlan, PlanAction, PlanSettings, PlanStatus, QuarterlyReview

ZERO = Decimal(0)
LIST_LENGTH = 50  # rows a list widget reads; the page shows ten, the CSV all of them
LEVELS = ["low", "medium", "high"]


@dataclass
class Scope:
    """Whose portfolio the dashboard shows: the user's, narrowed by the filters."""

    accounts: object  # QuerySet[Account]
    kams: list
    teams: list
    team: Team | None
    kam: User | None
    fiscal_year: int
    settings: PlanSettings
    # Aggregates several widgets share, read once per page.
    memo: dict = field(default_factory=dict, repr=False)

    def once(self, name: str, compute):
        if name not in self.memo:
            self.memo[name] = compute()
        return self.memo[name]


def scope_for(user, *, team_id=None, kam_id=None, fiscal_year=None) -> Scope:
    accounts = Account.objects.visible_to(user)
    if user.is_admin:
        teams = list(Team.objects.all())
    elif user.is_director:
        teams = list(Team.objects.filter(director=user))
    else:
        teams = []
        accounts = accounts.filter(owner=user)
    kams = list(User.objects.filter(role=Role.KAM, team__in=teams).order_by("username"))
    if user.is_kam:
        kams = [user]
    team = next((t for t in teams if str(t.pk) == str(team_id)), None)
    kam = next((k for k in kams if str(k.pk) == str(kam_id)), None)
    if team:
        accounts = accounts.filter(owner__team=team)
        kams = [k for k in kams if k.team_id == team.pk]
    if kam:
        accounts = accounts.filter(owner=kam)
    settings = PlanSettings.current()
    year = fiscal_year or settings.fiscal_year_of(timezone.localdate())
    return Scope(accounts, kams, teams, team, kam, year, settings)


def _tiered(scope: Scope):
    """The scope's accounts with their latest tier, which tiering copies onto each account
    so these aggregates never join the (large) snapshot history."""
    return scope.accounts.exclude(tiered_on=None).order_by()


def _groups(scope: Scope) -> list[dict]:
    """One aggregate query behind the nine-box, ABC x XYZ, the KPIs and the movements:
    counts and sums per owner, levels, ABC and XYZ (a few hundred rows at most)."""
    return scope.once(
        "groups",
        lambda: [
            {**row, "revenue": as_decimal(row["revenue"]), "previous": as_decimal(row["previous"])}
            for row in _tiered(scope)
            .values("owner_id", "contribution_level", "potential_level", "abc", "xyz")
            .annotate(
                count=Count("pk"),
                revenue=Sum("tier_revenue_12m"),
                previous=Sum("tier_revenue_previous_12m"),
                bought_before=Count("pk", filter=Q(tier_revenue_previous_12m__gt=0)),
                kept=Count("pk", filter=Q(tier_revenue_previous_12m__gt=0, tier_revenue_12m__gt=0)),
                latest=Max("tiered_on"),
            )
        ],
    )


def _totals(scope: Scope, *keys: str) -> dict[tuple, dict]:
    totals: dict[tuple, dict] = {}
    for row in _groups(scope):
        total = totals.setdefault(
            tuple(row[k] for k in keys),
            {"count": 0, "revenue": ZERO, "previous": ZERO, "bought_before": 0, "kept": 0},
        )
        for key in total:
            total[key] += row[key]
    return totals


def nine_box(scope: Scope) -> list[list[dict]]:
    """Rows from high contribution down; columns potential low to high."""
    cells = _totals(scope, "contribution_level", "potential_level")
    grid = []
    for contribution in reversed(LEVELS):
        row = []
        for potential in LEVELS:
            cell = cells.get((contribution, potential), {})
            if contribution == "high":
                cls = "A" if potential == "high" else "B"
            else:
                cls = "D" if potential == "low" else "C"
            row.append(
                {
                    "contribution": contribution,
                    "potential": potential,
                    "class": cls,
                    "count": cell.get("count", 0),
                    "revenue": cell.get("revenue", ZERO),
                }
            )
        grid.append(row)
    return grid


def abc_xyz(scope: Scope) -> dict:
    cells = _totals(scope, "abc", "xyz")
    return {
        abc: [
            {"xyz": xyz, "count": cells.get((abc, xyz), {}).get("count", 0),
             "revenue": cells.get((abc, xyz), {}).get("revenue", ZERO)}
            for xyz in "XYZ"
        ]
        for abc in "ABC"
    }  # fmt: skip


def movements(scope: Scope) -> list[dict]:
    """Accounts whose class or status changed since the last run of the previous month."""
    latest = max((row["latest"] for row in _groups(scope)), default=None)
    if latest is None:
        return []
    before = (
        TierSnapshot.objects.filter(as_of__lt=latest.replace(day=1))
        .order_by("-as_of")
        .values_list("as_of", flat=True)
        .first()
    )
    if before is None:
        return []
    rows = list(
        TierSnapshot.objects.filter(account__in=_tiered(scope), as_of=before)
        .exclude(nine_box_class=F("account__nine_box_class"), status=F("account__status"))
        .annotate(old_class=F("nine_box_class"), old_status=F("status"))
        .values(
            "account_id", "account__name", "account__owner__username", "old_class",
            "old_status", new_class=F("account__nine_box_class"),
            new_status=F("account__status"),
        )
        .order_by("account__name")[:50]
    )  # fmt: skip
    for row in rows:
        row["old_status_label"] = Status(row["old_status"]).label
        row["new_status_label"] = Status(row["new_status"]).label
    return rows


def _period(scope: Scope, today: date) -> dict:
    """The fiscal year's bounds and, when today falls in it, the current quarter's."""
    start = scope.settings.year_start(scope.fiscal_year)
    end = add_months(start, 12)
    quarter = None
    if start <= today < end:
        number = (today.year * 12 + today.month - start.year * 12 - start.month) // 3 + 1
        quarter = (number, add_months(start, 3 * number - 3), add_months(start, 3 * number))
    return {"start": start, "end": end, "quarter": quarter}


def _deal_totals(scope: Scope, today: date) -> dict[int, dict]:
    """Per deal owner, one query: signed, open and weighted amounts closing in the fiscal
    year and in its current quarter, and cross-sell deals won this fiscal year."""
    period = _period(scope, today)
    won, open_ = Q(stage__outcome=StageOutcome.WON), Q(stage__outcome=StageOutcome.OPEN)
    windows = {"year": Q(expected_close__gte=period["start"], expected_close__lt=period["end"])}
    if period["quarter"]:
        _, first, after = period["quarter"]
        windows["quarter"] = Q(expected_close__gte=first, expected_close__lt=after)
    sums = {}
    for name, window in windows.items():
        sums[f"signed_{name}"] = Sum(base_amount(), filter=window & won)
        sums[f"open_{name}"] = Sum(base_amount(), filter=window & open_)
        sums[f"weighted_{name}"] = Sum(
            base_amount() * F("probability") / 100, filter=window & open_
        )
    cross_sell = windows["year"] & won & Q(opportunity_type=OpportunityType.CROSS_SELL)
    rows = (
        Opportunity.objects.filter(account__in=scope.accounts)
        .filter(windows["year"])
        .values("owner_id")
        .annotate(**sums, cross_sell_won=Count("pk", filter=cross_sell))
    )
    return scope.once("deals", lambda: {row.pop("owner_id"): row for row in rows})


IN_FORCE = [PlanStatus.APPROVED, PlanStatus.CLOSED]


def _reviews_expected(scope: Scope, today: date) -> tuple[int, int]:
    """How many quarterly reviews are due, and how many overdue, by the reminders' rules."""
    settings = scope.settings
    due = settings.quarters_due(
        scope.fiscal_year, today + timedelta(days=settings.remind_days_before_review)
    )
    overdue = settings.quarters_due(
        scope.fiscal_year, today - timedelta(days=settings.escalate_days_after_review)
    )
    return due, overdue


def _reviews_done():
    """A plan's quarterly reviews recorded, as a subquery (a join would multiply rows)."""
    done = (
        QuarterlyReview.objects.filter(plan=OuterRef("pk"))
        .values("plan")
        .annotate(n=Count("pk"))
        .values("n")
    )
    return Coalesce(Subquery(done), 0)


def _plan_totals(scope: Scope, today: date) -> dict[int, dict]:
    """Per account owner, one query over the fiscal year's plans: the targets of the plans in
    force and the payments collected on their accounts this year, the plans waiting for
    approval, and the approved plans behind with their quarterly reviews (the reminders'
    own rules)."""
    period = _period(scope, today)
    due, overdue = _reviews_expected(scope, today)
    collected = (
        RevenueLine.objects.filter(
            account=OuterRef("account"), date__gte=period["start"], date__lt=period["end"]
        )
        .values("account")
        .annotate(total=Sum(base_amount()))
        .values("total")
    )
    in_force, approved = Q(status__in=IN_FORCE), Q(status=PlanStatus.APPROVED)
    rows = (
        AccountPlan.objects.filter(account__in=scope.accounts, fiscal_year=scope.fiscal_year)
        .annotate(done=_reviews_done(), paid=Subquery(collected))
        .values("account__owner_id")
        .annotate(
            contract_target=Sum("contract_value_target", filter=in_force),
            payments_target=Sum("payments_target", filter=in_force),
            collected=Sum("paid", filter=in_force),
            waiting=Count("pk", filter=Q(status=PlanStatus.SUBMITTED)),
            reviews_due=Count("pk", filter=approved & Q(done__lt=due)),
            reviews_overdue=Count("pk", filter=approved & Q(done__lt=overdue)),
        )
    )
    return scope.once("plans", lambda: {row.pop("account__owner_id"): row for row in rows})


def pipeline_against_plan(scope: Scope, today: date) -> list[dict]:
    """Per KAM: the plans' contract-value targets, signed so far, open pipeline (weighted
    and not) and coverage of the target, for the fiscal year and its current quarter (a
    quarter's target is a fourth of the year's)."""
    targets, deals = _plan_totals(scope, today), _deal_totals(scope, today)
    periods = [("year", _("FY %(year)d") % {"year": scope.fiscal_year}, 1)]
    quarter = _period(scope, today)["quarter"]
    if quarter:
        periods.append(("quarter", _("Q%(quarter)d") % {"quarter": quarter[0]}, Decimal("0.25")))
    rows = []
    for kam in [scope.kam] if scope.kam else scope.kams:
        target = as_decimal(targets.get(kam.pk, {}).get("contract_target"))
        figures = deals.get(kam.pk, {})
        row = {"kam": kam, "periods": []}
        for key, label, share in periods:
            signed = as_decimal(figures.get(f"signed_{key}"))
            weighted = as_decimal(figures.get(f"weighted_{key}"))
            goal = target * share
            row["periods"].append(
                {
                    "period": label,
                    "target": goal,
                    "signed": signed,
                    "open": as_decimal(figures.get(f"open_{key}")),
                    "weighted": weighted,
                    "coverage": (signed + weighted) / goal if goal else None,
                    "gap": max(goal - signed - weighted, ZERO),
                }
            )
        rows.append(row)
    return rows


def at_risk_and_lost(scope: Scope) -> list[dict]:
    """The win-back list: value, owner, last purchase, and the latest offer and outcome."""
    last_purchase = RevenueLine.objects.filter(account=OuterRef("pk")).order_by("-date")
    latest_offer = WinBackAction.objects.filter(account=OuterRef("pk")).order_by("-created_at")
    rows = list(
        _tiered(scope)
        .filter(status__in=["at_risk", "lost"])
        .annotate(
            last_purchase=Subquery(last_purchase.values("date")[:1]),
            offer=Subquery(latest_offer.values("offer")[:1]),
            outcome=Subquery(latest_offer.values("outcome")[:1]),
        )
        .values(
            "pk", "name", "owner__username", "status", "nine_box_class",
            "tier_revenue_previous_12m", "tier_revenue_12m", "last_purchase", "offer", "outcome",
        )
        .order_by("-tier_revenue_previous_12m")[:50]
    )  # fmt: skip
    for row in rows:
        row["status_label"] = Status(row["status"]).label
        row["offer"] = WinBackOffer(row["offer"]).label if row["offer"] else ""
        row["outcome"] = WinBackOutcome(row["outcome"]).label if row["outcome"] else ""
    return rows


def plan_discipline(scope: Scope, today: date) -> dict:
    """Counts from the plan totals; the lists name the plans and accounts behind them."""
    totals = _plan_totals(scope, today).values()
    counts = {
        key: sum(row[key] for row in totals)
        for key in ("waiting", "reviews_due", "reviews_overdue")
    }
    due, overdue = _reviews_expected(scope, today)
    plans = list(
        AccountPlan.objects.filter(account__in=scope.accounts, fiscal_year=scope.fiscal_year)
        .annotate(reviews_done=_reviews_done())
        .filter(
            Q(status=PlanStatus.SUBMITTED) | Q(status=PlanStatus.APPROVED, reviews_done__lt=due)
        )
        .values("pk", "status", "reviews_done", "account__name")
        .order_by("account__name")[:LIST_LENGTH]
    )
    approved = [p for p in plans if p["status"] == PlanStatus.APPROVED]
    return {
        "counts": counts,
        "without_plan": list(
            scope.accounts.filter(nine_box_class__in=["A", "C"])
            .exclude(plans__fiscal_year=scope.fiscal_year)
            .values("pk", "name", "nine_box_class", "owner__username")
            .order_by("name")[:LIST_LENGTH]
        ),
        "waiting": [p for p in plans if p["status"] == PlanStatus.SUBMITTED],
        "reviews_due": approved,
        "reviews_overdue": [p for p in approved if p["reviews_done"] < overdue],
    }


def relationship_coverage(scope: Scope, today: date) -> dict:
    """Key accounts with no supporter at decision level, accounts whose key people are on
    average less close than the plan in force aims for, and key accounts not contacted
    within their class's rhythm; each list filtered and cut in the database."""
    supporter = Stakeholder.objects.filter(
        account=OuterRef("pk"), attitude=Attitude.SUPPORTER
    ).filter(Q(buying_role__in=DECISION_ROLES) | Q(level__in=DECISION_LEVELS))
    thresholds = Thresholds.current()
    recent = Activity.objects.filter(account=OuterRef("pk"), date__gte=OuterRef("cutoff"))
    cutoff = Case(
        *[
            When(nine_box_class=cls, then=Value(today - timedelta(days=thresholds.rhythm_for(cls))))
            for cls in "ABC"
        ],
        output_field=DateField(),
    )
    key = scope.accounts.filter(nine_box_class__in=["A", "B", "C"]).order_by("name")
    return {
        "no_decision_supporter": list(
            key.exclude(Exists(supporter)).values("pk", "name", "owner__username")[:LIST_LENGTH]
        ),
        "below_closeness_target": list(
            AccountPlan.objects.filter(
                account__in=scope.accounts, fiscal_year=scope.fiscal_year, status__in=IN_FORCE
            )
            .values("account_id", "account__name", "account__owner__username")
            .annotate(
                closeness=Avg("people__stakeholder__overall_closeness"),
                target=Avg(
                    F("people__target_closeness")
                    + F("people__target_solution")
                    + F("people__target_price"),
                    output_field=FloatField(),
                )
                / 3,
            )
            .filter(closeness__lt=F("target"))
            .order_by("account__name")[:LIST_LENGTH]
        ),
        "not_contacted": list(
            key.annotate(cutoff=cutoff)
            .exclude(Exists(recent))
            .values("pk", "name", "owner__username", "nine_box_class")[:LIST_LENGTH]
        ),
    }


def kam_kpis(scope: Scope, today: date) -> list[dict]:
    """Per KAM: payments collected this fiscal year on the accounts with a plan in force
    against those plans' payment targets; revenue this and last window (last night's
    tiering), growth, retention (bought in both windows ÷ bought in the previous one);
    cross-sell deals won this fiscal year; overdue commitments and plan actions."""
    snapshots = {owner: row for (owner,), row in _totals(scope, "owner_id").items()}
    plans, deals = _plan_totals(scope, today), _deal_totals(scope, today)
    overdue_commitments = dict(
        Commitment.objects.overdue(today)
        .filter(account__in=scope.accounts)
        .values("owner_id")
        .annotate(n=Count("pk"))
        .values_list("owner_id", "n")
    )
    overdue_actions = dict(
        PlanAction.objects.overdue(today)
        .filter(plan__account__in=scope.accounts)
        .values("owner_id")
        .annotate(n=Count("pk"))
        .values_list("owner_id", "n")
    )
    rows = []
    for kam in [scope.kam] if scope.kam else scope.kams:
        s = snapshots.get(kam.pk, {})
        revenue, previous = s.get("revenue", ZERO), s.get("previous", ZERO)
        plan = plans.get(kam.pk, {})
        target = as_decimal(plan.get("payments_target"))
        collected = as_decimal(plan.get("collected"))
        rows.append(
            {
                "kam": kam,
                "payments_target": target,
                "collected": collected,
                "against_target": collected / target if target else None,
                "revenue": revenue,
                "previous": previous,
                "growth": (revenue - previous) / previous if previous else None,
                "retention": s["kept"] / s["bought_before"] if s.get("bought_before") else None,
                "cross_sell_won": deals.get(kam.pk, {}).get("cross_sell_won", 0),
                "overdue_commitments": overdue_commitments.get(kam.pk, 0),
                "overdue_actions": overdue_actions.get(kam.pk, 0),
            }
        )
    return rows


def due_soon(scope: Scope, today: date, discipline: dict) -> dict:
    """The KAM's to-do: commitments overdue or due within the reminder window, and the
    plans whose quarterly review falls due (from the plan discipline already read)."""
    horizon = today + timedelta(days=scope.settings.remind_days_before_review)
    return {
        "commitments": list(
            Commitment.objects.filter(
                account__in=scope.accounts, done_on__isnull=True, due__lte=horizon
            )
            .select_related("account")
            .order_by("due")[:LIST_LENGTH]
        ),
        "reviews": discipline["reviews_due"],
    }
