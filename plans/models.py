"""Yearly account plans (004 §3, 002): sections, goals, actions, quarterly reviews, and the
record of every change and reminder."""

from datetime import date, timedelta

import pghistory
from django.conf import settings
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from accounts.models import Account, NineBoxClass, Strategy
from accounts.models.history import trackers
from accounts.models.money import MoneyField
from accounts.periods import add_months
from kamcrm.versioning import Versioned

from .sections import PROMPTS, SectionKind


class PlanSettings(Versioned):
    """Admin-editable planning settings, kept in one row."""

    fiscal_year_start_month = models.PositiveSmallIntegerField(
        _("fiscal year starts in month"),
        default=1,
        validators=[MinValueValidator(1), MaxValueValidator(12)],
    )
    remind_days_before_review = models.PositiveSmallIntegerField(
        _("remind the owner this many days before a review is due"), default=14
    )
    escalate_days_after_review = models.PositiveSmallIntegerField(
        _("tell the director when a review is this many days overdue"), default=7
    )

    class Meta:
        verbose_name = _("planning settings")
        verbose_name_plural = _("planning settings")

    def __str__(self) -> str:
        return str(_("Planning settings"))

    @classmethod
    def current(cls) -> "PlanSettings":
        return cls.objects.get_or_create(pk=1)[0]

    def year_start(self, fiscal_year: int) -> date:
        """Fiscal years are named after the calendar year they start in."""
        return date(fiscal_year, self.fiscal_year_start_month, 1)

    @classmethod
    def current_year_start(cls, today: date) -> date:
        """The first day of the fiscal year `today` is in, as the admin set it."""
        settings = cls.current()
        return settings.year_start(settings.fiscal_year_of(today))

    def fiscal_year_of(self, day: date) -> int:
        return day.year if day.month >= self.fiscal_year_start_month else day.year - 1

    def quarters_due(self, fiscal_year: int, day: date) -> int:
        """How many of the year's quarterly reviews fall due by `day`."""
        return sum(self.quarter_end(fiscal_year, q) <= day for q in range(1, 5))

    def reviews_expected(self, fiscal_year: int, today: date) -> tuple[int, int]:
        """How many of the year's reviews are due (within the reminder window) and how
        many overdue (past the escalation delay) on `today`: the reminders' own rules."""
        return (
            self.quarters_due(fiscal_year, today + timedelta(days=self.remind_days_before_review)),
            self.quarters_due(fiscal_year, today - timedelta(days=self.escalate_days_after_review)),
        )

    def quarter_end(self, fiscal_year: int, quarter: int) -> date:
        """The last day of the quarter: when its review falls due."""
        return add_months(self.year_start(fiscal_year), 3 * quarter) - timedelta(days=1)


class PlanStatus(models.TextChoices):
    DRAFT = "draft", _("Draft")
    SUBMITTED = "submitted", _("Submitted")
    APPROVED = "approved", _("Approved")
    CLOSED = "closed", _("Closed")


class PlanQuerySet(models.QuerySet):
    def visible_to(self, user):
        """The owner, the account team, the team's director and admins see a plan."""
        return self.filter(account__in=Account.objects.editable_by(user))


def accounts_needing_plan(accounts, *, fiscal_year: int):
    """The class A and C accounts among `accounts` with no plan for the year, in any state:
    those 004 expects a plan for (reminders, the dashboards, the demo)."""
    return accounts.filter(nine_box_class__in=[NineBoxClass.A, NineBoxClass.C]).exclude(
        plans__fiscal_year=fiscal_year
    )


