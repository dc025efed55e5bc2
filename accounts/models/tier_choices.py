"""The vocabulary of tiering (DOMAIN.md §3)."""

from django.db import models
from django.utils.translation import gettext_lazy as _


class ABC(models.TextChoices):
    A = "A", "A"
    B = "B", "B"
    C = "C", "C"


class XYZ(models.TextChoices):
    X = "X", _("X (regular)")
    Y = "Y", _("Y (variable)")
    Z = "Z", _("Z (irregular)")


class Band(models.TextChoices):
    """Where an account's contribution or potential falls against the thresholds."""

    HIGH = "high", _("High")
    MEDIUM = "medium", _("Medium")
    LOW = "low", _("Low")


class NineBoxClass(models.TextChoices):
    """004's potential-by-contribution classes."""

    A = "A", _("A: high potential, high contribution")
    B = "B", _("B: potential used up, high contribution")
    C = "C", _("C: potential to develop")
    D = "D", _("D: low potential, low contribution")

    @classmethod
    def of(cls, contribution: str, potential: str) -> "NineBoxClass":
        """004's grid: a high contribution is A with high potential, else B; a lower one
        is D with low potential, else C."""
        if contribution == Band.HIGH:
            return cls.A if potential == Band.HIGH else cls.B
        return cls.D if potential == Band.LOW else cls.C


class Status(models.TextChoices):
    PROSPECT = "prospect", _("Prospect")
    ACTIVE = "active", _("Active")
    AT_RISK = "at_risk", _("At risk")
    LOST = "lost", _("Lost")


class Strategy(models.TextChoices):
    ACQUIRE = "acquire", _("Acquire")
    DEVELOP = "develop", _("Develop")
    RETAIN = "retain", _("Retain")
    WIN_BACK = "win_back", _("Win back")
    WAIT_AND_WATCH = "wait_and_watch", _("Wait and watch")
