"""Accounts (customers, arranged in groups of any depth) and who works on them."""

from typing import Self

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.utils.translation import gettext_lazy as _

from kamcrm.versioning import Versioned

from ..tree_rules import GROUP_CYCLE, REPORTING_CYCLE
from .money import Currency, MoneyField
from .tier_choices import ABC, XYZ, Band, NineBoxClass, Status, Strategy

SCORE = [MinValueValidator(1), MaxValueValidator(5)]


class AccountType(models.TextChoices):
    """001's account types."""

    BREADWINNER = "breadwinner", _("Breadwinner")
    PROSPECT = "prospect", _("Prospect")
    IMAGE = "image", _("Image / reference")
    EXPERT = "expert", _("Expert")


def _shared_with(user) -> models.Q:
    # A subquery rather than a join, so an account never appears twice.
    return models.Q(pk__in=AccountTeamMember.objects.filter(user=user).values("account_id"))


def is_group_cycle(error: Exception) -> bool:
    """Whether the database refused a loop in a group (accounts.tree_rules)."""
    return GROUP_CYCLE in str(error)


def is_reporting_cycle(error: Exception) -> bool:
    """Whether the database refused a loop in reporting lines (accounts.tree_rules)."""
    return REPORTING_CYCLE in str(error)


def loops_back(obj, attr: str) -> bool:
    """Whether following `attr` up from `obj` (a parent, a boss) comes back to `obj`."""
    above, seen = getattr(obj, attr), set()
    while above is not None and above.pk not in seen:
        if obj.pk and above.pk == obj.pk:
            return True
        seen.add(above.pk)
        above = getattr(above, attr)
    return False


class AccountQuerySet(models.QuerySet):
    def matching(self, text: str) -> Self:
        """Accounts a search for `text` finds: part of the name, or the whole id."""
        return self.filter(models.Q(name__icontains=text) | models.Q(external_id__iexact=text))

    def visible_to(self, user) -> Self:
        """Accounts the user may see: the only door to accounts for every view."""
        if not user.is_authenticated or not user.is_active:
            return self.none()
        if user.is_admin:
            return self
        if user.is_director:
            return self.filter(owner__team__director=user)
        own_team = models.Q(owner__team=user.team_id) if user.team_id else models.Q(owner=user)
        return self.filter(own_team | _shared_with(user))

    def editable_by(self, user) -> Self:
        """Accounts the user may change: a director's teams, a KAM's own and shared ones."""
        if not user.is_authenticated or not user.is_active:
            return self.none()
        if user.is_admin:
            return self
        if user.is_director:
            return self.filter(owner__team__director=user)
        return self.filter(models.Q(owner=user) | _shared_with(user))


