from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class PlansConfig(AppConfig):
    name = "plans"
    verbose_name = _("Account plans")

    def ready(self) -> None:
        from accounts.figures import use_fiscal_year

        from . import notifications, permissions  # noqa: F401  (register wording and rules)
        from .models import PlanSettings

        use_fiscal_year(PlanSettings.current_year_start)
