"""Every write to a plan: each one checks who may make it (plans/permissions.py) and
from which state, keeps a revision row, and refuses a save made on top of text someone
else changed meanwhile (kamcrm/versioning.py). Writes the dashboards count (a plan's
existence, state, targets, reviews, actions and people targets; not its texts) announce
the portfolio they changed. Reads are in selectors.py."""

import json
from datetime import timedelta

from django.core.exceptions import ValidationError
from django.core.serializers.json import DjangoJSONEncoder
from django.db import IntegrityError, transaction
from django.db.models import OuterRef, Subquery
from django.utils import timezone
from django.utils.translation import gettext as _

from accounts.models import (
    Account,
    Opportunity,
    OpportunityStage,
    OpportunityType,
    StageOutcome,
    Stakeholder,
)
from kamcrm.permissions import require
from kamcrm.signals import announce_portfolio_change, owners_touched
from kamcrm.versioning import StaleEdit, claim_version

from .models import (
    AccountPlan,
    ActionStatus,
    PlanAction,
    PlanRevision,
    PlanSection,
    PlanSettings,
    PlanStatus,
    QuarterlyReview,
    SectionKind,
    WhitespaceCell,
)
from .selectors import plan_actuals, plan_checklist

CHANGE, APPROVE = "plans.change_accountplan", "plans.approve_accountplan"


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
    require(by, "plans.add_accountplan", account)
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
    announce_portfolio_change(account_ids=[account.pk])
    PlanRevision.objects.create(
        plan=plan,
        what="created",
        by=by,
        text=_("Copied from FY %(year)s") % {"year": copy_from.fiscal_year} if copy_from else "",
    )
    return plan


# The plan page saves a section at every pause in typing: one author's saves of one
# section in a row, each within this time of the last, make one revision in the History.
REVISION_WINDOW = timedelta(minutes=10)


@transaction.atomic
def section_save(*, section: PlanSection, text: str, version: int, by) -> PlanSection:
    plan = section.plan
    require(by, CHANGE, plan)
    require_status(plan, PlanStatus.DRAFT)
    if text == section.text:
        return section  # an autosave with nothing new: no version, no revision
    if not claim_version(PlanSection, section.pk, version, text=text):
        section.refresh_from_db()
        raise StaleEdit(section)
    now = timezone.now()
    last = plan.revisions.first()
    if (
        last
        and (last.what, last.by_id) == (section.kind, by.pk)
        and last.at > now - REVISION_WINDOW
    ):
        PlanRevision.objects.filter(pk=last.pk).update(text=text, at=now)
    else:
        PlanRevision.objects.create(plan=plan, what=section.kind, text=text, by=by)
    section.refresh_from_db()
    return section


def _transition(plan: AccountPlan, by, what: str, text: str = "", **changes) -> AccountPlan:
    for field, value in changes.items():
        setattr(plan, field, value)
    plan.version += 1
    plan.save(update_fields=[*changes, "version", "updated_at"])
    PlanRevision.objects.create(plan=plan, what=what, text=text, by=by)
    announce_portfolio_change(account_ids=[plan.account_id])
    return plan


@transaction.atomic
def plan_submit(*, plan: AccountPlan, by) -> AccountPlan:
    require(by, CHANGE, plan)
    require_status(plan, PlanStatus.DRAFT)
    missing = [c.label for c in plan_checklist(plan) if c.required and not c.done]
    if missing:
        raise ValidationError(
            _("Not ready to submit: %(missing)s.") % {"missing": "; ".join(missing)}
        )
    return _transition(plan, by, "submitted", status=PlanStatus.SUBMITTED)


@transaction.atomic
def plan_approve(*, plan: AccountPlan, by, comment: str = "") -> AccountPlan:
    require(by, APPROVE, plan)
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
        comment.strip(),
        status=PlanStatus.APPROVED,
        approved_by=by,
        approved_at=timezone.now(),
        return_comment="",
    )


@transaction.atomic
def plan_return(*, plan: AccountPlan, by, comment: str) -> AccountPlan:
    require(by, APPROVE, plan)
    require_status(plan, PlanStatus.SUBMITTED)
    if not comment.strip():
        raise ValidationError(_("Say what needs to change."))
    return _transition(
        plan, by, "returned", comment, status=PlanStatus.DRAFT, return_comment=comment
    )


