"""Writes to settings, for the pages and the Django admin alike: a change to a setting
every figure depends on is everyone's portfolio changing, so it is announced (the kept
list figures and the dashboards refresh; tiers and health follow at their next run or
when an admin asks for one now)."""

from django.db import models, transaction

from accounts.models import Currency, OpportunityStage, Thresholds
from health.models import HealthWeights
from kamcrm.signals import announce_portfolio_change
from plans.models import PlanSettings

# Product lines and competitors name things; no figure is computed from them.
FIGURES_DEPEND_ON = (Currency, OpportunityStage, Thresholds, PlanSettings, HealthWeights)


def settings_changed(model: type[models.Model]) -> None:
    """Call inside the write's transaction, whoever made it (a page, the Django admin)."""
    if issubclass(model, FIGURES_DEPEND_ON):
        announce_portfolio_change()


@transaction.atomic
def setting_save(form) -> models.Model:
    """A settings form's save (StaleEdit from a versioned one someone saved first)."""
    saved = form.save()
    settings_changed(type(saved))
    return saved


@transaction.atomic
def setting_delete(obj: models.Model) -> None:
    """ProtectedError when something still refers to it (a deal at the stage, an amount in
    the currency): nothing is deleted then."""
    obj.delete()
    settings_changed(type(obj))
