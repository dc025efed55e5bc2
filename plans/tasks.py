import logging

from celery import shared_task

logger = logging.getLogger(__name__)


@shared_task
def send_plan_reminders() -> None:
    """Daily plan reminders. Scheduled already; the plans issue gives it its work."""
    logger.info("send_plan_reminders: account plans are not implemented yet; nothing to do")
