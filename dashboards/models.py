import json
from datetime import date
from decimal import Decimal

from django.conf import settings
from django.core.serializers.json import DjangoJSONEncoder
from django.db import models

from .schema import decoder_keys


class FiguresDecoder(json.JSONDecoder):
    """JSON keeps amounts and dates as text: the keys the schema types so (schema.py) come
    back as Decimal and date, as each object is parsed (a walk over the decoded figures
    cost more than the parsing)."""

    MONEY, DATES = decoder_keys()

    def __init__(self, *args, **kwargs):
        super().__init__(*args, object_hook=self.revive, **kwargs)

    @classmethod
    def revive(cls, obj: dict) -> dict:
        for key in cls.MONEY.intersection(obj):
            if isinstance(obj[key], str):
                obj[key] = Decimal(obj[key])
        for key in cls.DATES.intersection(obj):
            if isinstance(obj[key], str):
                obj[key] = date.fromisoformat(obj[key])
        return obj


class PortfolioFigures(models.Model):
    """One KAM's dashboard figures for one fiscal year, kept so a dashboard reads a row per
    KAM instead of aggregating thousands of accounts on every visit (dashboards/store.py).

    A write announced as changing the KAM's portfolio moves `version` on
    (dashboards/signals.py); the row is fresh while `computed_version` matches it and it
    was computed today."""

    owner = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+")
    fiscal_year = models.PositiveSmallIntegerField()
    version = models.PositiveIntegerField(default=1)
    computed_version = models.PositiveIntegerField(default=0)
    computed_on = models.DateField(null=True)
    computed_at = models.DateTimeField(null=True)
    # A schema.Figures.
    figures = models.JSONField(default=dict, encoder=DjangoJSONEncoder, decoder=FiguresDecoder)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["owner", "fiscal_year"], name="one_figures_a_kam_year")
        ]

    def __str__(self) -> str:
        return f"{self.owner} FY {self.fiscal_year}"

    def is_fresh(self, today) -> bool:
        return self.computed_version == self.version and self.computed_on == today
