"""The one signal for figures kept apart from the rows they count (the dashboards' stored
figures): every write that changes a portfolio announces it, from the service that made
the write, so nobody has to guess from model saves what a write meant."""

from django.dispatch import Signal

# Sent with owner_ids (None: everyone's), account_ids and plan_ids: the portfolios of
# these owners, of these accounts' owners and of these plans' accounts' owners changed.
portfolio_changed = Signal()


def announce_portfolio_change(
    *, owner_ids=None, account_ids=(), plan_ids=(), scores_only: bool = False
) -> None:
    """Call inside the write's transaction: what listeners mark goes with it, or not.
    `scores_only`: only figures computed from the rows changed (the health run), not the
    rows themselves (the health run, tiering), so listeners that sum rows have nothing to
    redo."""
    portfolio_changed.send(
        sender=None,
        owner_ids=None if owner_ids is None else [pk for pk in owner_ids if pk],
        account_ids=list(account_ids),
        plan_ids=list(plan_ids),
        scores_only=scores_only,
    )


def owners_touched(form, saved) -> list:
    """The owners a form's (or formset's) save concerns: each row's owner before and after,
    so handing a deal, commitment or action to someone else changes both portfolios."""
    rows = saved if isinstance(saved, list) else [saved]
    before = [getattr(f, "initial", {}).get("owner") for f in getattr(form, "forms", [form])]
    return [*before, *(getattr(row, "owner_id", None) for row in rows)]
