"""Reads for the account list and page: set-based, a bounded number of queries each."""

from collections import defaultdict
from dataclasses import dataclass, field
from datetime import date
from decimal import Decimal
from typing import ClassVar

from django.db import models
from django.db.models import Count, Exists, F, OuterRef, Q, Subquery, Sum
from django.db.models.functions import Coalesce, TruncMonth
from django.utils import timezone

from .models import (
    Account,
    Activity,
    BuyingCentre,
    Commitment,
    InfluenceLink,
    Opportunity,
    RevenueLine,
    Stakeholder,
)
from .models.money import MONEY_SUM, base_amount
from .periods import month_starts, trailing_window
from .stakeholder_map import layout

ZERO = Decimal(0)
FIGURES = ("list_revenue_12m", "list_open_pipeline", "list_potential")
# Units the group tree draws under each unit; the rest fold into one row.
SHOWN_UNITS = 10


def _sum_per_account(queryset, value) -> Coalesce:
    """A correlated subquery summing `value` over `queryset` for the outer account."""
    return Coalesce(
        Subquery(
            queryset.filter(account=OuterRef("pk"))
            .order_by()
            .values("account")
            .annotate(total=Sum(value))
            .values("total"),
            output_field=MONEY_SUM,
        ),
        ZERO,
        output_field=MONEY_SUM,
    )


def revenue_12m_expression(as_of: date):
    start, end = trailing_window(as_of)
    lines = RevenueLine.objects.filter(date__gte=start, date__lt=end)
    return _sum_per_account(lines, base_amount())


def open_pipeline_expression():
    return _sum_per_account(Opportunity.objects.open(), base_amount())


def account_list(*, user, as_of: date | None = None) -> models.QuerySet:
    """The accounts a user sees, with what the list shows and sorts by: today's as kept on
    each account (accounts/figures.py), a past day's summed live."""
    accounts = Account.objects.visible_to(user).select_related("owner", "owner__team", "parent")
    if as_of is None or as_of == timezone.localdate():
        return accounts.annotate(
            revenue_12m=F("list_revenue_12m"),
            open_pipeline=F("list_open_pipeline"),
            potential_base=F("list_potential"),
            last_activity=F("list_last_contact"),
            overdue_commitments=F("list_overdue_commitments"),
        )
    overdue = Commitment.objects.overdue(as_of).filter(account=OuterRef("pk"))
    return accounts.annotate(
        revenue_12m=revenue_12m_expression(as_of),
        open_pipeline=open_pipeline_expression(),
        potential_base=base_amount("potential"),
        last_activity=Subquery(
            Activity.objects.filter(account=OuterRef("pk"), date__lte=as_of)
            .order_by("-date")
            .values("date")[:1]
        ),
        overdue_commitments=Coalesce(
            Subquery(overdue.order_by().values("account").annotate(n=Count("pk")).values("n")),
            0,
        ),
    )


@dataclass(slots=True, eq=False)
class Unit:
    """A unit below a group's root as the tree draws it: read as plain values, since making
    1,000 model objects took several times the query's own time."""

    pk: int
    name: str
    parent_id: int
    # The figures kept on its account (accounts/figures.py), under the account's names.
    list_revenue_12m: Decimal | None
    list_open_pipeline: Decimal | None
    list_potential: Decimal | None

    @property
    def id(self) -> int:
        return self.pk

    def __str__(self) -> str:
        return self.name

    def __eq__(self, other) -> bool:
        """The same unit as another Unit, or as the Account it was read from (as accounts
        compare, by id)."""
        if isinstance(other, Unit | Account):
            return self.pk == other.pk
        return NotImplemented

    def __hash__(self) -> int:
        return hash(self.pk)


