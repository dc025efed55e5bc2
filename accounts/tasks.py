from datetime import date

from celery import shared_task
from django.conf import settings
from django.utils import timezone

from .import_jobs import sweep_abandoned
from .snapshots import prune_snapshots
from .tiering import tiers_recompute
from .tiering_now import run_now


@shared_task
def recompute_tiers(as_of: str | None = None) -> dict:
    """Nightly tiering, then pruning the old daily snapshots; safe to run twice (a run
    replaces its own date's snapshot, and pruning what is gone does nothing)."""
    day = date.fromisoformat(as_of) if as_of else timezone.localdate()
    result = tiers_recompute(as_of=day)
    pruned = prune_snapshots(today=day, keep_days=settings.KAMCRM_DAILY_SNAPSHOT_DAYS)
    return {"as_of": result.as_of.isoformat(), "accounts": result.accounts, "pruned": len(pruned)}


@shared_task
def sweep_imports() -> int:
    """Uploads whose worker died: queued again, or failed with the reason."""
    return sweep_abandoned()


@shared_task
def recompute_tiers_now(run: str) -> None:
    """A run an admin asked for; its state goes to the cache under `run`."""
    run_now(run)
