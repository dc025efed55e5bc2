from django.contrib import admin
from django.contrib.auth.admin import UserAdmin as DjangoUserAdmin
from django.utils.translation import gettext_lazy as _

from .models import Team, User
from .settings_pages.services import settings_changed
from .versioning import Versioned


class SettingsAdmin(admin.ModelAdmin):
    """The fallback for the Settings pages (superusers only): a change made here is
    announced as the pages' own are (kamcrm/settings_pages/services.py)."""

    def save_model(self, request, obj, form, change):
        if change and isinstance(obj, Versioned):  # a page opened before is now stale
            obj.version += 1
        super().save_model(request, obj, form, change)
        settings_changed(type(obj))

    def delete_model(self, request, obj):
        super().delete_model(request, obj)
        settings_changed(type(obj))

    def delete_queryset(self, request, queryset):
        super().delete_queryset(request, queryset)
        settings_changed(queryset.model)


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