class Account(Versioned):
    """A customer company, subsidiary, business unit or department, with its dossier."""

    name = models.CharField(_("name"), max_length=200)
    parent = models.ForeignKey(
        "self",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="children",
        verbose_name=_("part of"),
        help_text=_("The parent company, or the company a unit or department belongs to."),
    )
    # The source system's id, for imports; unique when given.
    external_id = models.CharField(_("external id"), max_length=64, blank=True)
    # Indexed with its accounts' ids (Meta.indexes), not alone.
    owner = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        related_name="owned_accounts",
        limit_choices_to={"role": "kam"},
        verbose_name=_("owner"),
        db_index=False,
    )
    industry = models.CharField(_("industry"), max_length=100, blank=True)
    country = models.CharField(_("country"), max_length=100, blank=True)
    website = models.URLField(_("website"), blank=True)
    employees = models.PositiveIntegerField(_("employees"), null=True, blank=True)
    account_type = models.CharField(
        _("account type"), max_length=20, choices=AccountType, blank=True
    )
    is_strategic = models.BooleanField(_("strategic"), default=False)
    # Not indexed: a handful of currencies, never searched by; every index on this table
    # is rewritten with each row the nightly runs update (migration 0023).
    currency = models.ForeignKey(
        Currency,
        on_delete=models.PROTECT,
        related_name="+",
        verbose_name=_("currency"),
        db_index=False,
    )
    potential = MoneyField(
        _("potential per year"),
        null=True,
        blank=True,
        help_text=_("Estimated maximum yearly revenue this customer could bring us."),
    )
    lifetime_value = MoneyField(_("lifetime value"), null=True, blank=True)
    product_fit = models.PositiveSmallIntegerField(
        _("product fit (1-5)"), null=True, blank=True, validators=SCORE
    )
    strategic_value = models.PositiveSmallIntegerField(
        _("strategic value (1-5)"), null=True, blank=True, validators=SCORE
    )
    description = models.TextField(_("general description"), blank=True)
    history = models.TextField(
        _("relationship history"),
        blank=True,
        help_text=_("What was delivered when, tenders joined, why each was won or lost."),
    )
    organisation = models.TextField(_("organisational structure"), blank=True)
    market = models.TextField(_("market environment"), blank=True)
    # The latest tiering run's verdict, copied here for fast lists and filters
    # (the history is in TierSnapshot).
    abc = models.CharField("ABC", max_length=1, choices=ABC, blank=True)
    xyz = models.CharField("XYZ", max_length=1, choices=XYZ, blank=True)
    nine_box_class = models.CharField(_("class"), max_length=1, choices=NineBoxClass, blank=True)
    status = models.CharField(_("status"), max_length=10, choices=Status, blank=True)
    strategy = models.CharField(_("strategy"), max_length=20, choices=Strategy, blank=True)
    tiered_on = models.DateField(_("tiered on"), null=True, blank=True)
    contribution_level = models.CharField(max_length=6, choices=Band, blank=True)
    potential_level = models.CharField(max_length=6, choices=Band, blank=True)
    tier_revenue_12m = MoneyField(null=True, blank=True)
    tier_revenue_previous_12m = MoneyField(null=True, blank=True)
    # The latest nightly health score (0-100), copied here by the health app for the same
    # reason; its parts and history are in health.HealthScore.
    health = models.PositiveSmallIntegerField(_("health"), null=True, blank=True)
    # How far that score fell since the run a month before it (negative: it rose), kept
    # with it: the dashboard's "falling fastest" compared 100,000 scores a visit.
    health_fall = models.SmallIntegerField(null=True, blank=True, editable=False)
    # What the account list shows and sorts by, live: kept by accounts/figures.py from the
    # changes every service announces, so a list of 100,000 accounts sorts and pages from
    # an index instead of summing millions of revenue lines on every request.
    # (Defaults in the database too: rows inserted in SQL, the benchmarks', have them.)
    list_revenue_12m = MoneyField(default=0, db_default=0)
    list_open_pipeline = MoneyField(default=0, db_default=0)
    list_potential = MoneyField(null=True, blank=True)  # in the base currency
    # Revenue of the current fiscal year (accounts/figures.py's fiscal_year_start), what
    # the dashboards count as payments collected.
    list_revenue_fy = MoneyField(default=0, db_default=0)
    list_last_contact = models.DateField(null=True, blank=True)
    list_overdue_commitments = models.PositiveIntegerField(default=0, db_default=0)
    # Supporters at decision level among its people: the dashboards list the key accounts
    # with none, which read from here took an anti-join over every stakeholder.
    list_decision_supporters = models.PositiveIntegerField(default=0, db_default=0)
    created_at = models.DateTimeField(_("created"), auto_now_add=True)
    updated_at = models.DateTimeField(_("updated"), auto_now=True)

    objects = AccountQuerySet.as_manager()

    class Meta:
        ordering = ["name"]
        verbose_name = _("account")
        verbose_name_plural = _("accounts")
        indexes = [
            # The list's sorts, each with its ties (name, then id) in the index, so any
            # page is read from it a page at a time, however far in and however many
            # accounts tie (all those with no pipeline). These serve the ascending sorts;
            # the descending ones and those with NULLS placed, which SQLite cannot index,
            # are PostgreSQL's alone (migration 0033).
            models.Index(fields=["name", "id"], name="account_sort_name_idx"),
            models.Index(
                fields=["list_revenue_12m", "name", "id"], name="account_sort_revenue_idx"
            ),
            models.Index(
                fields=["list_open_pipeline", "name", "id"], name="account_sort_pipeline_idx"
            ),
            models.Index(fields=["health", "name", "id"], name="account_sort_health_idx"),
            # An owner's accounts, with what the dashboard's plan sums read of each (their
            # payments this fiscal year): a KAM's 100,000 accounts read from the index alone
            # instead of the whole table.
            models.Index(fields=["owner", "id", "list_revenue_fy"], name="account_owner_idx"),
            # The dashboards' short lists, a KAM's few rows each instead of a read of every
            # account. Only columns the nightly tiering rarely changes, so its updates stay
            # in place (HOT, migration 0023).
            models.Index(
                fields=["owner", "name"],
                condition=models.Q(nine_box_class__in=["A", "B", "C"], list_decision_supporters=0),
                name="account_no_supporter_idx",
            ),
            models.Index(
                fields=["owner"],
                condition=models.Q(status__in=["at_risk", "lost"]),
                name="account_at_risk_idx",
            ),
            models.Index(
                "owner",
                models.F("health_fall").desc(),
                "name",
                condition=models.Q(health_fall__gt=0),
                name="account_health_fell_idx",
            ),
        ]
        constraints = [
            models.CheckConstraint(
                condition=~models.Q(parent=models.F("pk")), name="account_not_own_parent"
            ),
            models.UniqueConstraint(
                fields=["external_id"],
                condition=~models.Q(external_id=""),
                name="account_external_id_unique",
            ),
        ]

    def __str__(self) -> str:
        return self.name

    @property
    def director(self):
        """The sales director answering for the account: the one leading its owner's team."""
        team = self.owner.team
        return team.director if team else None

    def clean(self) -> None:
        # A group is a tree: an account cannot sit below itself.
        if loops_back(self, "parent"):
            raise ValidationError({"parent": _("An account cannot be part of itself.")})


