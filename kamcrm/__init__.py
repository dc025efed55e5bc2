"""KAM CRM project: settings, URLs, the Celery app, users, roles and teams."""

from .celery import app as celery_app

__all__ = ["celery_app"]
