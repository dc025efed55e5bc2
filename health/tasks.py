from celery import shared_task
from django.conf import settings
from django.utils import timezone

from accounts.snapshots import prune_snapshots

from .models import HealthScore
from .scoring import health_recompute


@shared_task
def recompute_health() -> dict:
    """Nightly, after tiering (it reads the night's tiers): every account's health, then
    the old daily scores pruned to each month's last, as the tier snapshots are."""
    today = timezone.localdate()
    result = health_recompute(as_of=today)
    pruned = prune_snapshots(
        today=today, keep_days=settings.KAMCRM_DAILY_SNAPSHOT_DAYS, model=HealthScore
    )
    return {"as_of": result.as_of.isoformat(), "accounts": result.accounts, "pruned": len(pruned)}
