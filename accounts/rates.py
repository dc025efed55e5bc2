"""Dated exchange rates. Every conversion reads a currency's current rate
(`Currency.rate_to_base`, one join, indexable); the dated rates decide what it is: the
latest dated today or before. Adding or removing a rate sets it at once; a rate dated
later takes over on its day, when the nightly tiering run applies the rates due first.
A currency with no dated rate keeps the rate it has (the base currency's is always 1)."""

from datetime import date
from decimal import Decimal

from django.conf import settings
from django.db import transaction
from django.db.models import OuterRef, Subquery
from django.utils import timezone

from kamcrm.signals import announce_portfolio_change

from .models import Currency, ExchangeRate


@transaction.atomic
def rate_add(*, currency: Currency, valid_from: date, rate: Decimal) -> ExchangeRate:
    """The currency's rate from `valid_from` on (replacing one dated the same day)."""
    if currency.pk == settings.KAMCRM_BASE_CURRENCY:
        raise ValueError("the base currency's rate is 1")
    saved, _created = ExchangeRate.objects.update_or_create(
        currency=currency, valid_from=valid_from, defaults={"rate": rate}
    )
    rates_apply(today=timezone.localdate(), codes=[currency.pk])
    return saved


@transaction.atomic
def rate_delete(rate: ExchangeRate) -> None:
    """Remove a dated rate; the currency's current rate becomes the latest left, if any."""
    rate.delete()
    rates_apply(today=timezone.localdate(), codes=[rate.currency_id])


@transaction.atomic
def rates_apply(*, today: date, codes: list[str] | None = None) -> list[str]:
    """Set each currency's current rate (of `codes`, or all) to its latest dated on or
    before `today`; returns the codes whose rate changed, announced as everyone's
    portfolio changing (every converted figure moves)."""
    latest = ExchangeRate.objects.filter(currency=OuterRef("pk"), valid_from__lte=today)
    currencies = Currency.objects.exclude(pk=settings.KAMCRM_BASE_CURRENCY).annotate(
        dated=Subquery(latest.order_by("-valid_from").values("rate")[:1])
    )
    if codes is not None:
        currencies = currencies.filter(pk__in=codes)
    changed = [c.pk for c in currencies if c.dated is not None and c.dated != c.rate_to_base]
    if changed:
        now = timezone.now()
        for code, rate in currencies.filter(pk__in=changed).values_list("pk", "dated"):
            Currency.objects.filter(pk=code).update(rate_to_base=rate, rate_updated_at=now)
        announce_portfolio_change()
    return changed
