"""Reads for the plan pages: what happened this year, where the people stand, the
whitespace map and the history in words. Nothing here writes (services.py does)."""

import difflib
from collections import defaultdict
from dataclasses import dataclass, field
from decimal import Decimal

from django.db.models import Count, Q, Sum
from django.utils import timezone

from accounts.models import Opportunity, ProductLine, RevenueLine, StageOutcome
from accounts.models.money import base_amount
from accounts.periods import add_months, trailing_window
from accounts.selectors import group_units

from .models import AccountPlan, PlanRevision, PlanSettings, SectionKind


@dataclass
class Actuals:
    """What happened this fiscal year so far, computed live, in the base currency."""

    opportunities_open: int
    opportunities_won: int
    contract_value_signed: object
    payments_collected: object

    def as_dict(self) -> dict:
        return {k: str(v) for k, v in self.__dict__.items()}


def plan_actuals(plan: AccountPlan) -> Actuals:
    settings = PlanSettings.current()
    start = settings.year_start(plan.fiscal_year)
    end = add_months(start, 12)
    won_this_year = Q(
        stage__outcome=StageOutcome.WON, expected_close__gte=start, expected_close__lt=end
    )
    deals = Opportunity.objects.filter(account=plan.account).aggregate(
        open=Count("pk", filter=Q(stage__outcome=StageOutcome.OPEN)),
        won=Count("pk", filter=won_this_year),
        signed=Sum(base_amount(), filter=won_this_year),
    )
    paid = RevenueLine.objects.filter(
        account=plan.account, date__gte=start, date__lt=end
    ).aggregate(total=Sum(base_amount()))["total"]
    return Actuals(
        opportunities_open=deals["open"],
        opportunities_won=deals["won"],
        contract_value_signed=deals["signed"] or 0,
        payments_collected=paid or 0,
    )


def people_summary(plan: AccountPlan) -> dict:
    """Each key person's overall closeness now, at approval and as targeted, averaged per
    department and for the account (004's ECM)."""
    rows = list(plan.people.select_related("stakeholder"))
    departments: dict[str, list] = {}
    for row in rows:
        departments.setdefault(row.stakeholder.department or "\N{EN DASH}", []).append(row)

    def averages(group: list) -> tuple[float, float]:
        now = sum(r.stakeholder.overall_closeness for r in group) / len(group)
        return now, sum(r.target_overall for r in group) / len(group)

    return {
        "rows": rows,
        "departments": [(name, *averages(group)) for name, group in sorted(departments.items())],
        "account": averages(rows) if rows else None,
    }


def whitespace_grid(*, plan: AccountPlan, user) -> dict:
    """Rows of (unit, cells); each cell has revenue, open pipeline, its mark and note."""
    units = [node.account for node in group_units(account=plan.account, user=user).walk()]
    lines = list(ProductLine.objects.filter(is_active=True))
    start, end = trailing_window(timezone.localdate())
    revenue = defaultdict(Decimal)
    for row in (
        RevenueLine.objects.filter(account__in=units, date__gte=start, date__lt=end)
        .values("account_id", "product_line_id")
        .annotate(total=Sum(base_amount()))
    ):
        revenue[row["account_id"], row["product_line_id"]] = row["total"] or Decimal(0)
    pipeline = defaultdict(Decimal)
    for row in (
        Opportunity.objects.open()
        .filter(account__in=units)
        .values("account_id", "product_line_id")
        .annotate(total=Sum(base_amount()))
    ):
        pipeline[row["account_id"], row["product_line_id"]] = row["total"] or Decimal(0)
    marks = {(c.unit_id, c.product_line_id): c for c in plan.whitespace.all()}
    rows = []
    for unit in units:
        cells = []
        for line in lines:
            key = (unit.pk, line.pk)
            mark = marks.get(key)
            cells.append(
                {
                    "unit": unit,
                    "line": line,
                    "revenue": revenue.get(key, Decimal(0)),
                    "pipeline": pipeline.get(key, Decimal(0)),
                    "mark": mark.mark if mark else "",
                    "note": mark.note if mark else "",
                }
            )
        rows.append((unit, cells))
    return {"lines": lines, "rows": rows}


@dataclass
class Change:
    """A revision as the History shows it: a section edit's name and line diff."""

    revision: PlanRevision
    label: str = ""
    diff: list[str] = field(default_factory=list)


def plan_history(plan: AccountPlan) -> list[Change]:
    """Every change, newest first, with a line diff for each section edit."""
    changes = []
    previous: dict[str, str] = {}
    for revision in plan.revisions.select_related("by").order_by("at", "pk"):
        change = Change(revision)
        if revision.what in SectionKind.values:
            old = previous.get(revision.what, "")
            change.diff = list(
                difflib.unified_diff(old.splitlines(), revision.text.splitlines(), lineterm="", n=1)
            )[2:]
            change.label = str(SectionKind(revision.what).label)
            previous[revision.what] = revision.text
        changes.append(change)
    return changes[::-1]
