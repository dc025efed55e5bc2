"""Currencies and their rates to the company's base currency."""

from decimal import Decimal

from django.core.validators import MinValueValidator
from django.db import models
from django.utils.translation import gettext_lazy as _

from kamcrm.versioning import Versioned


class MoneyField(models.DecimalField):
    """An amount of money (beside a currency, or in the base currency): two decimal
    places, sixteen digits before them. Migrations see the plain DecimalField it is."""

    def __init__(self, *args, max_digits=18, decimal_places=2, **kwargs):
        super().__init__(*args, max_digits=max_digits, decimal_places=decimal_places, **kwargs)

    def deconstruct(self):
        name, _path, args, kwargs = super().deconstruct()
        return name, "django.db.models.DecimalField", args, kwargs


class Currency(Versioned):
    """An ISO 4217 currency and what one unit of it is worth in the base currency."""

    code = models.CharField(_("code"), max_length=3, primary_key=True)
    name = models.CharField(_("name"), max_length=60)
    # VND has no minor unit: amounts are shown (and imported) as whole numbers.
    minor_unit = models.PositiveSmallIntegerField(_("decimal places"), default=2)
    rate_to_base = models.DecimalField(
        _("rate to base currency"),
        max_digits=20,
        decimal_places=10,
        null=True,
        blank=True,
        validators=[MinValueValidator(Decimal("0.0000000001"))],
        help_text=_("Value of one unit in the base currency; empty until an admin sets it."),
    )
    rate_updated_at = models.DateTimeField(_("rate updated"), null=True, blank=True)

    class Meta:
        ordering = ["code"]
        verbose_name = _("currency")
        verbose_name_plural = _("currencies")

    def __str__(self) -> str:
        return self.code


class ExchangeRate(models.Model):
    """A currency's rate to the base currency from a date on. Conversions read the
    currency's current rate (`Currency.rate_to_base`): the latest of these dated today or
    before, set when a rate is added or removed and, for one dated later, on its day by
    the nightly run (accounts.rates)."""

    currency = models.ForeignKey(
        Currency, on_delete=models.CASCADE, related_name="rates", verbose_name=_("currency")
    )
    valid_from = models.DateField(_("from"))
    rate = models.DecimalField(
        _("rate to base currency"),
        max_digits=20,
        decimal_places=10,
        validators=[MinValueValidator(Decimal("0.0000000001"))],
        help_text=_("Value of one unit in the base currency."),
    )

    class Meta:
        ordering = ["currency", "-valid_from"]
        verbose_name = _("exchange rate")
        verbose_name_plural = _("exchange rates")
        constraints = [
            models.UniqueConstraint(fields=["currency", "valid_from"], name="one_rate_a_day")
        ]

    def __str__(self) -> str:
        return f"{self.currency_id} {self.valid_from}: {self.rate}"


def as_decimal(value) -> Decimal:
    """A database sum as a Decimal: SQLite hands back floats, PostgreSQL exact decimals."""
    return value if isinstance(value, Decimal) else Decimal(str(value or 0))


# What sums and conversions of amounts come back as: wider, a sum of many amounts.
MONEY_SUM = MoneyField(max_digits=30)


def base_amount(amount_field: str = "amount", currency_field: str = "currency"):
    """SQL expression converting an amount column to the base currency."""
    return models.ExpressionWrapper(
        models.F(amount_field) * models.F(f"{currency_field}__rate_to_base"),
        output_field=MONEY_SUM,
    )


def weighted_amount():
    """SQL expression for a deal's amount in the base currency times its probability (a
    new expression each call: one resolved in a query cannot serve another)."""
    return base_amount() * models.F("probability") / 100
