"""The audit trail of accounts, their people and their deals (kamcrm/audit.py): one event
row per insert, update and delete, written by a PostgreSQL trigger, so `.update()` and
bulk writes are caught as well as saves. On SQLite the tables exist and stay empty."""

import pghistory
from django.utils.translation import gettext_lazy as _

from .accounts import Account
from .deals import Opportunity
from .people import Stakeholder

# Left out of every trail: bookkeeping that moves on each save and says nothing a reader
# needs (the event's own time and context say when and who).
BOOKKEEPING = ["version", "created_at", "updated_at"]

# The nightly tiering rewrites these on every account in one UPDATE (tiering.store_current):
# `tiered_on` and the two revenue figures change every night, so tracking them would add
# one event per account per night and bury the people's changes. Their history is kept
# already, run by run, in TierSnapshot (the account page's tier strip). With them left
# out, the update trigger's condition (any tracked field changed) stays false for the
# nightly run, and it writes no event at all.
TIER_FIELDS = [
    "abc",
    "xyz",
    "nine_box_class",
    "status",
    "strategy",
    "tiered_on",
    "contribution_level",
    "potential_level",
    "tier_revenue_12m",
    "tier_revenue_previous_12m",
    "health",  # the nightly health score, likewise kept run by run in health.HealthScore
    "health_fall",  # and how far it fell in a month, from the same runs
]

# The account list's kept figures (accounts/figures.py): sums of other rows, rewritten with
# each write to the account, whose own trails say what changed.
LIST_FIELDS = [
    "list_revenue_12m",
    "list_open_pipeline",
    "list_last_contact",
    "list_overdue_commitments",
    "list_potential",
    "list_revenue_fy",
    "list_decision_supporters",
]


def trackers() -> tuple:
    """Creation, every change of a tracked field, and removal."""
    return (pghistory.InsertEvent(), pghistory.UpdateEvent(), pghistory.DeleteEvent())


class AccountEvent(
    pghistory.create_event_model(  # type: ignore[misc]  # pghistory builds the base
        Account, *trackers(), exclude=[*BOOKKEEPING, *TIER_FIELDS, *LIST_FIELDS], append_only=True
    )
):
    class Meta:
        verbose_name = _("account change")
        verbose_name_plural = _("account changes")


class StakeholderEvent(
    pghistory.create_event_model(  # type: ignore[misc]  # pghistory builds the base
        # overall_closeness is computed by the database from the three scores it shows.
        Stakeholder,
        *trackers(),
        exclude=["version", "overall_closeness"],
        append_only=True,
    )
):
    class Meta:
        verbose_name = _("stakeholder change")
        verbose_name_plural = _("stakeholder changes")


class OpportunityEvent(
    pghistory.create_event_model(Opportunity, *trackers(), exclude=BOOKKEEPING, append_only=True)  # type: ignore[misc]  # pghistory builds the base
):
    class Meta:
        verbose_name = _("opportunity change")
        verbose_name_plural = _("opportunity changes")
