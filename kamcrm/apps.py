from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class KamcrmConfig(AppConfig):
    name = "kamcrm"
    verbose_name = _("KAM CRM")

    def ready(self) -> None:
        from . import labels, permissions  # noqa: F401  (permissions registers the rules)

        labels.install()
