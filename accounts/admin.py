"""Reference data an admin maintains: currencies and rates, stages, product lines,
competitors and thresholds. Accounts themselves are managed in the app."""

from django.contrib import admin
from django.utils import timezone

from kamcrm.admin import SettingsAdmin

from .models import Competitor, Currency, OpportunityStage, ProductLine, Thresholds


@admin.register(Currency)
class CurrencyAdmin(SettingsAdmin):
    list_display = ["code", "name", "minor_unit", "rate_to_base", "rate_updated_at"]
    list_editable = ["rate_to_base"]
    readonly_fields = ["rate_updated_at"]

    def save_model(self, request, obj, form, change):
        if "rate_to_base" in form.changed_data:
            obj.rate_updated_at = timezone.now()
        super().save_model(request, obj, form, change)


@admin.register(OpportunityStage)
class OpportunityStageAdmin(SettingsAdmin):
    list_display = ["name", "order", "default_probability", "outcome"]
    list_editable = ["order", "default_probability"]


@admin.register(ProductLine)
class ProductLineAdmin(admin.ModelAdmin):
    list_display = ["name", "is_active"]
    list_editable = ["is_active"]


@admin.register(Competitor)
class CompetitorAdmin(admin.ModelAdmin):
    list_display = ["name", "website"]
    search_fields = ["name"]


@admin.register(Thresholds)
class ThresholdsAdmin(SettingsAdmin):
    list_display = [
        "__str__",
        "contact_rhythm_a",
        "contact_rhythm_b",
        "contact_rhythm_c",
        "contact_rhythm_d",
        "contribution_high",
        "potential_high",
    ]

    def has_add_permission(self, request):
        return not Thresholds.objects.exists()

    def has_delete_permission(self, request, obj=None):
        return False