@dataclass(slots=True)
class GroupNode:
    account: Account | Unit
    depth: int
    # What the tree template asks each row (a Folded row says True): a name the template
    # does not find costs it an exception.
    folded: ClassVar[bool] = False

    @property
    def indent(self) -> int:
        """The depth the page indents by: past six levels a deeper unit sits at six."""
        return min(self.depth, 6)

    revenue_12m: Decimal = ZERO
    potential: Decimal = ZERO
    open_pipeline: Decimal = ZERO
    children: list["GroupNode"] = field(default_factory=list)
    _totals: tuple | None = field(default=None, repr=False, compare=False)

    def totals(self) -> tuple[Decimal, Decimal, Decimal]:
        """This unit plus everything below it; worked out once, as the tree template asks
        every node (and each node would ask its whole subtree again)."""
        if self._totals is None:
            revenue, potential, pipeline = self.revenue_12m, self.potential, self.open_pipeline
            for child in self.children:
                r, p, o = child.totals()
                revenue, potential, pipeline = revenue + r, potential + p, pipeline + o
            self._totals = revenue, potential, pipeline
        return self._totals

    def walk(self):
        """This unit and every unit below it, in tree order (a stack, not a generator per
        unit: a group has 1,000)."""
        stack = [self]
        while stack:
            node = stack.pop()
            yield node
            stack.extend(reversed(node.children))

    def contains(self, pk: int) -> bool:
        if self.account.pk == pk:
            return True
        return bool(self.children) and any(child.contains(pk) for child in self.children)

    def size(self) -> int:
        """How many units this is, with those below it."""
        return 1 + sum(child.size() for child in self.children) if self.children else 1

    def rows(self, current: int, shown: int = SHOWN_UNITS):
        """What the page's tree shows, in tree order: under each unit its `shown` largest
        units by revenue (and the one holding the current account), then one Folded row
        for the rest, so a group of 1,000 units draws a few dozen rows, not 1,000."""
        yield self
        ranked = sorted(self.children, key=lambda child: (-child.totals()[0], child.account.name))
        kept = [c for i, c in enumerate(ranked) if i < shown or c.contains(current)]
        for child in kept:
            yield from child.rows(current, shown)
        drawn = {id(c) for c in kept}  # (by identity: a node's == compares whole subtrees)
        rest = [c for c in ranked if id(c) not in drawn]
        if rest:
            totals = [c.totals() for c in rest]
            yield Folded(
                parent=self,
                depth=self.depth + 1,
                count=sum(c.size() for c in rest),
                totals=tuple(sum((t[i] for t in totals), ZERO) for i in range(3)),
            )


@dataclass
class Folded:
    """The units of a group the tree does not draw one by one, summed."""

    parent: GroupNode
    depth: int
    count: int  # units, with those below them
    totals: tuple
    folded = True

    @property
    def indent(self) -> int:
        return min(self.depth, 6)


def group_units(*, account: Account, user) -> GroupNode:
    """The account's whole group as the user may see it, in tree order, without figures:
    one query per level of the tree, bounded by depth, not size. The root is an account,
    the units below it Units."""
    visible = Account.objects.visible_to(user)
    # The database refuses loops (migration 0011), but rows stored before it may hold one:
    # every walk stops at an account it has already met.
    root, seen = account, {account.pk}
    while root.parent_id is not None and root.parent_id not in seen:
        parent = visible.filter(pk=root.parent_id).first()
        if parent is None:
            break
        root = parent
        seen.add(root.pk)
    by_parent: dict[int, list[Unit]] = defaultdict(list)
    level, placed = [root.pk], {root.pk}
    has_units = Exists(Account.objects.filter(parent=OuterRef("pk")))
    while level:
        # Only what the tree draws: a unit's dossier text is not read for 1,000 units.
        rows_read = (
            visible.filter(parent_id__in=level)
            .annotate(has_units=has_units)
            .order_by("name")
            .values_list("id", "name", "parent_id", *FIGURES, "has_units")
        )
        level = []
        for pk, name, parent_id, revenue, pipeline, potential, below in rows_read:
            if pk in placed:
                continue
            # Every child has a parent: it was found by it.
            by_parent[parent_id].append(Unit(pk, name, parent_id, revenue, pipeline, potential))
            placed.add(pk)
            # The next level asks for the units of those that have some: a group's 1,000
            # units, none with units of their own, took a query naming 1,000 ids to learn it.
            if below:
                level.append(pk)

    def build(unit: Account | Unit, depth: int) -> GroupNode:
        children = [build(child, depth + 1) for child in by_parent[unit.pk]]
        return GroupNode(account=unit, depth=depth, children=children)

    return build(root, 0)


