"""Every write to a plan: each one checks who may make it and from which state, keeps a
revision row, and refuses a save made on top of text someone else changed meanwhile."""

from dataclasses import dataclass

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, transaction
from django.db.models import Count, F, OuterRef, Q, Subquery, Sum
from django.utils import timezone
from django.utils.translation import gettext as _

from accounts.models import Account, Opportunity, RevenueLine, StageOutcome, Stakeholder
from accounts.models.money import base_amount
from accounts.periods import add_months
from accounts.permissions import can_edit_account
from kamcrm import versioning

from .models import (
    AccountPlan,
    PlanRevision,
    PlanSection,
    PlanSettings,
    PlanStatus,
    QuarterlyReview,
    SectionKind,
)


def can_edit(user, plan: AccountPlan) -> bool:
    """The owner and the account team write the plan (KAMs who may change the account)."""
    return user.is_kam and can_edit_account(user, plan.account)


def can_approve(user, plan: AccountPlan) -> bool:
    """The director of the account's team, or an admin."""
    if user.is_admin:
        return True
    team = plan.account.owner.team  # a KAM may be between teams: then only admins approve
    return user.is_director and team is not None and team.director_id == user.pk


def require_permission(allowed: bool) -> None:
    if not allowed:
        raise PermissionDenied


def require_status(plan: AccountPlan, *statuses: str) -> None:
    if plan.status not in statuses:
        raise ValidationError(
            _("Not possible while the plan is %(status)s.") % {"status": plan.get_status_display()}
        )


class PlanExists(ValidationError):
    """Someone started the account's plan for that year a moment before (`plan`)."""

    def __init__(self, plan: AccountPlan):
        super().__init__(
            _("The FY %(year)s plan was started a moment ago by someone else; here it is.")
            % {"year": plan.fiscal_year}
        )
        self.plan = plan


@transaction.atomic
def plan_create(*, account: Account, fiscal_year: int, by, copy_from: AccountPlan | None = None):
    """A new draft with every section; from last year's plan when given. Two people
    starting the same plan at once: one creates it, the other gets PlanExists."""
    try:
        with transaction.atomic():  # a savepoint: the unique constraint decides
            plan = AccountPlan.objects.create(
                account=account,
                fiscal_year=fiscal_year,
                strategy=(copy_from.strategy if copy_from else account.strategy),
                strategy_reason=copy_from.strategy_reason if copy_from else "",
                tactics=list(copy_from.tactics) if copy_from else [],
            )
    except IntegrityError:
        raise PlanExists(
            AccountPlan.objects.get(account=account, fiscal_year=fiscal_year)
        ) from None
    texts = {s.kind: s.text for s in copy_from.sections.all()} if copy_from else {}
    PlanSection.objects.bulk_create(
        PlanSection(plan=plan, kind=kind, text=texts.get(kind, "")) for kind in SectionKind
    )
    PlanRevision.objects.create(
        plan=plan,
        what="created",
        by=by,
        text=_("Copied from FY %(year)s") % {"year": copy_from.fiscal_year} if copy_from else "",
    )
    return plan


class StaleEdit(versioning.StaleEdit):
    """Someone saved the section, or the plan's targets, after this editor opened it;
    `section` is what is stored now (a PlanSection, or the AccountPlan)."""

    def __init__(self, section: PlanSection | AccountPlan):
        self.section = section


@transaction.atomic
def section_save(*, section: PlanSection, text: str, version: int, by) -> PlanSection:
    plan = section.plan
    require_permission(can_edit(by, plan))
    require_status(plan, PlanStatus.DRAFT)
    # The row the update touches is ours; none touched means someone saved first.
    updated = PlanSection.objects.filter(pk=section.pk, version=version).update(
        text=text, version=F("version") + 1
    )
    if not updated:
        section.refresh_from_db()
        raise StaleEdit(section)
    PlanRevision.objects.create(plan=plan, what=section.kind, text=text, by=by)
    section.refresh_from_db()
    return section


def _transition(plan: AccountPlan, by, what: str, text: str = "", **changes) -> AccountPlan:
    for field, value in changes.items():
        setattr(plan, field, value)
    plan.version += 1
    plan.save(update_fields=[*changes, "version", "updated_at"])
    PlanRevision.objects.create(plan=plan, what=what, text=text, by=by)
    return plan


@transaction.atomic
def plan_submit(*, plan: AccountPlan, by) -> AccountPlan:
    require_permission(can_edit(by, plan))
    require_status(plan, PlanStatus.DRAFT)
    return _transition(plan, by, "submitted", status=PlanStatus.SUBMITTED)


