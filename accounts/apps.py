from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class AccountsConfig(AppConfig):
    name = "accounts"
    verbose_name = _("Accounts")

    def ready(self) -> None:
        from django.db.models.signals import post_migrate

        from . import figures, notifications, permissions  # noqa: F401  (receiver, rules, wording)
        from .tree_rules import ensure_sqlite_triggers

        post_migrate.connect(ensure_sqlite_triggers, sender=self)
