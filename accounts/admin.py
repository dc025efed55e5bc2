"""Reference data an admin maintains: currencies and rates, stages, product lines,
competitors and thresholds. Accounts themselves are managed in the app."""

from django.contrib import admin
from django.utils import timezone

from kamcrm.admin import SettingsAdmin

from .models import (
    Competitor,
    Currency,
    ExchangeRate,
    OpportunityStage,
    ProductLine,
    Thresholds,
)
from .rates import rates_apply


class ExchangeRateInline(admin.TabularInline):
    model = ExchangeRate
    extra = 1


@admin.register(Currency)
class CurrencyAdmin(SettingsAdmin):
    """The current rate follows the dated rates (accounts/rates.py), as on the Settings
    pages: it is not edited by itself here."""

    list_display = ["code", "name", "minor_unit", "rate_to_base", "rate_updated_at"]
    readonly_fields = ["rate_to_base", "rate_updated_at"]
    inlines = [ExchangeRateInline]

    def save_related(self, request, form, formsets, change):
        super().save_related(request, form, formsets, change)
        rates_apply(today=timezone.localdate(), codes=[form.instance.pk])


@admin.register(OpportunityStage)
class OpportunityStageAdmin(SettingsAdmin):
    list_display = ["name", "order", "default_probability", "outcome"]
    list_editable = ["order", "default_probability"]


@admin.register(ProductLine)
class ProductLineAdmin(SettingsAdmin):
    list_display = ["name", "is_active"]
    list_editable = ["is_active"]


@admin.register(Competitor)
class CompetitorAdmin(SettingsAdmin):
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
