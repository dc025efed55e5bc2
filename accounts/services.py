"""Writes to accounts and what hangs off them (people, deals, contact, offers), for the
views. Each announces the portfolios it changed (kamcrm.signals), as the imports and the
nightly tiering do for theirs: that is how the dashboards' stored figures learn of it.
A write made around these (the ORM in a shell) shows on the dashboards from the next
day's refresh, or after `manage.py refresh_figures`."""

from collections.abc import Mapping

from django.db import transaction
from django.utils import timezone

from kamcrm.permissions import require
from kamcrm.signals import announce_portfolio_change, owners_touched
from kamcrm.versioning import StaleEdit, claim_version

from .models import Account, Commitment, Opportunity, OpportunityStage, StageOutcome


@transaction.atomic
def account_save(form) -> Account:
    """A new account or changes to one (an AccountForm: StaleEdit when someone saved
    first). Handing it to another KAM changes both KAMs' portfolios."""
    owner_before = form.initial.get("owner") if form.instance.pk else None
    account = form.save()
    # (The account's id too: a new account's list figures start then.)
    announce_portfolio_change(owner_ids=[account.owner_id, owner_before], account_ids=[account.pk])
    return account


@transaction.atomic
def account_part_save(form, *, account: Account):
    """Something on the account, from its form or formset (a person, a deal, an activity,
    a commitment, an offer...): the account's portfolio changed, and those of the row's
    owners before and after, where it has one (a deal or commitment counts for its own
    owner, who may be on another team)."""
    saved = form.save()
    announce_portfolio_change(owner_ids=owners_touched(form, saved), account_ids=[account.pk])
    return saved


@transaction.atomic
def commitment_keep(commitment: Commitment) -> bool:
    """Mark a promise kept today; False if it already was."""
    kept = Commitment.objects.filter(pk=commitment.pk, done_on=None).update(
        done_on=timezone.localdate()
    )
    if kept:
        announce_portfolio_change(
            owner_ids=[commitment.owner_id], account_ids=[commitment.account_id]
        )
    return bool(kept)


def owned_by(user) -> dict[str, int]:
    """What a user leaving would leave without an owner: their accounts, open deals and
    commitments not kept yet."""
    return {
        "accounts": Account.objects.filter(owner=user).count(),
        "deals": Opportunity.objects.open().filter(owner=user).count(),
        "commitments": Commitment.objects.filter(owner=user, done_on=None).count(),
    }


@transaction.atomic
def hand_over(*, leaving, to: Mapping) -> dict[str, int]:
    """Give what `owned_by(leaving)` counts to the user `to` names for its kind (accounts,
    deals, commitments; a kind it does not name stays); every portfolio touched changed.
    Closed deals and kept commitments stay with who made them."""
    held = {
        "accounts": Account.objects.filter(owner=leaving),
        "deals": Opportunity.objects.open().filter(owner=leaving),
        "commitments": Commitment.objects.filter(owner=leaving, done_on=None),
    }
    moved = {kind: rows.update(owner=to[kind]) for kind, rows in held.items() if kind in to}
    announce_portfolio_change(owner_ids=[leaving.pk, *(user.pk for user in to.values())])
    return moved


@transaction.atomic
def opportunity_move(deal: Opportunity, stage: OpportunityStage, *, version: int, by) -> None:
    """A deal moved to another open stage (the pipeline board), its probability the
    stage's default, as a new deal's is. StaleEdit (with the stored deal) if someone saved
    it since `version`; closing a deal takes its form (why it was won or lost)."""
    require(by, "accounts.change_account", deal.account)
    if stage.outcome != StageOutcome.OPEN:
        raise ValueError("a deal is closed from its form, with its reason")
    moved = claim_version(
        Opportunity, deal.pk, version,
        stage=stage, probability=stage.default_probability, updated_at=timezone.now(),
    )  # fmt: skip
    if not moved:
        raise StaleEdit(Opportunity.objects.get(pk=deal.pk))
    announce_portfolio_change(owner_ids=[deal.owner_id], account_ids=[deal.account_id])
