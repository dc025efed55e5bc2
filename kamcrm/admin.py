from django.contrib import admin
from django.contrib.auth.admin import UserAdmin as DjangoUserAdmin
from django.utils.translation import gettext_lazy as _

from .models import Team, User
from .signals import announce_portfolio_change


class SettingsAdmin(admin.ModelAdmin):
    """For the settings every figure depends on (thresholds, rates, stages, the fiscal
    year): a change is everyone's portfolio changing."""

    def save_model(self, request, obj, form, change):
        super().save_model(request, obj, form, change)
        announce_portfolio_change()

    def delete_model(self, request, obj):
        super().delete_model(request, obj)
        announce_portfolio_change()

    def delete_queryset(self, request, queryset):
        super().delete_queryset(request, queryset)
        announce_portfolio_change()


@admin.register(User)
class UserAdmin(DjangoUserAdmin):
    list_display = ["username", "email", "first_name", "last_name", "role", "team", "is_active"]
    list_filter = ["role", "team", "is_active"]
    fieldsets = (
        *(DjangoUserAdmin.fieldsets or ()),
        (_("Role and team"), {"fields": ("role", "team")}),
    )


@admin.register(Team)
class TeamAdmin(admin.ModelAdmin):
    list_display = ["name", "director"]
    list_select_related = ["director"]
