"""Reads for the account list and page: set-based, a bounded number of queries each."""

from datetime import date
from decimal import Decimal

from django.db import models
from django.db.models import Count, F, OuterRef, Q, Subquery, Sum
from django.db.models.functions import Coalesce, TruncMonth
from django.utils import timezone

from .groups import group_rows
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


def account_overview(*, account: Account, user) -> dict:
    """What the account page's overview shows: the group, the deals, what is due and what
    happened, in a fixed number of queries."""
    today = timezone.localdate()
    activities = list(
        Activity.objects.filter(account=account).prefetch_related("stakeholders")[:20]
    )
    rows = group_rows(account=account, user=user)
    return {
        "group": rows[0],
        "group_rows": rows,
        "opportunities": Opportunity.objects.filter(account=account)
        .select_related("stage", "currency", "product_line")  # (the deal's owner is not shown)
        .prefetch_related("competitors")
        .order_by("stage__outcome", "expected_close"),
        "activities": activities,
        "commitments": Commitment.objects.filter(account=account)
        .filter(Q(done_on__isnull=True) | Q(done_on__gte=today.replace(day=1)))
        .select_related("owner"),
        "win_backs": account.win_backs.all(),
        "last_activity": activities[0].date if activities else None,
    }


def account_people(*, account: Account, centre: str | None = None) -> dict:
    """The account's People tab: its stakeholder map, the competitors met there and our
    own team on it."""
    return stakeholder_card(account=account, centre=centre) | {
        "competitors": account.competitors.select_related("competitor"),
        "account_team": account.team_members.select_related("user"),
    }


def last_activity_on(account: Account) -> date | None:
    """The day of the account's latest activity, for the tabs that list none."""
    return Activity.objects.filter(account=account).values_list("date", flat=True).first()


def brief_context(*, account: Account, user) -> dict:
    """Everything the meeting brief puts on one page."""
    return account_overview(account=account, user=user) | account_people(account=account)
