"""Users, their roles and the sales teams they belong to."""

from typing import ClassVar

from django.conf import settings
from django.contrib.auth.models import AbstractUser, UserManager
from django.db import models
from django.utils.translation import gettext_lazy as _

from .notifications import word


class Role(models.TextChoices):
    ADMIN = "admin", _("Admin")
    DIRECTOR = "director", _("Sales director")
    KAM = "kam", _("Key account manager")


class Team(models.Model):
    """A sales team: KAMs who belong to it, led by one director."""

    name = models.CharField(_("name"), max_length=100, unique=True)
    director = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        related_name="led_teams",
        limit_choices_to={"role": Role.DIRECTOR},
        verbose_name=_("director"),
    )

    class Meta:
        ordering = ["name"]
        verbose_name = _("team")
        verbose_name_plural = _("teams")

    def __str__(self) -> str:
        return self.name


class KamcrmUserManager(UserManager["User"]):
    def create_superuser(self, username, email=None, password=None, **extra_fields):
        extra_fields.setdefault("role", Role.ADMIN)
        return super().create_superuser(username, email, password, **extra_fields)


class User(AbstractUser):
    """A person who signs in. Users are deactivated, never deleted, so history keeps its authors."""

    role = models.CharField(_("role"), max_length=20, choices=Role, default=Role.KAM)
    team = models.ForeignKey(
        Team,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="members",
        verbose_name=_("team"),
        help_text=_("The team a key account manager belongs to."),
    )

    language = models.CharField(
        _("language"),
        max_length=10,
        choices=settings.LANGUAGES,
        blank=True,
        default="",
        db_default="",  # rows inserted in SQL (the benchmarks, data fixes) choose none too
        help_text=_("Pages, emails and reminders use it; empty: the site's default language."),
    )

    objects: ClassVar[KamcrmUserManager] = KamcrmUserManager()

    class Meta:
        ordering = ["username"]
        verbose_name = _("user")
        verbose_name_plural = _("users")
        constraints = [
            models.CheckConstraint(
                condition=models.Q(role=Role.KAM) | models.Q(team__isnull=True),
                name="user_team_only_for_kams",
                violation_error_message=_("Only key account managers belong to a team."),
            ),
        ]

    def __str__(self) -> str:
        return self.get_full_name() or self.username

    @property
    def preferred_language(self) -> str:
        """The language to speak to this user in, when they are not on a page."""
        return self.language or settings.LANGUAGE_CODE

    def save(self, *args, **kwargs):
        # The role is the single source of truth; Django's admin site follows it.
        self.is_staff = self.is_superuser = self.role == Role.ADMIN
        if update_fields := kwargs.get("update_fields"):
            kwargs["update_fields"] = {*update_fields, "is_staff", "is_superuser"}
        super().save(*args, **kwargs)

    @property
    def is_admin(self) -> bool:
        return self.role == Role.ADMIN

    @property
    def is_director(self) -> bool:
        return self.role == Role.DIRECTOR

    @property
    def is_kam(self) -> bool:
        return self.role == Role.KAM


class NotificationQuerySet(models.QuerySet):
    def unread(self):
        return self.filter(read_at__isnull=True)


class Notification(models.Model):
    """Something a user should see in the app. Stored as a kind and its data, and worded
    when shown, so each reader gets it in their own language."""

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="notifications"
    )
    kind = models.CharField(max_length=40)
    data = models.JSONField(default=dict)
    url = models.CharField(max_length=300, blank=True)
    created_at = models.DateTimeField(auto_now_add=True, db_index=True)
    read_at = models.DateTimeField(null=True, blank=True)

    objects = NotificationQuerySet.as_manager()

    class Meta:
        ordering = ["-created_at", "-pk"]
        verbose_name = _("notification")
        verbose_name_plural = _("notifications")
        indexes = [models.Index(fields=["user", "read_at"], name="notification_unread_idx")]

    def __str__(self) -> str:
        return self.message

    @property
    def message(self) -> str:
        return word(self)