class AccountPlan(Versioned):
    account = models.ForeignKey(Account, on_delete=models.CASCADE, related_name="plans")
    fiscal_year = models.PositiveSmallIntegerField(_("fiscal year"))
    status = models.CharField(
        _("status"), max_length=10, choices=PlanStatus, default=PlanStatus.DRAFT
    )
    strategy = models.CharField(_("strategy"), max_length=20, choices=Strategy, blank=True)
    strategy_reason = models.TextField(
        _("why this strategy"), blank=True, help_text=_("Needed when it differs from the tier's.")
    )
    tactics = models.JSONField(_("chosen tactics"), default=list, blank=True)
    opportunities_to_cultivate = models.PositiveIntegerField(
        _("opportunities to cultivate"), default=0
    )
    opportunities_to_capture = models.PositiveIntegerField(_("opportunities to capture"), default=0)
    contract_value_target = MoneyField(_("contract value to sign"), default=0)
    payments_target = MoneyField(_("payments to collect"), default=0)
    return_comment = models.TextField(_("director's comments"), blank=True)
    approved_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    approved_at = models.DateTimeField(null=True, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    objects = PlanQuerySet.as_manager()

    class Meta:
        ordering = ["-fiscal_year", "account__name"]
        verbose_name = _("account plan")
        verbose_name_plural = _("account plans")
        constraints = [
            models.UniqueConstraint(fields=["account", "fiscal_year"], name="one_plan_a_year")
        ]

    def __str__(self) -> str:
        return _("%(account)s, FY %(year)s") % {"account": self.account, "year": self.fiscal_year}


class PlanSection(Versioned):
    """One section's text; `version` refuses a save made on top of an older text."""

    plan = models.ForeignKey(AccountPlan, on_delete=models.CASCADE, related_name="sections")
    kind = models.CharField(max_length=30, choices=SectionKind)
    text = models.TextField(blank=True)

    class Meta:
        ordering = ["plan", "pk"]
        constraints = [models.UniqueConstraint(fields=["plan", "kind"], name="one_section_a_kind")]

    def __str__(self) -> str:
        return self.get_kind_display()

    @property
    def prompt(self) -> str:
        """The question the section answers, in the reader's language."""
        return str(PROMPTS[SectionKind(self.kind)])


class PlanRevision(models.Model):
    """Every change to a plan: a section's new text, a transition, a review. Append-only."""

    plan = models.ForeignKey(AccountPlan, on_delete=models.CASCADE, related_name="revisions")
    what = models.CharField(max_length=40)  # a SectionKind, or an event such as "approved"
    text = models.TextField(blank=True)
    by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    at = models.DateTimeField(auto_now_add=True, db_index=True)

    class Meta:
        ordering = ["-at", "-pk"]

    def __str__(self) -> str:
        return f"{self.plan} {self.what} {self.at:%Y-%m-%d}"


class ActionStatus(models.TextChoices):
    OPEN = "open", _("Open")
    DONE = "done", _("Done")
    DROPPED = "dropped", _("Dropped")


class PlanActionQuerySet(models.QuerySet):
    def overdue(self, today=None):
        return self.filter(status=ActionStatus.OPEN, due__lt=today or timezone.localdate())


class PlanAction(Versioned):
    plan = models.ForeignKey(AccountPlan, on_delete=models.CASCADE, related_name="actions")
    what = models.CharField(_("what"), max_length=300)
    owner = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        related_name="+",
        verbose_name=_("owner"),
    )
    due = models.DateField(_("due"))
    status = models.CharField(
        _("status"), max_length=10, choices=ActionStatus, default=ActionStatus.OPEN
    )

    objects = PlanActionQuerySet.as_manager()

    class Meta:
        ordering = ["due", "pk"]

    def __str__(self) -> str:
        return self.what

    @property
    def is_overdue(self) -> bool:
        return self.status == ActionStatus.OPEN and self.due < timezone.localdate()


class QuarterlyReview(models.Model):
    plan = models.ForeignKey(AccountPlan, on_delete=models.CASCADE, related_name="reviews")
    quarter = models.PositiveSmallIntegerField(
        _("quarter"), validators=[MinValueValidator(1), MaxValueValidator(4)]
    )
    actuals = models.JSONField(_("actuals when reviewed"), default=dict)
    customer_changes = models.TextField(
        _("changes at the customer"),
        blank=True,
        help_text=_("Mergers, new investment, expansion, crises."),
    )
    adjustments = models.TextField(_("adjustments to the plan"), blank=True)
    reviewed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    reviewed_at = models.DateTimeField(auto_now_add=True)
    signed_off_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    signed_off_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["quarter"]
        constraints = [
            models.UniqueConstraint(fields=["plan", "quarter"], name="one_review_a_quarter")
        ]

    def __str__(self) -> str:
        return f"{self.plan} Q{self.quarter}"


class ReminderKind(models.TextChoices):
    REVIEW_DUE = "review_due", _("Review due soon")
    REVIEW_OVERDUE = "review_overdue", _("Review overdue")
    PLAN_MISSING = "plan_missing", _("No plan yet")


class Reminder(models.Model):
    """A reminder sent. The unique key makes duplicate beats, retries and two workers
    harmless: whoever inserts the row sends, everyone else finds it there."""

    account = models.ForeignKey(Account, on_delete=models.CASCADE, related_name="+")
    fiscal_year = models.PositiveSmallIntegerField()
    quarter = models.PositiveSmallIntegerField(default=0)  # 0 for a missing plan
    kind = models.CharField(max_length=20, choices=ReminderKind)
    sent_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["account", "fiscal_year", "quarter", "kind"], name="remind_once"
            )
        ]

    def __str__(self) -> str:
        return f"{self.kind} {self.account_id} FY{self.fiscal_year} Q{self.quarter}"


class PlanGoal(Versioned):
    """A goal or KPI of the plan (revenue against target, retention, growth, ...)."""

    plan = models.ForeignKey(AccountPlan, on_delete=models.CASCADE, related_name="goals")
    name = models.CharField(_("goal or KPI"), max_length=200)
    unit = models.CharField(_("unit"), max_length=30, blank=True, help_text=_("e.g. %, USD, deals"))
    target = models.DecimalField(_("target"), max_digits=18, decimal_places=2)
    actual = models.DecimalField(
        _("actual"), max_digits=18, decimal_places=2, null=True, blank=True
    )

    class Meta:
        ordering = ["pk"]

    def __str__(self) -> str:
        return self.name


