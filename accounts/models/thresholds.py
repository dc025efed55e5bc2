"""Company-wide numbers an admin can change, kept in one row."""

from decimal import Decimal

from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.utils.translation import gettext_lazy as _

from kamcrm.versioning import Versioned

from .money import MoneyField

SHARE = [MinValueValidator(0), MaxValueValidator(1)]


class Thresholds(Versioned):
    """The admin-editable thresholds; `Thresholds.current()` reads the one row.

    Money thresholds are in the base currency, per year.
    """

    # 004: keep a contact rhythm, closest with the accounts that matter most.
    contact_rhythm_days = models.PositiveSmallIntegerField(
        _("contact rhythm, accounts not tiered yet (days)"),
        default=60,
        validators=[MinValueValidator(1)],
        help_text=_("An account not contacted for longer than its rhythm is flagged as stale."),
    )
    contact_rhythm_a = models.PositiveSmallIntegerField(
        _("contact rhythm, class A (days)"), default=30, validators=[MinValueValidator(1)]
    )
    contact_rhythm_b = models.PositiveSmallIntegerField(
        _("contact rhythm, class B (days)"), default=45, validators=[MinValueValidator(1)]
    )
    contact_rhythm_c = models.PositiveSmallIntegerField(
        _("contact rhythm, class C (days)"), default=30, validators=[MinValueValidator(1)]
    )
    contact_rhythm_d = models.PositiveSmallIntegerField(
        _("contact rhythm, class D (days)"), default=90, validators=[MinValueValidator(1)]
    )
    abc_a_share = models.FloatField(_("ABC: A below this share"), default=0.80, validators=SHARE)
    abc_b_share = models.FloatField(_("ABC: B below this share"), default=0.95, validators=SHARE)
    xyz_x_cv = models.FloatField(
        _("XYZ: X up to this variation"), default=0.25, validators=[MinValueValidator(0)]
    )
    xyz_y_cv = models.FloatField(
        _("XYZ: Y up to this variation"), default=0.5, validators=[MinValueValidator(0)]
    )
    contribution_high = MoneyField(_("contribution: high from"), default=Decimal(10_000_000))
    contribution_medium = MoneyField(_("contribution: medium from"), default=Decimal(5_000_000))
    relative_contribution_min = models.FloatField(
        _("high contribution needs this share of potential"),
        default=0.3,
        validators=SHARE,
        help_text=_("Below it, a high contribution counts as medium (room to grow)."),
    )
    potential_high = MoneyField(_("potential: high from"), default=Decimal(20_000_000))
    potential_medium = MoneyField(_("potential: medium from"), default=Decimal(10_000_000))
    lost_after_months = models.PositiveSmallIntegerField(
        _("lost after months without revenue"), default=6, validators=[MinValueValidator(1)]
    )
    at_risk_drop = models.FloatField(
        _("at risk when revenue falls by"),
        default=0.3,
        validators=SHARE,
        help_text=_("Share of the previous 12 months' revenue."),
    )

    class Meta:
        verbose_name = _("thresholds")
        verbose_name_plural = _("thresholds")

    def __str__(self) -> str:
        return str(_("Thresholds"))

    def rhythm_for(self, nine_box_class: str) -> int:
        """Days an account of this class may go without contact before it is flagged."""
        return {
            "A": self.contact_rhythm_a,
            "B": self.contact_rhythm_b,
            "C": self.contact_rhythm_c,
            "D": self.contact_rhythm_d,
        }.get(nine_box_class, self.contact_rhythm_days)

    def freshness(self, nine_box_class: str, last_contact, today) -> tuple[int | None, bool]:
        """(days since the last contact, whether that is longer than the class's rhythm)."""
        if last_contact is None:
            return None, True
        days = (today - last_contact).days
        return days, days > self.rhythm_for(nine_box_class)

    @classmethod
    def current(cls) -> "Thresholds":
        return cls.objects.get_or_create(pk=1)[0]
