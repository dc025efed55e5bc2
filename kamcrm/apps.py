from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class KamcrmConfig(AppConfig):
    name = "kamcrm"
    verbose_name = _("KAM CRM")

    def ready(self) -> None:
        from . import permissions  # noqa: F401  (registers the rules)