class PeopleTarget(Versioned):
    """004's ECM: a key person's scores when the plan was approved, and where we aim."""

    plan = models.ForeignKey(AccountPlan, on_delete=models.CASCADE, related_name="people")
    stakeholder = models.ForeignKey(
        "accounts.Stakeholder", on_delete=models.CASCADE, related_name="+", verbose_name=_("person")
    )
    closeness_at_approval = models.PositiveSmallIntegerField(null=True, blank=True)
    solution_at_approval = models.PositiveSmallIntegerField(null=True, blank=True)
    price_at_approval = models.PositiveSmallIntegerField(null=True, blank=True)
    target_closeness = models.PositiveSmallIntegerField(
        _("target closeness"), validators=[MinValueValidator(1), MaxValueValidator(5)]
    )
    target_solution = models.PositiveSmallIntegerField(
        _("target solution acceptance"), validators=[MinValueValidator(1), MaxValueValidator(5)]
    )
    target_price = models.PositiveSmallIntegerField(
        _("target price acceptance"), validators=[MinValueValidator(1), MaxValueValidator(5)]
    )

    class Meta:
        ordering = ["stakeholder__department", "stakeholder__name"]
        constraints = [
            models.UniqueConstraint(fields=["plan", "stakeholder"], name="one_target_a_person")
        ]

    def __str__(self) -> str:
        return str(self.stakeholder)

    @property
    def target_overall(self) -> float:
        return (self.target_closeness + self.target_solution + self.target_price) / 3

    @property
    def overall_at_approval(self) -> float | None:
        """The person's overall closeness when the plan was approved; None before."""
        scores = (self.closeness_at_approval, self.solution_at_approval, self.price_at_approval)
        return None if None in scores else sum(s for s in scores if s is not None) / 3


class WhitespaceMark(models.TextChoices):
    POTENTIAL = "potential", _("Potential")
    NOT_A_FIT = "not_a_fit", _("Not a fit")


class WhitespaceCell(models.Model):
    """A group unit by one of our product lines, marked where nothing is sold yet."""

    plan = models.ForeignKey(AccountPlan, on_delete=models.CASCADE, related_name="whitespace")
    unit = models.ForeignKey(Account, on_delete=models.CASCADE, related_name="+")
    product_line = models.ForeignKey(
        "accounts.ProductLine", on_delete=models.CASCADE, related_name="+"
    )
    mark = models.CharField(_("mark"), max_length=10, choices=WhitespaceMark, blank=True)
    note = models.CharField(_("note"), max_length=200, blank=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["plan", "unit", "product_line"], name="one_cell_per_unit_and_line"
            )
        ]

    def __str__(self) -> str:
        return f"{self.unit} / {self.product_line}"


# The audit trail (kamcrm/audit.py), beside the plan's own record (PlanRevision): the
# revisions are the plan's story as its services tell it, each section's whole text (the
# History page diffs them line by line), every transition, review and save of a row
# list, with who made it. The trail adds what the revisions leave out: each field's old
# and new value on the plan (strategy, targets, status), its goals, actions and people
# targets, including writes no service announces (a queryset .update(), the admin, a
# data fix). Sections are not tracked: their every text is a revision already.
class AccountPlanEvent(
    pghistory.create_event_model(  # type: ignore[misc]  # pghistory builds the base
        AccountPlan,
        *trackers(),
        # approved_at is the approval event's own time; the rest is bookkeeping.
        exclude=["version", "created_at", "updated_at", "approved_at"],
        append_only=True,
    )
):
    class Meta:
        verbose_name = _("plan change")
        verbose_name_plural = _("plan changes")


class PlanGoalEvent(
    pghistory.create_event_model(PlanGoal, *trackers(), exclude=["version"], append_only=True)  # type: ignore[misc]  # pghistory builds the base
):
    class Meta:
        verbose_name = _("goal change")
        verbose_name_plural = _("goal changes")


class PlanActionEvent(
    pghistory.create_event_model(PlanAction, *trackers(), exclude=["version"], append_only=True)  # type: ignore[misc]  # pghistory builds the base
):
    class Meta:
        verbose_name = _("action change")
        verbose_name_plural = _("action changes")


class PeopleTargetEvent(
    pghistory.create_event_model(  # type: ignore[misc]  # pghistory builds the base
        PeopleTarget,
        *trackers(),
        # The scores at approval are copied from the people by the approval itself (one
        # UPDATE, plan_approve); the approval shows as the plan's status changing.
        exclude=["version", "closeness_at_approval", "solution_at_approval", "price_at_approval"],
        append_only=True,
    )
):
    class Meta:
        verbose_name = _("people target change")
        verbose_name_plural = _("people target changes")
