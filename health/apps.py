from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class HealthConfig(AppConfig):
    name = "health"
    verbose_name = _("Account health")

    def ready(self) -> None:
        from . import notifications  # noqa: F401  (register the wording)
