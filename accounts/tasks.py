from datetime import date

from celery import shared_task
from django.utils import timezone

from .tiering import tiers_recompute


@shared_task
def recompute_tiers(as_of: str | None = None) -> dict:
    """Nightly tiering; safe to run twice (a run replaces its own date's snapshot)."""
    day = date.fromisoformat(as_of) if as_of else timezone.localdate()
    result = tiers_recompute(as_of=day)
    return {"as_of": result.as_of.isoformat(), "accounts": result.accounts}
