"""The Settings pages' forms: the one-row settings carry their version (a save made on
top of another admin's is refused), the lists are plain model forms."""

from django import forms
from django.utils import timezone
from django.utils.dates import MONTHS
from django.utils.translation import gettext_lazy as _

from accounts.models import (
    Competitor,
    Currency,
    ExchangeRate,
    OpportunityStage,
    ProductLine,
    Thresholds,
)
from health.models import HealthWeights
from kamcrm.versioning import VersionedForm
from plans.models import PlanSettings


def _in_order(form: forms.Form, lower: str, upper: str) -> None:
    """Flag `lower` when it is above `upper` (a band that would start above the next)."""
    low, high = form.cleaned_data.get(lower), form.cleaned_data.get(upper)
    if low is not None and high is not None and low > high:
        form.add_error(
            lower,
            _("Must not be above “%(other)s”.") % {"other": form.fields[upper].label},
        )


class ThresholdsForm(VersionedForm):
    class Meta:
        model = Thresholds
        fields = [
            "abc_a_share", "abc_b_share", "xyz_x_cv", "xyz_y_cv",
            "contribution_high", "contribution_medium", "relative_contribution_min",
            "potential_high", "potential_medium", "lost_after_months", "at_risk_drop",
            "contact_rhythm_a", "contact_rhythm_b", "contact_rhythm_c", "contact_rhythm_d",
            "contact_rhythm_days",
        ]  # fmt: skip

    def clean(self):
        cleaned = super().clean()
        for lower, upper in [
            ("abc_a_share", "abc_b_share"),
            ("xyz_x_cv", "xyz_y_cv"),
            ("contribution_medium", "contribution_high"),
            ("potential_medium", "potential_high"),
        ]:
            _in_order(self, lower, upper)
        return cleaned


class PlanSettingsForm(VersionedForm):
    fiscal_year_start_month = forms.TypedChoiceField(
        label=_("Fiscal year starts in"), choices=list(MONTHS.items()), coerce=int
    )

    class Meta:
        model = PlanSettings
        fields = [
            "fiscal_year_start_month",
            "remind_days_before_review",
            "escalate_days_after_review",
        ]


class HealthWeightsForm(VersionedForm):
    class Meta:
        model = HealthWeights
        fields = [
            "revenue_trend", "coverage", "closeness", "freshness", "plan", "commitments",
            "pipeline", "green_from", "amber_from",
        ]  # fmt: skip

    def clean(self):
        cleaned = super().clean()
        # In words, before the database's constraint would say it in its own.
        _in_order(self, "amber_from", "green_from")
        return cleaned


class StageForm(VersionedForm):
    class Meta:
        model = OpportunityStage
        fields = ["name", "order", "default_probability", "outcome"]


class ProductLineForm(VersionedForm):
    class Meta:
        model = ProductLine
        fields = ["name", "is_active"]


class CompetitorForm(VersionedForm):
    class Meta:
        model = Competitor
        fields = ["name", "website", "notes"]


class CurrencyForm(VersionedForm):
    """A currency; its code is set once (amounts refer to it), its rate by dated rates."""

    class Meta:
        model = Currency
        fields = ["code", "name", "minor_unit"]

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        if self.instance.pk:
            self.fields["code"].disabled = True

    def clean_code(self) -> str:
        return self.cleaned_data["code"].strip().upper()


class RateForm(forms.ModelForm):
    class Meta:
        model = ExchangeRate
        fields = ["valid_from", "rate"]
        widgets = {"valid_from": forms.DateInput(attrs={"type": "date"})}

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["valid_from"].initial = timezone.localdate()
