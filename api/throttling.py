"""Requests per token (per user for the browser's session), counted in the shared cache
(Redis when configured), at the rate KAMCRM_API_RATE sets."""

from django.conf import settings
from rest_framework.throttling import SimpleRateThrottle

from .models import ApiToken


class PerToken(SimpleRateThrottle):
    scope = "token"

    def get_rate(self) -> str:
        # Read per request, not once at import as DRF's rates are, so it can be changed.
        return settings.KAMCRM_API_RATE

    def get_cache_key(self, request, view):
        if isinstance(request.auth, ApiToken):
            ident = f"token-{request.auth.pk}"
        elif request.user and request.user.is_authenticated:
            ident = f"user-{request.user.pk}"
        else:
            ident = f"address-{self.get_ident(request)}"
        return self.cache_format % {"scope": self.scope, "ident": ident}
