"""Every write that changes what a KAM's dashboard figures count marks them stale: saves
and deletes here, bulk changes through accounts' portfolio_changed signal. Once the write
commits, a task recomputes the stale figures, so the next visit usually finds them ready;
a visit that comes first recomputes them itself (dashboards/store.py)."""

from django.contrib.auth import get_user_model
from django.core.cache import cache
from django.db import transaction
from django.db.models.signals import post_delete, post_save, pre_save
from django.dispatch import receiver

from accounts.models import (
    Account,
    Activity,
    Commitment,
    Currency,
    Opportunity,
    OpportunityStage,
    Stakeholder,
    Thresholds,
    WinBackAction,
)
from accounts.signals import portfolio_changed
from plans.models import (
    AccountPlan,
    PeopleTarget,
    PlanAction,
    PlanRevision,
    PlanSettings,
    QuarterlyReview,
)

from . import store
from .tasks import refresh_changed_figures

# Rows counted for their account's owner, and for their own owner where they have one
# (a deal, commitment or action may belong to someone else on the account team). Revenue
# lines are not among them: only imports write them, and those send portfolio_changed; a
# receiver here would turn deleting an account into deleting its lines one by one.
ON_ACCOUNTS = [Stakeholder, Activity, Opportunity, Commitment, WinBackAction]
ON_PLANS = [QuarterlyReview, PlanAction, PeopleTarget, PlanRevision]
# Settings every figure depends on.
EVERYONE = [Thresholds, PlanSettings, Currency, OpportunityStage]
# Writes within this many seconds of each other share one queued refresh.
QUEUE_WINDOW = 4
QUEUED_KEY = "dashboards-refresh-queued"


def mark_stale(*args, **kwargs) -> None:
    if store.mark_stale(*args, **kwargs):
        # robust: a failed refresh must not fail the save; the next visit recomputes.
        transaction.on_commit(_refresh_soon, robust=True)


def _refresh_soon() -> None:
    """One refresh for a burst of writes (a formset saving twenty people): the first write
    queues it a moment ahead, the others within that moment find it queued. A write the
    running task misses leaves its KAM stale, which the next visit recomputes."""
    if cache.add(QUEUED_KEY, True, timeout=QUEUE_WINDOW):
        # No retries: a save must not wait on a broker that is away (logged by on_commit).
        refresh_changed_figures.apply_async(countdown=QUEUE_WINDOW / 2, retry=False)


def _account_row_changed(sender, instance, **kwargs):
    mark_stale([getattr(instance, "owner_id", None)], account_ids=[instance.account_id])


def _plan_row_changed(sender, instance, **kwargs):
    mark_stale([getattr(instance, "owner_id", None)], plan_ids=[instance.plan_id])


def _plan_changed(sender, instance, **kwargs):
    mark_stale(account_ids=[instance.account_id])


def _settings_changed(sender, **kwargs):
    mark_stale()


for model, handler in [
    *[(m, _account_row_changed) for m in ON_ACCOUNTS],
    *[(m, _plan_row_changed) for m in ON_PLANS],
    (AccountPlan, _plan_changed),
    *[(m, _settings_changed) for m in EVERYONE],
]:
    post_save.connect(handler, sender=model, dispatch_uid=f"dashboards-{model.__name__}")
    post_delete.connect(handler, sender=model, dispatch_uid=f"dashboards-del-{model.__name__}")


@receiver(pre_save, sender=Account, dispatch_uid="dashboards-account-owner")
def _remember_owner(sender, instance, **kwargs):
    """An account moving to another KAM changes both portfolios."""
    instance._owner_before = (
        Account.objects.filter(pk=instance.pk).values_list("owner_id", flat=True).first()
        if instance.pk
        else None
    )


@receiver(post_save, sender=Account, dispatch_uid="dashboards-account")
@receiver(post_delete, sender=Account, dispatch_uid="dashboards-del-account")
def _account_changed(sender, instance, **kwargs):
    mark_stale([instance.owner_id, getattr(instance, "_owner_before", None)])


@receiver(post_save, sender=get_user_model(), dispatch_uid="dashboards-user")
def _user_changed(sender, instance, update_fields=None, **kwargs):
    """Lists carry the owner's name."""
    if update_fields is None or "username" in update_fields:
        mark_stale([instance.pk])


@receiver(portfolio_changed, dispatch_uid="dashboards-bulk")
def _portfolio_changed(sender, owner_ids, **kwargs):
    mark_stale(owner_ids)
