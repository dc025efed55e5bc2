"""Opportunities: the few, large, long deals that move the sales plan."""

from django.conf import settings
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.utils.translation import gettext_lazy as _

from kamcrm.versioning import Versioned

from .accounts import Account, Competitor, ProductLine
from .money import Currency, MoneyField
from .scoped import AccountScopedQuerySet

PERCENT = [MinValueValidator(0), MaxValueValidator(100)]


class StageOutcome(models.TextChoices):
    OPEN = "open", _("Open")
    WON = "won", _("Closed won")
    LOST = "lost", _("Closed lost")


class OpportunityStage(Versioned):
    """A step of the sales process; the list is the company's own (admin-managed)."""

    name = models.CharField(_("name"), max_length=60, unique=True)
    order = models.PositiveSmallIntegerField(_("order"))
    default_probability = models.PositiveSmallIntegerField(
        _("default probability (%)"), validators=PERCENT
    )
    outcome = models.CharField(
        _("outcome"), max_length=10, choices=StageOutcome, default=StageOutcome.OPEN
    )

    class Meta:
        ordering = ["order"]
        verbose_name = _("opportunity stage")
        verbose_name_plural = _("opportunity stages")

    def __str__(self) -> str:
        return self.name


class OpportunityType(models.TextChoices):
    NEW_BUSINESS = "new_business", _("New business")
    UP_SELL = "up_sell", _("Up-sell")
    CROSS_SELL = "cross_sell", _("Cross-sell")
    RENEWAL = "renewal", _("Renewal")
    TENDER = "tender", _("Tender")


class OpportunityQuerySet(AccountScopedQuerySet):
    def open(self):
        return self.filter(stage__outcome=StageOutcome.OPEN)


class Opportunity(Versioned):
    account = models.ForeignKey(
        Account, on_delete=models.CASCADE, related_name="opportunities", verbose_name=_("account")
    )
    # The source system's id, for imports; unique within the account when given. A
    # database default too: rows inserted in SQL (the benchmarks' portfolios) have one.
    external_id = models.CharField(_("external id"), max_length=64, blank=True, db_default="")
    name = models.CharField(_("name"), max_length=200)
    stage = models.ForeignKey(
        OpportunityStage, on_delete=models.PROTECT, related_name="+", verbose_name=_("stage")
    )
    amount = MoneyField(_("amount"), validators=[MinValueValidator(0)])
    currency = models.ForeignKey(
        Currency, on_delete=models.PROTECT, related_name="+", verbose_name=_("currency")
    )
    probability = models.PositiveSmallIntegerField(_("probability (%)"), validators=PERCENT)
    expected_close = models.DateField(_("expected close"))
    opportunity_type = models.CharField(
        _("type"), max_length=20, choices=OpportunityType, default=OpportunityType.NEW_BUSINESS
    )
    product_line = models.ForeignKey(
        ProductLine,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="opportunities",
        verbose_name=_("product line"),
    )
    competitors = models.ManyToManyField(
        Competitor, blank=True, related_name="opportunities", verbose_name=_("competitors")
    )
    close_reason = models.TextField(
        _("won or lost because"), blank=True, help_text=_("Filled in when the deal closes.")
    )
    owner = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        related_name="opportunities",
        verbose_name=_("owner"),
    )
    created_at = models.DateTimeField(_("created"), auto_now_add=True)
    updated_at = models.DateTimeField(_("updated"), auto_now=True)

    objects = OpportunityQuerySet.as_manager()

    class Meta:
        ordering = ["expected_close", "name"]
        verbose_name = _("opportunity")
        verbose_name_plural = _("opportunities")
        indexes = [
            models.Index(fields=["account", "expected_close"], name="opportunity_account_idx")
        ]
        constraints = [
            models.UniqueConstraint(
                fields=["account", "external_id"],
                condition=~models.Q(external_id=""),
                name="opportunity_external_id_unique",
            ),
            models.CheckConstraint(
                condition=models.Q(probability__range=(0, 100)),
                name="opportunity_probability_percent",
            ),
            models.CheckConstraint(
                condition=models.Q(amount__gte=0), name="opportunity_amount_not_negative"
            ),
        ]

    def __str__(self) -> str:
        return self.name
