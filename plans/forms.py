from typing import cast

from django import forms
from django.conf import settings
from django.forms.models import BaseInlineFormSet
from django.utils.text import capfirst, format_lazy
from django.utils.translation import gettext_lazy as _

from accounts.forms import account_people
from accounts.models import Stakeholder, Strategy
from accounts.models.money import MoneyField
from accounts.tactics import TACTICS
from kamcrm.forms import model_choices, sharing_choices, style_widgets
from kamcrm.versioning import VersionedForm

from .models import (
    AccountPlan,
    PeopleTarget,
    PlanAction,
    PlanGoal,
    PlanStatus,
    QuarterlyReview,
    WhitespaceMark,
)


class SectionForm(forms.Form):
    text = forms.CharField(label="", widget=forms.Textarea(attrs={"rows": 12}), required=False)
    version = forms.IntegerField(widget=forms.HiddenInput)


def _money_in_base_currency(field, **kwargs):
    """The yearly targets are money in the base currency: labelled with it, and shown and
    typed the way the reader writes numbers (13 000 000,00 in Polish), not 13000000.00."""
    if isinstance(field, MoneyField):
        kwargs |= {
            "label": format_lazy(
                "{} ({})", capfirst(field.verbose_name), settings.KAMCRM_BASE_CURRENCY
            ),
            "localize": True,
            "widget": forms.TextInput(attrs={"inputmode": "decimal"}),
        }
    return field.formfield(**kwargs)


class TargetsForm(VersionedForm):
    """The plan's strategy, tactics and yearly targets; a save on top of someone else's
    is refused with both in view, as for accounts (kamcrm.versioning)."""

    tactics = forms.MultipleChoiceField(
        label=_("Tactics"), required=False, widget=forms.CheckboxSelectMultiple
    )

    class Meta:
        model = AccountPlan
        fields = [
            "strategy",
            "strategy_reason",
            "tactics",
            "opportunities_to_cultivate",
            "opportunities_to_capture",
            "contract_value_target",
            "payments_target",
        ]
        widgets = {"strategy_reason": forms.Textarea(attrs={"rows": 2})}
        formfield_callback = _money_in_base_currency

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        strategy = self.data.get("strategy") or self.instance.strategy
        choices = [str(t) for t in TACTICS.get(strategy, [])]
        choices += [t for t in self.instance.tactics if t not in choices]
        self.fields["tactics"].choices = [(t, t) for t in choices]

    def clean(self):
        cleaned = super().clean()
        tier_strategy = self.instance.account.strategy
        chosen = cleaned.get("strategy")
        if (
            chosen
            and tier_strategy
            and chosen != tier_strategy
            and not cleaned.get("strategy_reason")
        ):
            self.add_error(
                "strategy_reason",
                _("The tier suggests %(strategy)s: say why this plan differs.")
                % {"strategy": Strategy(tier_strategy).label},
            )
        return cleaned


class ReviewForm(forms.ModelForm):
    class Meta:
        model = QuarterlyReview
        fields = ["quarter", "customer_changes", "adjustments"]
        widgets = {
            "customer_changes": forms.Textarea(attrs={"rows": 4}),
            "adjustments": forms.Textarea(attrs={"rows": 4}),
        }


class PeopleTargetForm(VersionedForm):
    class Meta:
        model = PeopleTarget
        fields = ["stakeholder", "target_closeness", "target_solution", "target_price"]

    def __init__(self, *args, plan: AccountPlan, **kwargs):
        super().__init__(*args, **kwargs)
        model_choices(self, "stakeholder").queryset = Stakeholder.objects.filter(
            account=plan.account
        )
        style_widgets(self.fields, small=True)


class GoalForm(VersionedForm):
    class Meta:
        model = PlanGoal
        fields = ["name", "unit", "target", "actual"]

    def __init__(self, *args, plan: AccountPlan, **kwargs):
        super().__init__(*args, **kwargs)
        style_widgets(self.fields, small=True)


class ActionForm(VersionedForm):
    class Meta:
        model = PlanAction
        fields = ["what", "owner", "due", "status"]
        widgets = {"due": forms.DateInput(attrs={"type": "date"})}

    def __init__(self, *args, plan: AccountPlan, **kwargs):
        super().__init__(*args, **kwargs)
        model_choices(self, "owner").queryset = account_people(plan.account)
        style_widgets(self.fields, small=True)


ROW_FORMSETS: dict[str, type[BaseInlineFormSet]] = {
    "people": forms.inlineformset_factory(
        AccountPlan,
        PeopleTarget,
        form=PeopleTargetForm,
        formset=sharing_choices("stakeholder"),
        extra=3,
        can_delete=True,
    ),
    "goals": forms.inlineformset_factory(
        AccountPlan, PlanGoal, form=GoalForm, extra=3, can_delete=True
    ),
    "actions": forms.inlineformset_factory(
        AccountPlan,
        PlanAction,
        form=ActionForm,
        formset=sharing_choices("owner"),
        extra=3,
        can_delete=True,
    ),
}


class WhitespaceCellForm(forms.Form):
    mark = forms.ChoiceField(choices=[("", "—"), *WhitespaceMark.choices], required=False)
    note = forms.CharField(max_length=200, required=False)


class PlanStartForm(forms.Form):
    """Which fiscal year a new plan is for (this one or the next, those without a plan),
    and whether it starts from the latest plan before it."""

    fiscal_year = forms.TypedChoiceField(label=_("Fiscal year"), coerce=int)
    copy = forms.BooleanField(label=_("Start from the latest plan"), required=False)

    def __init__(self, *args, years: list[int], **kwargs):
        super().__init__(*args, **kwargs)
        cast(forms.ChoiceField, self.fields["fiscal_year"]).choices = [
            (year, _("FY %(year)s") % {"year": year}) for year in years
        ]
        self.fields["fiscal_year"].initial = years[0]
        self.fields["copy"].initial = True


class PlanFilterForm(forms.Form):
    """The plans list's filters (kamcrm.query): a year or "all", a status, an owner's
    username, a team's name, reviews due."""

    year = forms.RegexField(regex=r"^(all|\d{4})$", required=False)
    status = forms.ChoiceField(choices=[("", ""), *PlanStatus.choices], required=False)
    owner = forms.CharField(max_length=150, required=False)
    team = forms.CharField(max_length=100, required=False)
    review_due = forms.BooleanField(required=False)
