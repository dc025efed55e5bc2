from django.conf import settings
from django.utils.functional import SimpleLazyObject

from .models import Currency


def money(request) -> dict:
    """The base currency, fetched only by pages that show money."""
    return {
        "base_currency": SimpleLazyObject(
            lambda: (
                Currency.objects.filter(code=settings.KAMCRM_BASE_CURRENCY).first()
                or Currency(code=settings.KAMCRM_BASE_CURRENCY, minor_unit=2)
            )
        )
    }
