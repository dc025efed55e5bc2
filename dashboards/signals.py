"""The stored figures listen to one thing: the portfolio changes writes announce
(kamcrm.signals). A change marks the figures of the KAMs it concerns stale in the
write's own transaction; once that commits, a task recomputes them, so the next visit
usually finds them ready, and a visit that comes first recomputes them itself
(dashboards/store.py)."""

from django.core.cache import cache
from django.db import transaction
from django.dispatch import receiver

from kamcrm.signals import portfolio_changed

from . import store
from .tasks import refresh_changed_figures

# Writes within this many seconds of each other share one queued refresh.
QUEUE_WINDOW = 4
QUEUED_KEY = "dashboards-refresh-queued"


@receiver(portfolio_changed, dispatch_uid="dashboards-portfolio-changed")
def _portfolio_changed(sender, owner_ids=None, account_ids=(), plan_ids=(), **kwargs):
    if store.mark_stale(owner_ids, account_ids=account_ids, plan_ids=plan_ids):
        # robust: a failed refresh must not fail the save; the next visit recomputes.
        transaction.on_commit(_refresh_soon, robust=True)


def _refresh_soon() -> None:
    """One refresh for a burst of writes (a formset saving twenty people): the first write
    queues it a moment ahead, the others within that moment find it queued. A write the
    running task misses leaves its KAM stale, which the next visit recomputes."""
    if cache.add(QUEUED_KEY, True, timeout=QUEUE_WINDOW):
        # No retries: a save must not wait on a broker that is away (logged by on_commit).
        refresh_changed_figures.apply_async(countdown=QUEUE_WINDOW / 2, retry=False)
