"""Reads for the plan pages: what happened this year, where the people stand, the
whitespace map and the history in words. Nothing here writes (services.py does)."""

import difflib
import json
from collections import defaultdict
from dataclasses import dataclass, field
from decimal import Decimal

from django.db import models
from django.db.models import Count, Q, Sum
from django.utils import formats, timezone
from django.utils.text import capfirst
from django.utils.translation import gettext_lazy as _

from accounts.groups import group_units
from accounts.models import Opportunity, ProductLine, RevenueLine, StageOutcome, Strategy
from accounts.models.money import base_amount
from accounts.periods import add_months, trailing_window

from .models import AccountPlan, PlanRevision, PlanSection, PlanSettings, SectionKind
from .sections import PRIORITIES, SWOT


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
    unit_ids = [unit.pk for unit in units]
    lines = list(ProductLine.objects.filter(is_active=True))
    start, end = trailing_window(timezone.localdate())
    revenue = defaultdict(Decimal)
    for row in (
        RevenueLine.objects.filter(account__in=unit_ids, date__gte=start, date__lt=end)
        .values("account_id", "product_line_id")
        .annotate(total=Sum(base_amount()))
    ):
        revenue[row["account_id"], row["product_line_id"]] = row["total"] or Decimal(0)
    pipeline = defaultdict(Decimal)
    for row in (
        Opportunity.objects.open()
        .filter(account__in=unit_ids)
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


# What each kind of revision is called; a section edit is called by its section.
EVENTS = {
    "created": _("Plan started"),
    "submitted": _("Submitted for approval"),
    "approved": _("Approved"),
    "returned": _("Returned for changes"),
    "closed": _("Closed"),
    "targets": _("Strategy and targets"),
    "people": _("People targets"),
    "goals": _("Goals and KPIs"),
    "actions": _("Action list"),
}
QUARTERLY = {
    "review_q": _("Quarter %(quarter)s reviewed"),
    "signed_off_q": _("Quarter %(quarter)s review signed off"),
}


@dataclass
class Change:
    """A revision as the History shows it: what happened in words, a section edit's
    lines added and removed, the targets' fields with their new values."""

    revision: PlanRevision
    label: str = ""
    diff: list[str] = field(default_factory=list)
    fields: list[tuple[str, str]] = field(default_factory=list)


def plan_history(plan: AccountPlan) -> list[Change]:
    """Every change, newest first."""
    changes = []
    previous: dict[str, str] = {}
    for revision in plan.revisions.select_related("by").order_by("at", "pk"):
        change = Change(revision, label=_event(revision.what))
        if revision.what in SectionKind.values:
            old = previous.get(revision.what, "")
            lines = difflib.unified_diff(
                old.splitlines(), revision.text.splitlines(), lineterm="", n=1
            )
            # Past the file headers; hunk markers (@@ -1 +1 @@) mean nothing to a reader.
            change.diff = [line for line in list(lines)[2:] if not line.startswith("@@")]
            previous[revision.what] = revision.text
        elif revision.what == "targets":
            change.fields = _target_fields(revision.text)
        changes.append(change)
    return changes[::-1]


def section_last_author(section: PlanSection):
    """Who wrote the section's stored text (None for a section never saved)."""
    revision = section.plan.revisions.filter(what=section.kind).select_related("by").first()
    return revision.by if revision else None


def _event(what: str) -> str:
    if what in SectionKind.values:
        return str(SectionKind(what).label)
    if what in EVENTS:
        return str(EVENTS[what])
    for prefix, label in QUARTERLY.items():
        if what.startswith(prefix) and what[len(prefix) :].isdigit():
            return str(label) % {"quarter": what[len(prefix) :]}
    return what


def _target_fields(text: str) -> list[tuple[str, str]]:
    """The targets a save changed, as (field name, value) in the reader's language."""
    try:
        values = json.loads(text)
    except ValueError:  # saved before the values were kept as data: "name: value" lines
        pairs = (line.partition(": ") for line in text.splitlines() if ": " in line)
        return [(name, value) for name, _colon, value in pairs]
    shown = []
    for name, value in values.items():
        model_field = AccountPlan._meta.get_field(name)
        if not isinstance(model_field, models.Field):
            continue  # targets are the plan's own fields; anything else is not shown
        if name == "strategy":
            value = Strategy(value).label if value else "\N{EN DASH}"
        elif isinstance(value, list):
            value = "; ".join(value) or "\N{EN DASH}"
        elif isinstance(model_field, models.DecimalField):
            value = formats.number_format(Decimal(value), 0, use_l10n=True, force_grouping=True)
        shown.append((str(capfirst(model_field.verbose_name)), str(value)))
    return shown


@dataclass
class Check:
    """One item of a draft's checklist; the required ones must be done to submit."""

    label: str
    done: bool
    required: bool


def plan_checklist(plan: AccountPlan, sections: list[PlanSection] | None = None) -> list[Check]:
    """What a plan ready for its director has (004's aspects): the analysis, a strategy
    and a goal with a target are required; the rest makes it a good plan. `sections`:
    the plan's, when the caller has read them already."""
    sections = list(plan.sections.all()) if sections is None else sections
    texts = {s.kind: s.text.strip() for s in sections}
    analysis = bool(texts.get(SectionKind.INDUSTRY))
    targets = bool(plan.contract_value_target or plan.payments_target)
    return [
        Check(str(_("The industry and customer analysis is written")), analysis, True),
        Check(str(_("A strategy is chosen")), bool(plan.strategy), True),
        Check(str(_("At least one goal has a target")), plan.goals.exists(), True),
        Check(
            str(_("The customer's priorities are written")),
            any(texts.get(k) for k in PRIORITIES),
            False,
        ),
        Check(str(_("Every SWOT quadrant is written")), all(texts.get(k) for k in SWOT), False),
        Check(str(_("The contract value or payments target is set")), targets, False),
    ]


@dataclass
class Completeness:
    """How much of the plan is filled in: every text section, the strategy, the targets,
    a goal, the key people and an action each count as one part."""

    missing: list[str]
    total: int

    @property
    def done(self) -> int:
        return self.total - len(self.missing)

    @property
    def percent(self) -> int:
        return round(100 * self.done / self.total)


def plan_completeness(plan: AccountPlan, sections: list[PlanSection]) -> Completeness:
    parts = [(str(s.get_kind_display()), bool(s.text.strip())) for s in sections]
    parts += [
        (str(_("Strategy")), bool(plan.strategy)),
        (
            str(_("Contract value or payments target")),
            bool(plan.contract_value_target or plan.payments_target),
        ),
        (str(_("Goals and KPIs")), plan.goals.exists()),
        (str(_("Key people with targets")), plan.people.exists()),
        (str(_("Action list")), plan.actions.exists()),
    ]
    return Completeness(missing=[label for label, done in parts if not done], total=len(parts))
