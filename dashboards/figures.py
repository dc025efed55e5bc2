"""The dashboard's raw figures for a set of accounts: aggregates and short lists, each one
query, set-based in the database. `compute` serves two callers: the store, which keeps one
KAM's figures at a time (dashboards/store.py), and the CSV export, which wants every row.

The figures are plain data (numbers, codes, names, dates), shaped as schema.py types them,
so they can be stored as JSON and merged across KAMs; labels and links are added at
display time, in the reader's language.
"""

from dataclasses import dataclass
from datetime import date, timedelta
from typing import Any, cast

from django.db.models import (
    Avg,
    Count,
    F,
    FloatField,
    Max,
    OuterRef,
    Q,
    QuerySet,
    Subquery,
    Sum,
    Window,
)
from django.db.models.functions import Coalesce, RowNumber

from accounts import figures as kept
from accounts.models import (
    Commitment,
    Opportunity,
    OpportunityType,
    RevenueLine,
    StageOutcome,
    Thresholds,
    TierSnapshot,
    WinBackAction,
)
from accounts.models.money import as_decimal, base_amount, weighted_amount
from accounts.periods import add_months
from plans.models import (
    AccountPlan,
    PlanAction,
    PlanSettings,
    PlanStatus,
    QuarterlyReview,
    accounts_needing_plan,
)

from .schema import (
    AtRisk,
    BelowTarget,
    CommitmentDue,
    Deals,
    Figures,
    Group,
    Health,
    KeyAccount,
    Movement,
    Plans,
    PlanToActOn,
)

# The key naming a list row's owner when several KAMs' figures are computed at once.
OWNER_KEY = "list_owner"
# Rows a list keeps per KAM: the page shows ten, and the top ten of a team are among the
# top tens of its KAMs. The CSV export asks for every row instead.
LIST_LENGTH = 10
IN_FORCE = [PlanStatus.APPROVED, PlanStatus.CLOSED]

# How each list is ordered, so lists of several KAMs merge into the same order: the field
# and whether the largest comes first. Ties break on the account's name.
LIST_ORDER = {
    "movements": ("name", False),
    "at_risk": ("previous", True),
    "without_plan": ("name", False),
    "plans_to_act_on": ("name", False),
    "no_decision_supporter": ("name", False),
    "below_closeness_target": ("name", False),
    "not_contacted": ("name", False),
    "commitments_due": ("due", False),
    "lowest_health": ("health", False),
    "health_falling": ("fall", True),
}


@dataclass
class Period:
    start: date
    end: date
    quarter: tuple[int, date, date] | None  # number, first day, day after; None outside


def period_of(settings: PlanSettings, fiscal_year: int, today: date) -> Period:
    """The fiscal year's bounds and, when today falls in it, the current quarter's."""
    start = settings.year_start(fiscal_year)
    end = add_months(start, 12)
    quarter = None
    if start <= today < end:
        number = (today.year * 12 + today.month - start.year * 12 - start.month) // 3 + 1
        quarter = (number, add_months(start, 3 * number - 3), add_months(start, 3 * number))
    return Period(start, end, quarter)


def compute(
    accounts: QuerySet,
    *,
    fiscal_year: int,
    today: date,
    settings: PlanSettings,
    limit: int | None = LIST_LENGTH,
    owners: list[int] | None = None,
) -> Figures:
    """Every figure the dashboard shows for these accounts. Deals, commitments and plan
    actions count for their own owner, whichever account they are on: with `owners`,
    those of these users (a KAM's stored figures, whose accounts are exactly the owners'
    own); without, those on the accounts."""
    return _Portfolio(accounts.order_by(), fiscal_year, today, settings, limit, owners).figures()


GROUP_KEYS = ("contribution_level", "potential_level", "abc", "xyz")


def _groups(rows: QuerySet, *, revenue: str, previous: str, day: str) -> list[Group]:
    sums = rows.annotate(
        count=Count("pk"),
        revenue=Sum(revenue),
        previous=Sum(previous),
        bought_before=Count("pk", filter=Q(**{f"{previous}__gt": 0})),
        kept=Count("pk", filter=Q(**{f"{previous}__gt": 0, f"{revenue}__gt": 0})),
        latest=Max(day),
    )
    return [
        cast(
            Group,
            {**row, "revenue": as_decimal(row["revenue"]), "previous": as_decimal(row["previous"])},
        )
        for row in sums
    ]


