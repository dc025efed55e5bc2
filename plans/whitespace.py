"""The whitespace map (000 §4: sell into the whole group): the group's units down the
side, our product lines across, what each cell already brings, and where to cross-sell."""

from collections import defaultdict
from datetime import timedelta
from decimal import Decimal

from django.db import transaction
from django.db.models import Sum
from django.utils import timezone

from accounts.models import (
    Opportunity,
    OpportunityStage,
    OpportunityType,
    ProductLine,
    RevenueLine,
    StageOutcome,
)
from accounts.models.money import base_amount
from accounts.periods import trailing_window
from accounts.selectors import group_units

from .models import AccountPlan, PlanSettings, WhitespaceCell
from .services import can_edit, require_permission


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


@transaction.atomic
def whitespace_mark(*, plan: AccountPlan, unit, product_line, mark: str, note: str, by) -> None:
    require_permission(can_edit(by, plan))
    WhitespaceCell.objects.update_or_create(
        plan=plan, unit=unit, product_line=product_line, defaults={"mark": mark, "note": note}
    )


@transaction.atomic
def whitespace_to_opportunity(*, plan: AccountPlan, unit, product_line, by) -> Opportunity:
    """One click from a 'potential' cell to a cross-sell opportunity to size and pursue."""
    require_permission(can_edit(by, plan))
    first_stage = OpportunityStage.objects.filter(outcome=StageOutcome.OPEN).first()
    settings = PlanSettings.current()
    year_end = settings.quarter_end(plan.fiscal_year, 4)
    return Opportunity.objects.create(
        account=unit,
        name=f"{product_line} for {unit}",
        stage=first_stage,
        amount=0,
        currency=unit.currency,
        probability=first_stage.default_probability,
        expected_close=max(year_end, timezone.localdate() + timedelta(days=30)),
        opportunity_type=OpportunityType.CROSS_SELL,
        product_line=product_line,
        owner=unit.owner,
    )
