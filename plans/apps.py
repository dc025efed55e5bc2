from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class PlansConfig(AppConfig):
    name = "plans"
    verbose_name = _("Account plans")

    def ready(self) -> None:
        from . import notifications, permissions  # noqa: F401  (register wording and rules)
