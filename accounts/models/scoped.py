from django.db import models

from .accounts import Account


class AccountScopedQuerySet(models.QuerySet):
    """For everything that hangs off an account: visible and editable exactly as it is."""

    account_path = "account"

    @classmethod
    def through(cls, account_path: str) -> type["AccountScopedQuerySet"]:
        """The same queryset for a model that reaches its account by another path."""
        return type(f"ScopedThrough{account_path.title()}", (cls,), {"account_path": account_path})

    def visible_to(self, user):
        return self.filter(**{f"{self.account_path}__in": Account.objects.visible_to(user)})

    def editable_by(self, user):
        return self.filter(**{f"{self.account_path}__in": Account.objects.editable_by(user)})
