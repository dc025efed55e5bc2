"""Personal API tokens: a user's key for machines, stored as its SHA-256 only, so a
copy of the database gives nobody a working token."""

import hashlib
import secrets
from typing import Self

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

# The secret's readable start, kept to tell a user's tokens apart on their page.
PREFIX_LENGTH = 8


def token_hash(secret: str) -> str:
    return hashlib.sha256(secret.encode()).hexdigest()


def new_secret() -> str:
    return "kam_" + secrets.token_urlsafe(32)


class ApiTokenQuerySet(models.QuerySet):
    def live(self) -> Self:
        return self.filter(revoked_at=None, user__is_active=True)

    def visible_to(self, user) -> Self:
        """A user's own tokens; every token for an admin."""
        if not user.is_authenticated or not user.is_active:
            return self.none()
        return self if user.is_admin else self.filter(user=user)


class ApiToken(models.Model):
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.CASCADE,
        related_name="api_tokens",
        verbose_name=_("user"),
    )
    name = models.CharField(
        _("name"), max_length=100, help_text=_("What uses it, e.g. the ERP's revenue feed.")
    )
    prefix = models.CharField(_("starts with"), max_length=20)
    key_hash = models.CharField(max_length=64, unique=True)
    created_at = models.DateTimeField(_("created"), auto_now_add=True)
    last_used_at = models.DateTimeField(_("last used"), null=True, blank=True)
    revoked_at = models.DateTimeField(_("revoked"), null=True, blank=True)

    objects = ApiTokenQuerySet.as_manager()

    class Meta:
        ordering = ["-created_at", "-pk"]
        verbose_name = _("API token")
        verbose_name_plural = _("API tokens")

    def __str__(self) -> str:
        return f"{self.name} ({self.prefix}…)"
