from decimal import Decimal
from functools import cache

from django import template
from django.core.signals import setting_changed
from django.dispatch import receiver
from django.utils.formats import get_format, number_format
from django.utils.translation import get_language

register = template.Library()


@cache
def separators(language: str | None) -> tuple[str, str] | None:
    """(decimal, thousands) separators of a language that groups by threes, else None."""
    if get_format("NUMBER_GROUPING", language) != 3:
        return None
    return get_format("DECIMAL_SEPARATOR", language), get_format("THOUSAND_SEPARATOR", language)


@receiver(setting_changed)
def _formats_changed(**kwargs) -> None:
    separators.cache_clear()


def _grouped(amount: Decimal, places: int, language_separators: tuple[str, str] | None) -> str:
    """number_format(amount, places, use_l10n=True, force_grouping=True), for a value
    already rounded to `places`, given the language's separators(): a table of amounts
    asked Django's three format lookups each, a third of the time its amounts took."""
    if language_separators is None:
        return number_format(amount, places, use_l10n=True, force_grouping=True)
    decimal, thousands = language_separators
    text = f"{amount:,.{places}f}"
    if text.startswith("-") and not amount:  # Django writes no sign on a zero
        text = text[1:]
    return text.replace(",", "\0").replace(".", decimal).replace("\0", thousands)


@register.filter
def money(value, currency) -> str:
    """`{{ amount|money:currency }}`: grouped for the user's locale, with the currency's
    own decimal places (none for VND) and its code."""
    if value is None or value == "":
        return "\N{EN DASH}"
    places = getattr(currency, "minor_unit", 2)
    amount = Decimal(value).quantize(Decimal(1).scaleb(-places))
    return f"{_grouped(amount, places, separators(get_language()))} {currency}"


@register.filter
def whole(value) -> str:
    """An amount in whole units, grouped, for tables whose heading names the currency."""
    return whole_in(value, separators(get_language()))


def whole_in(value, language_separators: tuple[str, str] | None) -> str:
    """whole(value), with the reader's language's separators() looked up already."""
    if value is None or value == "":
        return "\N{EN DASH}"
    return _grouped(Decimal(value).quantize(Decimal(1)), 0, language_separators)
