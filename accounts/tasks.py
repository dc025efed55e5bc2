import logging

from celery import shared_task

logger = logging.getLogger(__name__)


@shared_task
def recompute_tiers() -> None:
    """Nightly tiering. Scheduled already; the tiering issue gives it its work."""
    logger.info("recompute_tiers: tiering is not implemented yet; nothing to do")