class AccountTeamMember(models.Model):
    """Another of our people with a role on an account; they may edit it."""

    account = models.ForeignKey(Account, on_delete=models.CASCADE, related_name="team_members")
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.CASCADE,
        related_name="account_roles",
        verbose_name=_("person"),
    )
    role = models.CharField(
        _("role on the account"),
        max_length=100,
        help_text=_("e.g. technical lead, executive sponsor"),
    )

    class Meta:
        verbose_name = _("account team member")
        verbose_name_plural = _("account team")
        constraints = [
            models.UniqueConstraint(fields=["account", "user"], name="account_team_member_once")
        ]

    def __str__(self) -> str:
        return f"{self.user} ({self.role})"


class ProductLine(Versioned):
    """One of our offerings; revenue, opportunities and the whitespace map refer to it."""

    name = models.CharField(_("name"), max_length=100, unique=True)
    is_active = models.BooleanField(_("active"), default=True)

    class Meta:
        ordering = ["name"]
        verbose_name = _("product line")
        verbose_name_plural = _("product lines")

    def __str__(self) -> str:
        return self.name


class Competitor(Versioned):
    name = models.CharField(_("name"), max_length=100, unique=True)
    website = models.URLField(_("website"), blank=True)
    notes = models.TextField(_("notes"), blank=True)

    class Meta:
        ordering = ["name"]
        verbose_name = _("competitor")
        verbose_name_plural = _("competitors")

    def __str__(self) -> str:
        return self.name


class AccountCompetitor(models.Model):
    """A competitor working an account, and where it stands there."""

    account = models.ForeignKey(Account, on_delete=models.CASCADE, related_name="competitors")
    competitor = models.ForeignKey(
        Competitor, on_delete=models.PROTECT, related_name="accounts", verbose_name=_("competitor")
    )
    position = models.CharField(
        _("position"), max_length=200, blank=True, help_text=_("e.g. incumbent for logistics")
    )
    notes = models.TextField(_("notes"), blank=True)

    class Meta:
        ordering = ["competitor__name"]
        verbose_name = _("competitor at the account")
        verbose_name_plural = _("competitors at the account")
        constraints = [
            models.UniqueConstraint(
                fields=["account", "competitor"], name="account_competitor_once"
            )
        ]

    def __str__(self) -> str:
        return str(self.competitor)
