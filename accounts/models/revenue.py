"""What each account actually bought: the lines tiering and roll-ups read."""

from django.db import models
from django.utils.translation import gettext_lazy as _

from .accounts import Account, ProductLine
from .money import Currency, MoneyField
from .scoped import AccountScopedQuerySet


class RevenueLine(models.Model):
    account = models.ForeignKey(Account, on_delete=models.CASCADE, related_name="revenue_lines")
    date = models.DateField(_("date"))
    amount = MoneyField(_("amount"))
    currency = models.ForeignKey(Currency, on_delete=models.PROTECT, related_name="+")
    product_line = models.ForeignKey(
        ProductLine, on_delete=models.PROTECT, null=True, blank=True, related_name="revenue_lines"
    )
    # The source system's reference (derived from the line itself when the file has none):
    # re-importing the same line updates it, never doubles it.
    external_ref = models.CharField(_("external reference"), max_length=64)

    objects = AccountScopedQuerySet.as_manager()

    class Meta:
        ordering = ["-date"]
        verbose_name = _("revenue line")
        verbose_name_plural = _("revenue lines")
        indexes = [
            # Per-account, per-month sums (roll-ups, charts, tiering) and date windows.
            models.Index(fields=["account", "date"], name="revenue_account_date_idx"),
            models.Index(fields=["date"], name="revenue_date_idx"),
        ]
        constraints = [
            models.UniqueConstraint(
                fields=["account", "external_ref"], name="revenue_external_ref_once_per_account"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.account} {self.date} {self.amount} {self.currency_id}"
