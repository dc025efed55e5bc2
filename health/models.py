"""The weights an admin sets, and the nightly scores with the parts they were made of."""

from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.utils.translation import gettext_lazy as _

from accounts.models import Account
from accounts.models.money import MoneyField
from kamcrm.versioning import Versioned

WEIGHT = [MinValueValidator(0), MaxValueValidator(100)]
SCORE = [MinValueValidator(0), MaxValueValidator(100)]


class HealthBand(models.TextChoices):
    GREEN = "green", _("Healthy")
    AMBER = "amber", _("Needs attention")
    RED = "red", _("At risk")


# The parts of a score, in the order the account page explains them: (field, label).
PARTS = (
    ("revenue_trend", _("Revenue trend")),
    ("coverage", _("Supporters at decision level")),
    ("closeness", _("Closeness at decision level")),
    ("freshness", _("Contact freshness")),
    ("plan", _("Plan and reviews")),
    ("commitments", _("Promises kept on time")),
    ("pipeline", _("Pipeline coverage")),
)


class HealthWeights(Versioned):
    """How much each part counts (any scale: a part's share is its weight over the sum of
    the weights of the parts that apply), and where the bands start. One row."""

    revenue_trend = models.PositiveSmallIntegerField(
        _("revenue trend"), default=25, validators=WEIGHT
    )
    coverage = models.PositiveSmallIntegerField(
        _("supporters at decision level"), default=15, validators=WEIGHT
    )
    closeness = models.PositiveSmallIntegerField(
        _("closeness at decision level"), default=15, validators=WEIGHT
    )
    freshness = models.PositiveSmallIntegerField(
        _("contact freshness"), default=15, validators=WEIGHT
    )
    plan = models.PositiveSmallIntegerField(_("plan and reviews"), default=10, validators=WEIGHT)
    commitments = models.PositiveSmallIntegerField(
        _("promises kept on time"), default=10, validators=WEIGHT
    )
    pipeline = models.PositiveSmallIntegerField(
        _("pipeline coverage"), default=10, validators=WEIGHT
    )
    green_from = models.PositiveSmallIntegerField(
        _("healthy from"), default=70, validators=SCORE, help_text=_("Scores from here up.")
    )
    amber_from = models.PositiveSmallIntegerField(
        _("needs attention from"),
        default=40,
        validators=SCORE,
        help_text=_("Scores from here up to the healthy band; below it an account is at risk."),
    )

    class Meta:
        verbose_name = _("health weights")
        verbose_name_plural = _("health weights")
        constraints = [
            models.CheckConstraint(
                condition=models.Q(amber_from__lte=models.F("green_from")),
                name="health_bands_in_order",
            )
        ]

    def __str__(self) -> str:
        return str(_("Health weights"))

    @classmethod
    def current(cls) -> "HealthWeights":
        """The admin's row, or the defaults until an admin saves one (a page read writes
        nothing)."""
        return cls.objects.filter(pk=1).first() or cls(pk=1)

    def band(self, score: int | None) -> str | None:
        if score is None:
            return None
        if score >= self.green_from:
            return HealthBand.GREEN
        return HealthBand.AMBER if score >= self.amber_from else HealthBand.RED

    def weights(self) -> dict[str, int]:
        return {field: getattr(self, field) for field, _label in PARTS}


class HealthScore(models.Model):
    """An account's health as of one night: the score and each part (0-100, or empty where
    the part does not apply, which leaves its weight to the others)."""

    account = models.ForeignKey(Account, on_delete=models.CASCADE, related_name="health_scores")
    as_of = models.DateField(_("as of"))
    score = models.PositiveSmallIntegerField(_("health"), null=True)
    revenue_trend = models.PositiveSmallIntegerField(null=True)
    coverage = models.PositiveSmallIntegerField(null=True)
    closeness = models.PositiveSmallIntegerField(null=True)
    freshness = models.PositiveSmallIntegerField(null=True)
    plan = models.PositiveSmallIntegerField(null=True)
    commitments = models.PositiveSmallIntegerField(null=True)
    pipeline = models.PositiveSmallIntegerField(null=True)
    # What the parts were scored from, so the account page can say why.
    nine_box_class = models.CharField(max_length=1, blank=True)
    revenue_12m = MoneyField(null=True)
    revenue_previous_12m = MoneyField(null=True)
    supporters = models.PositiveIntegerField(default=0)  # at decision level
    decision_closeness = models.FloatField(null=True)  # their mean overall closeness, 1-5
    last_contact = models.DateField(null=True)
    contact_rhythm = models.PositiveSmallIntegerField(null=True)  # the class's, in days
    plan_status = models.CharField(max_length=10, blank=True)
    reviews_done = models.PositiveSmallIntegerField(default=0)  # of this year's plan
    reviews_expected = models.PositiveSmallIntegerField(default=0)  # overdue if not done
    overdue_commitments = models.PositiveIntegerField(default=0)
    weighted_pipeline = MoneyField(default=0)

    class Meta:
        ordering = ["-as_of"]
        verbose_name = _("health score")
        verbose_name_plural = _("health scores")
        constraints = [
            models.UniqueConstraint(fields=["account", "as_of"], name="health_score_once_a_day")
        ]
        indexes = [models.Index(fields=["as_of"], name="health_score_as_of_idx")]

    def __str__(self) -> str:
        return f"{self.account} {self.as_of}: {self.score}"