def account_group(*, account: Account, user, as_of: date | None = None) -> GroupNode:
    """The account's group (group_units) with each unit's roll-ups: today's kept on the
    units as they are read, a past day's in one more query."""
    if as_of is None or as_of == timezone.localdate():
        group = group_units(account=account, user=user)
        for node in group.walk():
            # The root (an account) and its units (plain values) both carry the figures
            # kept on each account, what account_list reads for today.
            node.revenue_12m = node.account.list_revenue_12m or ZERO
            node.potential = node.account.list_potential or ZERO
            node.open_pipeline = node.account.list_open_pipeline or ZERO
        return group
    group = group_units(account=account, user=user)
    nodes = list(group.walk())
    figures = {
        row["pk"]: row
        for row in account_list(user=user, as_of=as_of)
        .filter(pk__in=[node.account.pk for node in nodes])
        .values("pk", "revenue_12m", "potential_base", "open_pipeline")
    }
    for node in nodes:
        row = figures.get(node.account.pk, {})
        node.revenue_12m = row.get("revenue_12m") or ZERO
        node.potential = row.get("potential_base") or ZERO
        node.open_pipeline = row.get("open_pipeline") or ZERO
    return group


def monthly_revenue(*, account: Account, as_of: date | None = None, months: int = 24):
    """(month, base-currency total) for each of the last `months` whole months."""
    start, end = trailing_window(as_of or timezone.localdate(), months)
    totals = dict(
        RevenueLine.objects.filter(account=account, date__gte=start, date__lt=end)
        .annotate(month=TruncMonth("date"))
        .values("month")
        .annotate(total=Sum(base_amount()))
        .values_list("month", "total")
    )
    return [(month, totals.get(month) or ZERO) for month in month_starts(start, end)]


def stakeholder_card(*, account: Account, centre: str | int | None = None) -> dict:
    """The account page's people: everyone, their influence links, the buying centres, and
    the map, of everyone or of one buying centre's members (`centre`, its id)."""
    stakeholders = list(
        Stakeholder.objects.filter(account=account).select_related(
            "reports_to", "relationship_holder"
        )
    )
    links = list(
        InfluenceLink.objects.filter(source__account=account).select_related("source", "target")
    )
    centres = list(
        BuyingCentre.objects.filter(account=account)
        .select_related("opportunity")
        .prefetch_related("memberships__stakeholder")
    )
    shown = next((c for c in centres if str(c.pk) == str(centre)), None)
    members = {m.stakeholder_id for m in shown.memberships.all()} if shown else None
    return {
        "stakeholders": stakeholders,
        "influence_links": links,
        "buying_centres": centres,
        "centre": shown,
        "stakeholder_map": layout(stakeholders, links, only=members),
    }


def account_page(*, account: Account, user, centre: str | None = None) -> dict:
    """Everything the account page shows, in a fixed number of queries."""
    today = timezone.localdate()
    activities = list(
        Activity.objects.filter(account=account).prefetch_related("stakeholders")[:20]
    )
    group = account_group(account=account, user=user)
    return stakeholder_card(account=account, centre=centre) | {
        "group": group,
        "group_rows": list(group.rows(account.pk)),
        "opportunities": Opportunity.objects.filter(account=account)
        .select_related("stage", "currency", "product_line")  # (the deal's owner is not shown)
        .prefetch_related("competitors")
        .order_by("stage__outcome", "expected_close"),
        "activities": activities,
        "commitments": Commitment.objects.filter(account=account)
        .filter(Q(done_on__isnull=True) | Q(done_on__gte=today.replace(day=1)))
        .select_related("owner"),
        "competitors": account.competitors.select_related("competitor"),
        "account_team": account.team_members.select_related("user"),
        "win_backs": account.win_backs.all(),
        "last_activity": activities[0].date if activities else None,
    }
