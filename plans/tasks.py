from datetime import date

from celery import shared_task
from django.utils import timezone

from .reminders import send_plan_reminders as send


@shared_task
def send_plan_reminders(today: str | None = None) -> int:
    """Daily; safe to run twice or on two workers at once (each reminder is claimed once)."""
    return send(today=date.fromisoformat(today) if today else timezone.localdate())
