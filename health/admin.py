from django.contrib import admin

from kamcrm.admin import SettingsAdmin

from .models import HealthWeights


@admin.register(HealthWeights)
class HealthWeightsAdmin(SettingsAdmin):
    """The weights take effect at the next nightly run (or `manage.py recompute_health`)."""

    list_display = ["__str__", "revenue_trend", "freshness", "green_from", "amber_from"]

    def has_add_permission(self, request):
        return not HealthWeights.objects.exists()

    def has_delete_permission(self, request, obj=None):
        return False