def groups_as_of(accounts: QuerySet, as_of: date) -> list[Group]:
    """The groups as the tiering run of `as_of` left them (accounts under today's owners):
    the nine-box, ABC x XYZ and revenue KPIs of a past run, in one query."""
    return _groups(
        TierSnapshot.objects.filter(as_of=as_of, account__in=accounts.order_by()).values(
            *GROUP_KEYS, owner_id=F("account__owner_id")
        ),
        revenue="revenue_12m",
        previous="revenue_previous_12m",
        day="as_of",
    )


@dataclass
class _Portfolio:
    accounts: QuerySet
    fiscal_year: int
    today: date
    settings: PlanSettings
    limit: int | None
    owners: list[int] | None = None

    def owned(self, account_path: str = "account") -> Q:
        """The rows counted for their owners: the owners' own, or those on the accounts."""
        if self.owners is not None:
            return Q(owner__in=self.owners)
        return Q(**{f"{account_path}__in": self.accounts})

    def on_accounts(self, account_path: str = "account") -> Q:
        """The rows on the accounts. With owners, whose accounts these are, through the
        account's owner: the join the query makes anyway for the account's name or owner,
        where a subquery would read every one of the accounts again (100,000 of them: most
        of such a query's time)."""
        if self.owners is not None:
            return Q(**{f"{account_path}__owner__in": self.owners})
        return Q(**{f"{account_path}__in": self.accounts})

    def figures(self) -> Figures:
        groups = self.groups()
        return {
            "groups": groups,
            "deals": self.deals(),
            "plans": self.plans(),
            "overdue_commitments": self.count_by_owner(
                Commitment.objects.overdue(self.today).filter(self.owned())
            ),
            "overdue_actions": self.count_by_owner(
                PlanAction.objects.overdue(self.today).filter(self.owned("plan__account"))
            ),
            "lists": {
                "movements": self.movements(groups),
                "at_risk": self.at_risk(),
                "without_plan": self.without_plan(),
                "plans_to_act_on": self.plans_to_act_on(),
                "no_decision_supporter": self.no_decision_supporter(),
                "below_closeness_target": self.below_closeness_target(),
                "not_contacted": self.not_contacted(),
                "commitments_due": self.commitments_due(),
                "lowest_health": self.lowest_health(),
                "health_falling": self.health_falling(),
            },
        }

    def cut(self, rows, owner: str = "owner_id") -> list[Any]:
        """The first rows of a .values() query (dicts shaped as the caller's schema type):
        with several owners, each owner's first, ranked in the same query, and each row
        names its owner under OWNER_KEY so store.split can hand it back (`owner`: the
        owner's path from the rows' model)."""
        if self.limit is None:
            return list(rows)
        if self.owners is None or len(self.owners) < 2:
            return list(rows[: self.limit])
        ranked = rows.annotate(
            **{OWNER_KEY: F(owner)},
            rank=Window(RowNumber(), partition_by=F(owner), order_by=list(rows.query.order_by)),
        ).filter(rank__lte=self.limit)
        return [{k: v for k, v in row.items() if k != "rank"} for row in ranked]

    def tiered(self):
        """The accounts with their latest tier, which tiering copies onto each account so
        these aggregates never join the (large) snapshot history."""
        return self.accounts.exclude(tiered_on=None)

    def groups(self) -> list[Group]:
        """Counts and sums per owner, levels, ABC and XYZ: behind the nine-box, ABC x XYZ,
        the KPIs and the movements (a few dozen rows a KAM)."""
        return _groups(
            self.tiered().values("owner_id", *GROUP_KEYS),
            revenue="tier_revenue_12m",
            previous="tier_revenue_previous_12m",
            day="tiered_on",
        )

    def deals(self) -> dict[int, Deals]:
        """Per deal owner: signed, open and weighted amounts closing in the fiscal year and
        in its current quarter, and cross-sell deals won this fiscal year."""
        period = period_of(self.settings, self.fiscal_year, self.today)
        won, open_ = Q(stage__outcome=StageOutcome.WON), Q(stage__outcome=StageOutcome.OPEN)
        windows = {"year": Q(expected_close__gte=period.start, expected_close__lt=period.end)}
        if period.quarter:
            _, first, after = period.quarter
            windows["quarter"] = Q(expected_close__gte=first, expected_close__lt=after)
        sums = {}
        for name, window in windows.items():
            sums[f"signed_{name}"] = Sum(base_amount(), filter=window & won)
            sums[f"open_{name}"] = Sum(base_amount(), filter=window & open_)
            sums[f"weighted_{name}"] = Sum(weighted_amount(), filter=window & open_)
        cross_sell = windows["year"] & won & Q(opportunity_type=OpportunityType.CROSS_SELL)
        # Deals count for their owner; this names the part on accounts another team owns,
        # so a director sees it is in the row of their KAM, not of the account's team.
        home = Q(account__owner=F("owner")) | Q(account__owner__team=F("owner__team"))
        sums["elsewhere_year"] = Sum(base_amount(), filter=windows["year"] & (won | open_) & ~home)
        rows = (
            Opportunity.objects.filter(self.owned())
            .filter(windows["year"])
            .values("owner_id")
            .annotate(**sums, cross_sell_won=Count("pk", filter=cross_sell))
        )
        return {
            row["owner_id"]: cast(
                Deals,
                {
                    k: v if k == "cross_sell_won" else as_decimal(v)
                    for k, v in row.items()
                    if k != "owner_id"
                },
            )
            for row in rows
        }

    def plans(self) -> dict[int, Plans]:
        """Per account owner, over the fiscal year's plans: the targets of the plans in force
        and the payments collected on their accounts this year, the plans waiting for
        approval, and the approved plans behind with their quarterly reviews."""
        period = period_of(self.settings, self.fiscal_year, self.today)
        due, overdue = self.settings.reviews_expected(self.fiscal_year, self.today)
        collected = (
            RevenueLine.objects.filter(
                account=OuterRef("account"), date__gte=period.start, date__lt=period.end
            )
            .values("account")
            .annotate(total=Sum(base_amount()))
            .values("total")
        )
        in_force, approved = Q(status__in=IN_FORCE), Q(status=PlanStatus.APPROVED)
        plans = self.year_plans()
        if period.start == kept.fiscal_year_start(self.today):
            # This fiscal year's payments as kept on each account (accounts/figures.py):
            # summing their revenue lines per plan took over a second at 30,000 plans.
            paid = Sum("account__list_revenue_fy", filter=in_force)
        else:
            plans = plans.annotate(paid=Subquery(collected))
            paid = Sum("paid", filter=in_force)
        rows = plans.values("account__owner_id").annotate(
            contract_target=Sum("contract_value_target", filter=in_force),
            payments_target=Sum("payments_target", filter=in_force),
            collected=paid,
            waiting=Count("pk", filter=Q(status=PlanStatus.SUBMITTED)),
            reviews_due=Count("pk", filter=approved & _fewer_reviews_than(due)),
            reviews_overdue=Count("pk", filter=approved & _fewer_reviews_than(overdue)),
        )
        money = {"contract_target", "payments_target", "collected"}
        return {
            row["account__owner_id"]: cast(
                Plans,
                {
                    k: as_decimal(v) if k in money else v
                    for k, v in row.items()
                    if k != "account__owner_id"
                },
            )
            for row in rows
        }

    def year_plans(self):
        return AccountPlan.objects.filter(self.on_accounts(), fiscal_year=self.fiscal_year)

    @staticmethod
    def count_by_owner(rows) -> dict[int, int]:
        return dict(rows.values("owner_id").annotate(n=Count("pk")).values_list("owner_id", "n"))

    def movements(self, groups: list[Group]) -> list[Movement]:
        """Accounts whose class or status changed since the last run of the previous month."""
        latest = max((row["latest"] for row in groups), default=None)
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
        return self.cut(
            TierSnapshot.objects.filter(
                self.on_accounts(), account__tiered_on__isnull=False, as_of=before
            )
            .exclude(nine_box_class=F("account__nine_box_class"), status=F("account__status"))
            .values(
                "account_id", name=F("account__name"),
                owner_name=F("account__owner__username"), old_class=F("nine_box_class"),
                old_status=F("status"), new_class=F("account__nine_box_class"),
                new_status=F("account__status"),
            )
            .order_by("account__name"),
            owner="account__owner_id",
        )  # fmt: skip

    def key_accounts(self):
        return self.accounts.filter(nine_box_class__in=["A", "B", "C"]).order_by("name")

    def at_risk(self) -> list[AtRisk]:
        """The win-back list: value, owner, last purchase, and the latest offer and outcome."""
        last_purchase = RevenueLine.objects.filter(account=OuterRef("pk")).order_by("-date")
        offers = WinBackAction.objects.filter(account=OuterRef("pk")).order_by("-created_at")
        return self.cut(
            self.tiered()
            .filter(status__in=["at_risk", "lost"])
            .annotate(
                last_purchase=Subquery(last_purchase.values("date")[:1]),
                offer=Subquery(offers.values("offer")[:1]),
                outcome=Subquery(offers.values("outcome")[:1]),
            )
            .values(
                "name", "status", "nine_box_class", "last_purchase", "offer", "outcome",
                account_id=F("pk"), owner_name=F("owner__username"),
                previous=F("tier_revenue_previous_12m"), revenue=F("tier_revenue_12m"),
            )
            .order_by("-tier_revenue_previous_12m", "name")
        )  # fmt: skip

    def without_plan(self) -> list[KeyAccount]:
        """Class A and C accounts without a plan for the year, in any state."""
        return self.cut(
            accounts_needing_plan(self.accounts, fiscal_year=self.fiscal_year)
            .order_by("name")
            .values("name", "nine_box_class", account_id=F("pk"), owner_name=F("owner__username"))
        )

    def plans_to_act_on(self) -> list[PlanToActOn]:
        """Plans waiting for approval, and approved plans with a review due."""
        due, _ = self.settings.reviews_expected(self.fiscal_year, self.today)
        return self.cut(
            self.year_plans()
            .annotate(reviews_done=_reviews_done())
            .filter(
                Q(status=PlanStatus.SUBMITTED) | Q(status=PlanStatus.APPROVED, reviews_done__lt=due)
            )
            .values("status", "reviews_done", plan_id=F("pk"), name=F("account__name"))
            .order_by("account__name"),
            owner="account__owner_id",
        )

    def no_decision_supporter(self) -> list[KeyAccount]:
        """Key accounts without a supporter at decision level (counted on each account
        with the list's figures, accounts/figures.py)."""
        return self.cut(
            self.key_accounts()
            .filter(list_decision_supporters=0)
            .values("name", account_id=F("pk"), owner_name=F("owner__username"))
        )

    def below_closeness_target(self) -> list[BelowTarget]:
        """Accounts whose key people are on average less close than the plan in force aims."""
        return self.cut(
            self.year_plans()
            .filter(status__in=IN_FORCE)
            .values("account_id", name=F("account__name"), owner_name=F("account__owner__username"))
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
            .order_by("account__name"),
            owner="account__owner_id",
        )

    def not_contacted(self) -> list[KeyAccount]:
        """Key accounts with no activity within their class's contact rhythm (the last
        contact as kept on each account, accounts/figures.py: no activity is read)."""
        thresholds = Thresholds.current()
        stale = Q(list_last_contact=None)
        for cls in "ABC":
            cutoff = self.today - timedelta(days=thresholds.rhythm_for(cls))
            stale |= Q(nine_box_class=cls, list_last_contact__lt=cutoff)
        return self.cut(
            self.key_accounts()
            .filter(stale)
            .values("name", "nine_box_class", account_id=F("pk"), owner_name=F("owner__username"))
        )

    def commitments_due(self) -> list[CommitmentDue]:
        """Commitments overdue or due within the reminder window."""
        horizon = self.today + timedelta(days=self.settings.remind_days_before_review)
        return self.cut(
            Commitment.objects.filter(self.on_accounts(), done_on__isnull=True, due__lte=horizon)
            .values("what", "due", "account_id", name=F("account__name"))
            .order_by("due", "account__name"),
            owner="account__owner_id",
        )

    def scored(self):
        return self.accounts.filter(health__isnull=False).annotate(
            account_id=F("pk"), owner_name=F("owner__username")
        )

    def lowest_health(self) -> list[Health]:
        return self.cut(
            self.scored()
            .values("account_id", "name", "owner_name", "health")
            .order_by("health", "name")
        )

    def health_falling(self) -> list[Health]:
        """The accounts whose score fell most since the last run a month or more before
        the latest (kept on each account by the health run: comparing one KAM's 100,000
        scores with last month's took 85 ms a visit, a subquery per account 0.4 s)."""
        return self.cut(
            self.scored()
            .filter(health_fall__gt=0)
            .annotate(fall=F("health_fall"))
            .values("account_id", "name", "owner_name", "health", "fall")
            .order_by("-fall", "name")
        )


def _fewer_reviews_than(expected: int) -> Q:
    """Plans with fewer quarterly reviews than expected. The plans with enough are one
    subquery, which PostgreSQL reads once into a hash: a count of reviews per plan
    (_reviews_done) is a probe for each of 16,000 approved plans, in each sum it is in."""
    if expected <= 0:
        return Q(pk__in=[])
    enough = (
        QuarterlyReview.objects.values("plan")
        .annotate(n=Count("pk"))
        .filter(n__gte=expected)
        .values("plan")
    )
    return ~Q(pk__in=enough)


def _reviews_done():
    """A plan's quarterly reviews recorded, as a subquery (a join would multiply rows)."""
    done = (
        QuarterlyReview.objects.filter(plan=OuterRef("pk"))
        .values("plan")
        .annotate(n=Count("pk"))
        .values("n")
    )
    return Coalesce(Subquery(done), 0)
