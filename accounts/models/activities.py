"""Contact with the customer: activities held and commitments made to them."""

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from kamcrm.versioning import Versioned

from .accounts import Account
from .people import Stakeholder
from .scoped import AccountScopedQuerySet


class ActivityKind(models.TextChoices):
    MEETING = "meeting", _("Meeting")
    CALL = "call", _("Call")
    VISIT = "visit", _("Visit")
    ENTERTAINMENT = "entertainment", _("Entertainment")
    EMAIL = "email", _("Email")


class Activity(models.Model):
    account = models.ForeignKey(Account, on_delete=models.CASCADE, related_name="activities")
    # The source system's id, for imports; unique within the account when given. A
    # database default too: rows inserted in SQL (the benchmarks' portfolios) have one.
    external_id = models.CharField(_("external id"), max_length=64, blank=True, db_default="")
    kind = models.CharField(_("kind"), max_length=20, choices=ActivityKind)
    date = models.DateField(_("date"))
    stakeholders = models.ManyToManyField(
        Stakeholder, blank=True, related_name="activities", verbose_name=_("their people")
    )
    our_people = models.ManyToManyField(
        settings.AUTH_USER_MODEL, blank=True, related_name="+", verbose_name=_("our people")
    )
    summary = models.TextField(_("summary"))
    next_step = models.CharField(_("next step"), max_length=300, blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )

    objects = AccountScopedQuerySet.as_manager()

    class Meta:
        ordering = ["-date", "-pk"]
        verbose_name = _("activity")
        verbose_name_plural = _("activities")
        indexes = [models.Index(fields=["account", "date"], name="activity_account_date_idx")]
        constraints = [
            models.UniqueConstraint(
                fields=["account", "external_id"],
                condition=~models.Q(external_id=""),
                name="activity_external_id_unique",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} {self.date}"


class CommitmentQuerySet(AccountScopedQuerySet):
    def overdue(self, today=None):
        return self.filter(done_on__isnull=True, due__lt=today or timezone.localdate())


class Commitment(Versioned):
    """A promise made to the customer; lateness loses key accounts (001)."""

    account = models.ForeignKey(Account, on_delete=models.CASCADE, related_name="commitments")
    what = models.CharField(_("what we promised"), max_length=300)
    due = models.DateField(_("due"))
    owner = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="commitments"
    )
    done_on = models.DateField(_("done on"), null=True, blank=True)

    objects = CommitmentQuerySet.as_manager()

    class Meta:
        ordering = ["due"]
        verbose_name = _("commitment")
        verbose_name_plural = _("commitments")
        indexes = [
            models.Index(fields=["account", "due"], name="commitment_account_due_idx"),
            # The dashboards' commitments falling due, first due first.
            models.Index(
                fields=["due"], condition=models.Q(done_on=None), name="commitment_open_due_idx"
            ),
        ]

    def __str__(self) -> str:
        return self.what

    @property
    def is_overdue(self) -> bool:
        return self.done_on is None and self.due < timezone.localdate()


class WinBackOffer(models.TextChoices):
    SPECIAL_TERMS = "special_terms", _("Special terms")
    DISCOUNT = "discount", _("Discount")
    GIFT = "gift", _("Gift")
    OTHER = "other", _("Other")


class WinBackOutcome(models.TextChoices):
    PENDING = "pending", _("Pending")
    WON_BACK = "won_back", _("Won back")
    DECLINED = "declined", _("Declined")


class WinBackAction(models.Model):
    """001: a lost key account goes on the win-back list with the offer made and its outcome."""

    account = models.ForeignKey(Account, on_delete=models.CASCADE, related_name="win_backs")
    offer = models.CharField(_("offer"), max_length=20, choices=WinBackOffer)
    note = models.CharField(_("what we offered"), max_length=300, blank=True)
    outcome = models.CharField(
        _("outcome"), max_length=10, choices=WinBackOutcome, default=WinBackOutcome.PENDING
    )
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)

    objects = AccountScopedQuerySet.as_manager()

    class Meta:
        ordering = ["-created_at", "-pk"]
        verbose_name = _("win-back action")
        verbose_name_plural = _("win-back actions")

    def __str__(self) -> str:
        return f"{self.get_offer_display()}: {self.get_outcome_display()}"
