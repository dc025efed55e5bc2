"""The dashboard's numbers: each widget one or two aggregate queries over the nightly
snapshots and the plans, so the page costs the same for 50 accounts or 50,000."""

from dataclasses import dataclass
from datetime import date, timedelta
from decimal import Decimal

from django.db.models import Count, Exists, F, Max, OuterRef, Q, Subquery, Sum
from django.db.models.functions import Coalesce
from django.utils import timezone

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
from plans.models import AccountPlan, PlanSettings, PlanStatus

ZERO = Decimal(0)
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
    groups: list | None = None  # the tier aggregates, read once per page (see _groups)


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
    if scope.groups is None:
        scope.groups = [
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
        ]
    return scope.groups


def _totals(scope: Scope, *keys: str) -> dict[tuple, dict]:
    totals: dict[tuple, dict] = {}
    for row in _groups(scope):
        total = totals.setdefault(
            tuple(row[k] for k in keys),
            {"count": 0, "revenue": ZERO, "previous": ZERO, "bought_before": 0, "kept": 0},
        )
        for field in total:
            total[field] += row[field]
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


def pipeline_against_plan(scope: Scope, today: date) -> list[dict]:
    """Per KAM: the plans' contract-value targets, signed so far this fiscal year, open
    pipeline closing this year (weighted and not), and coverage of the target."""
    settings = scope.settings
    start = settings.year_start(scope.fiscal_year)
    end = add_months(start, 12)
    targets = dict(
        AccountPlan.objects.filter(
            account__in=scope.accounts,
            fiscal_year=scope.fiscal_year,
            status__in=[PlanStatus.APPROVED, PlanStatus.CLOSED],
        )
        .values("account__owner_id")
        .annotate(total=Sum("contract_value_target"))
        .values_list("account__owner_id", "total")
    )
    in_year = Q(expected_close__gte=start, expected_close__lt=end)
    deals = {
        row["owner_id"]: row
        for row in Opportunity.objects.filter(account__in=scope.accounts)
        .filter(in_year)
        .values("owner_id")
        .annotate(
            signed=Coalesce(Sum(base_amount(), filter=Q(stage__outcome=StageOutcome.WON)), ZERO),
            open=Coalesce(Sum(base_amount(), filter=Q(stage__outcome=StageOutcome.OPEN)), ZERO),
            weighted=Coalesce(
                Sum(
                    base_amount() * F("probability") / 100,
                    filter=Q(stage__outcome=StageOutcome.OPEN),
                ),
                ZERO,
            ),
        )
    }
    rows = []
    for kam in [scope.kam] if scope.kam else scope.kams:
        target = as_decimal(targets.get(kam.pk))
        row = deals.get(kam.pk, {})
        signed, weighted = as_decimal(row.get("signed")), as_decimal(row.get("weighted"))
        rows.append(
            {
                "kam": kam,
                "target": target,
                "signed": signed,
                "open": as_decimal(row.get("open")),
                "weighted": weighted,
                "coverage": (signed + weighted) / target if target else None,
                "gap": max(target - signed - weighted, ZERO),
            }
        )
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
    """Plans of the year by status, with reviews done, in one query; the due and overdue
    counts are the reminders' own rules."""
    settings = scope.settings
    due = scope.settings.quarters_due(
        scope.fiscal_year, today + timedelta(days=settings.remind_days_before_review)
    )
    overdue = scope.settings.quarters_due(
        scope.fiscal_year, today - timedelta(days=settings.escalate_days_after_review)
    )
    plans = list(
        AccountPlan.objects.filter(
            account__in=scope.accounts,
            fiscal_year=scope.fiscal_year,
            status__in=[PlanStatus.SUBMITTED, PlanStatus.APPROVED],
        )
        .annotate(reviews_done=Count("reviews"))
        .values("pk", "status", "reviews_done", "account__name")
        .order_by("account__name")
    )
    approved = [p for p in plans if p["status"] == PlanStatus.APPROVED]
    return {
        "without_plan": list(
            scope.accounts.filter(nine_box_class__in=["A", "C"])
            .exclude(plans__fiscal_year=scope.fiscal_year)
            .values("pk", "name", "nine_box_class", "owner__username")
            .order_by("name")[:50]
        ),
        "waiting": [p for p in plans if p["status"] == PlanStatus.SUBMITTED][:50],
        "reviews_due": [p for p in approved if p["reviews_done"] < due][:50],
        "reviews_overdue": [p for p in approved if p["reviews_done"] < overdue][:50],
    }


def relationship_coverage(scope: Scope, today: date) -> dict:
    """Key accounts with no supporter at decision level, and those not contacted within
    their class's rhythm; each list filtered and cut in the database."""
    supporter = Stakeholder.objects.filter(
        account=OuterRef("pk"), attitude=Attitude.SUPPORTER
    ).filter(Q(buying_role__in=DECISION_ROLES) | Q(level__in=DECISION_LEVELS))
    thresholds = Thresholds.current()
    last_contact = Activity.objects.filter(account=OuterRef("pk")).order_by("-date")
    stale = Q(last_contact__isnull=True)
    for cls in "ABC":
        cutoff = today - timedelta(days=thresholds.rhythm_for(cls))
        stale |= Q(nine_box_class=cls, last_contact__lt=cutoff)
    key = scope.accounts.filter(nine_box_class__in=["A", "B", "C"]).order_by("name")
    return {
        "no_decision_supporter": list(
            key.exclude(Exists(supporter)).values("pk", "name", "owner__username")[:50]
        ),
        "not_contacted": list(
            key.annotate(last_contact=Subquery(last_contact.values("date")[:1]))
            .filter(stale)
            .values("pk", "name", "owner__username", "nine_box_class")[:50]
        ),
    }


def kam_kpis(scope: Scope, today: date) -> list[dict]:
    """Per KAM: revenue this and last window, growth, retention (bought in both windows
    ÷ bought in the previous one), cross-sell deals won, overdue commitments."""
    snapshots = {owner: row for (owner,), row in _totals(scope, "owner_id").items()}
    cross_sell = dict(
        Opportunity.objects.filter(
            account__in=scope.accounts,
            opportunity_type=OpportunityType.CROSS_SELL,
            stage__outcome=StageOutcome.WON,
        )
        .values("owner_id")
        .annotate(n=Count("pk"))
        .values_list("owner_id", "n")
    )
    overdue = dict(
        Commitment.objects.overdue(today)
        .filter(account__in=scope.accounts)
        .values("owner_id")
        .annotate(n=Count("pk"))
        .values_list("owner_id", "n")
    )
    rows = []
    for kam in [scope.kam] if scope.kam else scope.kams:
        s = snapshots.get(kam.pk, {})
        revenue, previous = s.get("revenue", ZERO), s.get("previous", ZERO)
        rows.append(
            {
                "kam": kam,
                "revenue": revenue,
                "previous": previous,
                "growth": (revenue - previous) / previous if previous else None,
                "retention": s["kept"] / s["bought_before"] if s.get("bought_before") else None,
                "cross_sell_won": cross_sell.get(kam.pk, 0),
                "overdue_commitments": overdue.get(kam.pk, 0),
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
            .order_by("due")[:50]
        ),
        "reviews": discipline["reviews_due"],
    }
