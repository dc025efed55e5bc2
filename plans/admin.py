from django.contrib import admin

from kamcrm.admin import SettingsAdmin

from .models import PlanSettings


@admin.register(PlanSettings)
class PlanSettingsAdmin(SettingsAdmin):
    list_display = [
        "__str__",
        "fiscal_year_start_month",
        "remind_days_before_review",
        "escalate_days_after_review",
    ]

    def has_add_permission(self, request):
        return not PlanSettings.objects.exists()

    def has_delete_permission(self, request, obj=None):
        return False
