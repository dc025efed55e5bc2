"""Dates written for the reader, each written once per language and format.

The account page's menu of tiering runs names some 100 dates, the same run dates on every
account's page; Django's date_format parses the format for each (2.3 ms a page). The text
depends only on the date, the format and the language, so it is kept."""

from datetime import date
from functools import lru_cache

from django.core.signals import setting_changed
from django.dispatch import receiver
from django.utils.formats import date_format
from django.utils.translation import get_language


@lru_cache(maxsize=8192)
def _written(day: date, format_name: str, language: str | None) -> str:
    return date_format(day, format_name)  # in `language`, the one active


def written_date(day: date, format_name: str = "SHORT_DATE_FORMAT") -> str:
    """date_format(day, format_name) in the active language."""
    return _written(day, format_name, get_language())


@receiver(setting_changed)
def _formats_changed(**kwargs) -> None:
    _written.cache_clear()