@transaction.atomic
def plan_approve(*, plan: AccountPlan, by) -> AccountPlan:
    require_permission(can_approve(by, plan))
    require_status(plan, PlanStatus.SUBMITTED)
    # The people section records where each relationship stood when the plan was agreed.
    people = Stakeholder.objects.filter(pk=OuterRef("stakeholder_id"))
    plan.people.update(
        closeness_at_approval=Subquery(people.values("relationship_closeness")[:1]),
        solution_at_approval=Subquery(people.values("solution_acceptance")[:1]),
        price_at_approval=Subquery(people.values("price_acceptance")[:1]),
    )
    return _transition(
        plan,
        by,
        "approved",
        status=PlanStatus.APPROVED,
        approved_by=by,
        approved_at=timezone.now(),
        return_comment="",
    )


@transaction.atomic
def plan_return(*, plan: AccountPlan, by, comment: str) -> AccountPlan:
    require_permission(can_approve(by, plan))
    require_status(plan, PlanStatus.SUBMITTED)
    if not comment.strip():
        raise ValidationError(_("Say what needs to change."))
    return _transition(
        plan, by, "returned", comment, status=PlanStatus.DRAFT, return_comment=comment
    )


@transaction.atomic
def plan_close(*, plan: AccountPlan, by) -> AccountPlan:
    require_permission(can_approve(by, plan))
    require_status(plan, PlanStatus.APPROVED)
    return _transition(plan, by, "closed", status=PlanStatus.CLOSED)


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


@transaction.atomic
def review_record(
    *, plan: AccountPlan, quarter: int, by, customer_changes: str, adjustments: str
) -> QuarterlyReview:
    require_permission(can_edit(by, plan))
    require_status(plan, PlanStatus.APPROVED)
    already = ValidationError(_("Quarter %(q)d is already reviewed.") % {"q": quarter})
    if plan.reviews.filter(quarter=quarter).exists():
        raise already
    try:
        with transaction.atomic():  # two reviews of one quarter at once: one lands
            review = QuarterlyReview.objects.create(
                plan=plan,
                quarter=quarter,
                actuals=plan_actuals(plan).as_dict(),
                customer_changes=customer_changes,
                adjustments=adjustments,
                reviewed_by=by,
            )
    except IntegrityError:
        raise already from None
    PlanRevision.objects.create(
        plan=plan, what=f"review_q{quarter}", text=f"{customer_changes}\n\n{adjustments}", by=by
    )
    return review


@transaction.atomic
def review_sign_off(*, review: QuarterlyReview, by) -> QuarterlyReview:
    require_permission(can_approve(by, review.plan))
    if review.signed_off_at:
        raise ValidationError(_("This review is already signed off."))
    review.signed_off_by, review.signed_off_at = by, timezone.now()
    review.save(update_fields=["signed_off_by", "signed_off_at"])
    PlanRevision.objects.create(plan=review.plan, what=f"signed_off_q{review.quarter}", by=by)
    return review


@transaction.atomic
def plan_update_targets(*, plan: AccountPlan, data: dict, version: int, by) -> AccountPlan:
    """Strategy, tactics and targets; refused like a section when the plan moved on."""
    require_permission(can_edit(by, plan))
    require_status(plan, PlanStatus.DRAFT)
    updated = AccountPlan.objects.filter(pk=plan.pk, version=version).update(
        **data, version=F("version") + 1, updated_at=timezone.now()
    )
    if not updated:
        raise StaleEdit(plan)
    PlanRevision.objects.create(
        plan=plan, what="targets", by=by, text="\n".join(f"{k}: {v}" for k, v in data.items())
    )
    plan.refresh_from_db()
    return plan


def people_summary(plan: AccountPlan) -> dict:
    """Each key person's overall closeness now, at approval and as targeted, averaged per
    department and for the account (004's ECM)."""
    rows = list(plan.people.select_related("stakeholder"))
    departments: dict[str, list] = {}
    for row in rows:
        person = row.stakeholder
        row.at_approval = (
            (row.closeness_at_approval + row.solution_at_approval + row.price_at_approval) / 3
            if row.closeness_at_approval is not None
            else None
        )
        departments.setdefault(person.department or "\N{EN DASH}", []).append(row)

    def averages(group: list) -> tuple[float, float]:
        now = sum(r.stakeholder.overall_closeness for r in group) / len(group)
        return now, sum(r.target_overall for r in group) / len(group)

    return {
        "rows": rows,
        "departments": [(name, *averages(group)) for name, group in sorted(departments.items())],
        "account": averages(rows) if rows else None,
    }
