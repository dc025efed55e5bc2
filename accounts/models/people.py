"""The people at an account: the stakeholder map, influence links and buying centres."""

from typing import Self

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import models
from django.db.models.functions import Cast
from django.utils.translation import gettext_lazy as _

from kamcrm.versioning import Versioned

from .accounts import SCORE, Account, loops_back
from .scoped import AccountScopedQuerySet


class Seniority(models.TextChoices):
    """How high in the customer's organisation a person sits (000's decision levels)."""

    OPERATIONAL = "operational", _("Operational")
    MANAGEMENT = "management", _("Management")
    EXECUTIVE = "executive", _("Executive")
    OWNER = "owner", _("Owner")


class BuyingRole(models.TextChoices):
    DECISION_MAKER = "decision_maker", _("Decision maker")
    ECONOMIC_BUYER = "economic_buyer", _("Economic buyer")
    TECHNICAL_EVALUATOR = "technical_evaluator", _("Technical evaluator")
    USER = "user", _("User")
    INFLUENCER = "influencer", _("Influencer")
    GATEKEEPER = "gatekeeper", _("Gatekeeper")
    CHAMPION = "champion", _("Champion")


# Who can sign off a purchase: the map warns when none of them is a supporter.
DECISION_ROLES = (BuyingRole.DECISION_MAKER, BuyingRole.ECONOMIC_BUYER)
# ...and the levels that can, whatever their role.
DECISION_LEVELS = (Seniority.EXECUTIVE, Seniority.OWNER)


class Attitude(models.TextChoices):
    SUPPORTER = "supporter", _("Supporter")
    NEUTRAL = "neutral", _("Neutral")
    OPPONENT = "opponent", _("Opponent")


class StakeholderQuerySet(AccountScopedQuerySet):
    def at_decision_level(self) -> Self:
        """People who can sign off a purchase: by their buying role or by their level."""
        return self.filter(
            models.Q(buying_role__in=DECISION_ROLES) | models.Q(level__in=DECISION_LEVELS)
        )

    def decision_supporters(self) -> Self:
        """Supporters at decision level: a key account without one is at risk (004)."""
        return self.at_decision_level().filter(attitude=Attitude.SUPPORTER)


class Stakeholder(Versioned):
    """A person at the customer, placed in its org chart and scored as 004's ECM does."""

    account = models.ForeignKey(Account, on_delete=models.CASCADE, related_name="stakeholders")
    # The source system's id, for imports; unique within the account when given. A
    # database default too: rows inserted in SQL (the benchmarks' portfolios) have one.
    external_id = models.CharField(_("external id"), max_length=64, blank=True, db_default="")
    name = models.CharField(_("name"), max_length=200)
    title = models.CharField(_("title"), max_length=200, blank=True)
    department = models.CharField(_("department"), max_length=100, blank=True)
    level = models.CharField(
        _("level"), max_length=20, choices=Seniority, default=Seniority.OPERATIONAL
    )
    reports_to = models.ForeignKey(
        "self",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="reports",
        verbose_name=_("reports to"),
    )
    email = models.EmailField(_("email"), blank=True)
    phone = models.CharField(_("phone"), max_length=50, blank=True)
    buying_role = models.CharField(_("buying role"), max_length=30, choices=BuyingRole, blank=True)
    attitude = models.CharField(
        _("attitude"), max_length=20, choices=Attitude, default=Attitude.NEUTRAL
    )
    relationship_closeness = models.PositiveSmallIntegerField(
        _("relationship closeness (1-5)"), default=3, validators=SCORE
    )
    solution_acceptance = models.PositiveSmallIntegerField(
        _("solution acceptance (1-5)"), default=3, validators=SCORE
    )
    price_acceptance = models.PositiveSmallIntegerField(
        _("price acceptance (1-5)"), default=3, validators=SCORE
    )
    # 004's overall closeness: the plain mean of the three scores, so 1.0 to 5.0. The one
    # place the formula lives; the database keeps it current for every aggregate.
    overall_closeness = models.GeneratedField(
        expression=Cast(
            models.F("relationship_closeness")
            + models.F("solution_acceptance")
            + models.F("price_acceptance"),
            models.FloatField(),
        )
        / 3,
        output_field=models.FloatField(),
        db_persist=True,
        verbose_name=_("overall closeness"),
    )
    relationship_holder = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("known by"),
        help_text=_("Which of our people holds the relationship."),
    )
    relationship_strength = models.PositiveSmallIntegerField(
        _("relationship strength (1-5)"), null=True, blank=True, validators=SCORE
    )
    notes = models.TextField(_("notes"), blank=True)
    last_contact = models.DateField(_("last contact"), null=True, blank=True)

    objects = StakeholderQuerySet.as_manager()

    class Meta:
        ordering = ["name"]
        verbose_name = _("stakeholder")
        verbose_name_plural = _("stakeholders")
        indexes = [
            models.Index(fields=["account", "name"], name="stakeholder_account_idx"),
        ]
        constraints = [
            models.UniqueConstraint(
                fields=["account", "external_id"],
                condition=~models.Q(external_id=""),
                name="stakeholder_external_id_unique",
            ),
            models.CheckConstraint(
                condition=models.Q(relationship_closeness__range=(1, 5))
                & models.Q(solution_acceptance__range=(1, 5))
                & models.Q(price_acceptance__range=(1, 5)),
                name="stakeholder_scores_1_to_5",
            ),
        ]

    def __str__(self) -> str:
        return self.name

    def clean(self) -> None:
        boss = self.reports_to
        if boss is None:
            return
        if boss.account_id != self.account_id:
            raise ValidationError({"reports_to": _("Choose someone at the same account.")})
        if loops_back(self, "reports_to"):
            raise ValidationError({"reports_to": _("Reporting lines cannot go round in a circle.")})


