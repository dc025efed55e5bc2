from decimal import Decimal

from django import template
from django.utils.formats import number_format

register = template.Library()


@register.filter
def money(value, currency) -> str:
    """`{{ amount|money:currency }}`: grouped for the user's locale, with the currency's
    own decimal places (none for VND) and its code."""
    if value is None or value == "":
        return "\N{EN DASH}"
    places = getattr(currency, "minor_unit", 2)
    amount = Decimal(value).quantize(Decimal(1).scaleb(-places))
    return f"{number_format(amount, places, use_l10n=True, force_grouping=True)} {currency}"


@register.filter
def whole(value) -> str:
    """An amount in whole units, grouped, for tables whose heading names the currency."""
    if value is None or value == "":
        return "\N{EN DASH}"
    amount = Decimal(value).quantize(Decimal(1))
    return number_format(amount, 0, use_l10n=True, force_grouping=True)