@transaction.atomic
def plan_close(*, plan: AccountPlan, by) -> AccountPlan:
    require(by, APPROVE, plan)
    require_status(plan, PlanStatus.APPROVED)
    return _transition(plan, by, "closed", status=PlanStatus.CLOSED)


@transaction.atomic
def review_record(
    *, plan: AccountPlan, quarter: int, by, customer_changes: str, adjustments: str
) -> QuarterlyReview:
    require(by, CHANGE, plan)
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
    announce_portfolio_change(account_ids=[plan.account_id])
    PlanRevision.objects.create(
        plan=plan, what=f"review_q{quarter}", text=f"{customer_changes}\n\n{adjustments}", by=by
    )
    return review


@transaction.atomic
def review_sign_off(*, review: QuarterlyReview, by) -> QuarterlyReview:
    require(by, APPROVE, review.plan)
    if review.signed_off_at:
        raise ValidationError(_("This review is already signed off."))
    review.signed_off_by, review.signed_off_at = by, timezone.now()
    review.save(update_fields=["signed_off_by", "signed_off_at"])
    PlanRevision.objects.create(plan=review.plan, what=f"signed_off_q{review.quarter}", by=by)
    return review


@transaction.atomic
def plan_update_targets(*, plan: AccountPlan, data: dict, version: int, by) -> AccountPlan:
    """Strategy, tactics and targets; refused like a section when the plan moved on."""
    require(by, CHANGE, plan)
    require_status(plan, PlanStatus.DRAFT)
    if not claim_version(AccountPlan, plan.pk, version, **data, updated_at=timezone.now()):
        raise StaleEdit(plan)
    announce_portfolio_change(account_ids=[plan.account_id])
    # The values as data: the History words them in each reader's language.
    PlanRevision.objects.create(
        plan=plan, what="targets", by=by, text=json.dumps(data, cls=DjangoJSONEncoder)
    )
    plan.refresh_from_db()
    return plan


@transaction.atomic
def whitespace_mark(*, plan: AccountPlan, unit, product_line, mark: str, note: str, by) -> None:
    require(by, CHANGE, plan)
    WhitespaceCell.objects.update_or_create(
        plan=plan, unit=unit, product_line=product_line, defaults={"mark": mark, "note": note}
    )


@transaction.atomic
def whitespace_to_opportunity(*, plan: AccountPlan, unit, product_line, by) -> Opportunity:
    """One click from a 'potential' cell to a cross-sell opportunity to size and pursue."""
    require(by, CHANGE, plan)
    first_stage = OpportunityStage.objects.filter(outcome=StageOutcome.OPEN).first()
    if first_stage is None:
        raise ValidationError(_("Set up an open opportunity stage first (Settings)."))
    settings = PlanSettings.current()
    year_end = settings.quarter_end(plan.fiscal_year, 4)
    announce_portfolio_change(account_ids=[unit.pk])
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


@transaction.atomic
def plan_rows_save(*, plan: AccountPlan, which: str, formset, by) -> None:
    """A row editor's rows (people targets, goals, actions), each refused on its own when
    someone saved it meanwhile (StaleEdit: nothing of this save is kept)."""
    require(by, CHANGE, plan)
    saved = formset.save()
    # An action counts for its own owner, who may be a teammate.
    announce_portfolio_change(
        owner_ids=owners_touched(formset, saved), account_ids=[plan.account_id]
    )
    PlanRevision.objects.create(
        plan=plan,
        what=which,
        by=by,
        text="\n".join(str(f.instance) for f in formset.forms if f.has_changed()),
    )


def actions_owned_by(user) -> int:
    """Open plan actions a user leaving would leave without an owner."""
    return PlanAction.objects.filter(owner=user, status=ActionStatus.OPEN).count()


@transaction.atomic
def actions_hand_over(*, leaving, to) -> int:
    """Give a leaving user's open plan actions to `to`; both portfolios changed."""
    moved = PlanAction.objects.filter(owner=leaving, status=ActionStatus.OPEN).update(owner=to)
    announce_portfolio_change(owner_ids=[leaving.pk, to.pk])
    return moved