class InfluenceLink(models.Model):
    """Influence that crosses the org chart: `source` sways `target`."""

    source = models.ForeignKey(
        Stakeholder, on_delete=models.CASCADE, related_name="influences", verbose_name=_("who")
    )
    target = models.ForeignKey(
        Stakeholder,
        on_delete=models.CASCADE,
        related_name="influenced_by",
        verbose_name=_("influences whom"),
    )
    strength = models.PositiveSmallIntegerField(_("strength (1-5)"), default=3, validators=SCORE)
    note = models.CharField(_("note"), max_length=200, blank=True)

    objects = AccountScopedQuerySet.through("source__account").as_manager()

    class Meta:
        verbose_name = _("influence link")
        verbose_name_plural = _("influence links")
        constraints = [
            models.UniqueConstraint(fields=["source", "target"], name="influence_link_once"),
            models.CheckConstraint(
                condition=~models.Q(source=models.F("target")), name="influence_not_on_self"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.source} → {self.target}"

    def clean(self) -> None:
        if self.source_id and self.target_id and self.source.account_id != self.target.account_id:
            raise ValidationError(_("Both people must be at the same account."))


class BuyingCentre(models.Model):
    """The people behind one purchase decision: an opportunity or a business unit."""

    account = models.ForeignKey(Account, on_delete=models.CASCADE, related_name="buying_centres")
    name = models.CharField(_("name"), max_length=200)
    opportunity = models.ForeignKey(
        "accounts.Opportunity",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="buying_centres",
        verbose_name=_("opportunity"),
    )
    description = models.TextField(_("description"), blank=True)
    members = models.ManyToManyField(
        Stakeholder, through="BuyingCentreMember", related_name="buying_centres"
    )

    objects = AccountScopedQuerySet.as_manager()

    class Meta:
        ordering = ["name"]
        verbose_name = _("buying centre")
        verbose_name_plural = _("buying centres")

    def __str__(self) -> str:
        return self.name


class BuyingCentreMember(models.Model):
    buying_centre = models.ForeignKey(
        BuyingCentre, on_delete=models.CASCADE, related_name="memberships"
    )
    stakeholder = models.ForeignKey(
        Stakeholder,
        on_delete=models.CASCADE,
        related_name="buying_centre_memberships",
        verbose_name=_("person"),
    )
    role = models.CharField(_("role in this decision"), max_length=30, choices=BuyingRole)

    class Meta:
        verbose_name = _("buying centre member")
        verbose_name_plural = _("buying centre members")
        constraints = [
            models.UniqueConstraint(
                fields=["buying_centre", "stakeholder"], name="buying_centre_member_once"
            )
        ]

    def __str__(self) -> str:
        return f"{self.stakeholder} ({self.get_role_display()})"
