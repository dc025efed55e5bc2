"""Tiering results: one snapshot per account and run date, so movement shows over time."""

from django.db import models
from django.utils.translation import gettext_lazy as _

from .accounts import Account
from .money import MoneyField
from .tier_choices import ABC, XYZ, Band, NineBoxClass, Status, Strategy


class TierSnapshot(models.Model):
    """An account's tier as of one date, with every figure it was derived from."""

    account = models.ForeignKey(Account, on_delete=models.CASCADE, related_name="tier_snapshots")
    as_of = models.DateField(_("as of"))
    revenue_12m = MoneyField(_("revenue, 12 months"))
    revenue_previous_12m = MoneyField(_("revenue, previous 12 months"))
    revenue_last_6m = MoneyField(_("revenue, last 6 months"))
    share_before = models.FloatField(_("share of revenue ranked above"), null=True)
    coefficient_of_variation = models.FloatField(_("coefficient of variation"), null=True)
    potential = MoneyField(_("potential used"))
    abc = models.CharField("ABC", max_length=1, choices=ABC)
    xyz = models.CharField("XYZ", max_length=1, choices=XYZ)
    contribution_level = models.CharField(_("contribution"), max_length=6, choices=Band)
    potential_level = models.CharField(_("potential"), max_length=6, choices=Band)
    nine_box_class = models.CharField(_("class"), max_length=1, choices=NineBoxClass)
    status = models.CharField(_("status"), max_length=10, choices=Status)
    strategy = models.CharField(_("strategy"), max_length=20, choices=Strategy)

    class Meta:
        ordering = ["-as_of"]
        verbose_name = _("tier snapshot")
        verbose_name_plural = _("tier snapshots")
        constraints = [
            models.UniqueConstraint(fields=["account", "as_of"], name="tier_snapshot_once_a_day")
        ]
        indexes = [models.Index(fields=["as_of"], name="tier_snapshot_as_of_idx")]

    def __str__(self) -> str:
        return f"{self.account} {self.as_of}: {self.nine_box_class} {self.status}"
