from celery import shared_task
from django.utils import timezone

from .store import refresh_stale


@shared_task
def refresh_figures() -> int:
    """Nightly, after tiering: every KAM's figures for today, so Monday's first visit to
    the dashboard reads them instead of computing them. Returns how many were stale."""
    return refresh_stale(timezone.localdate())


@shared_task
def refresh_changed_figures() -> int:
    """After a write: recompute the figures it made stale (not those only a day old)."""
    return refresh_stale(timezone.localdate(), changed_only=True)
