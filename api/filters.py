"""The lists' filters: query parameters named as the pages name them where the pages have
them. The health band reads the admin's bands, as the account list does."""

import django_filters
from django import forms

from accounts.filters import AccountFilter
from accounts.models import (
    ABC,
    XYZ,
    Account,
    Activity,
    ActivityKind,
    Commitment,
    NineBoxClass,
    Opportunity,
    OpportunityType,
    RevenueLine,
    Stakeholder,
    Status,
    Strategy,
    TierSnapshot,
)
from accounts.models.accounts import AccountType
from accounts.models.deals import StageOutcome
from health.models import HealthBand
from kamcrm.query import ID_MAX
from plans.models import AccountPlan, PlanStatus


class IdFilter(django_filters.NumberFilter):
    """An id: a whole number the database can hold, else 400 (never a query that fails)."""

    field_class = forms.IntegerField

    def __init__(self, *args, **kwargs):
        kwargs.setdefault("min_value", 1)
        kwargs.setdefault("max_value", ID_MAX)
        super().__init__(*args, **kwargs)


class AccountFilterSet(django_filters.FilterSet):
    q = django_filters.CharFilter(method="search", help_text="Part of the name, or the whole id.")
    owner = IdFilter(field_name="owner_id")
    team = IdFilter(field_name="owner__team_id")
    parent = IdFilter(field_name="parent_id")
    external_id = django_filters.CharFilter()
    account_type = django_filters.ChoiceFilter(choices=AccountType.choices)
    country = django_filters.CharFilter(lookup_expr="iexact")
    nine_box_class = django_filters.ChoiceFilter(choices=NineBoxClass.choices)
    abc = django_filters.ChoiceFilter(choices=ABC.choices)
    xyz = django_filters.ChoiceFilter(choices=XYZ.choices)
    status = django_filters.ChoiceFilter(choices=Status.choices)
    strategy = django_filters.ChoiceFilter(choices=Strategy.choices)
    health = django_filters.ChoiceFilter(choices=HealthBand.choices, method="by_health")

    class Meta:
        model = Account
        fields: list[str] = []

    by_health = AccountFilter.by_health
    search = AccountFilter.search


class OnAccountFilterSet(django_filters.FilterSet):
    """For what hangs off an account: by account, or by the account's id in your system."""

    account = IdFilter(field_name="account_id")
    account_external_id = django_filters.CharFilter(field_name="account__external_id")


class StakeholderFilterSet(OnAccountFilterSet):
    class Meta:
        model = Stakeholder
        fields = ["external_id", "level", "buying_role", "attitude", "department"]


class OpportunityFilterSet(OnAccountFilterSet):
    stage = IdFilter(field_name="stage_id")
    outcome = django_filters.ChoiceFilter(field_name="stage__outcome", choices=StageOutcome.choices)
    opportunity_type = django_filters.ChoiceFilter(choices=OpportunityType.choices)
    owner = IdFilter(field_name="owner_id")
    expected_close = django_filters.DateFromToRangeFilter()

    class Meta:
        model = Opportunity
        fields = ["external_id"]


class ActivityFilterSet(OnAccountFilterSet):
    kind = django_filters.ChoiceFilter(choices=ActivityKind.choices)
    date = django_filters.DateFromToRangeFilter()

    class Meta:
        model = Activity
        fields = ["external_id"]


class CommitmentFilterSet(OnAccountFilterSet):
    owner = IdFilter(field_name="owner_id")
    done = django_filters.BooleanFilter(field_name="done_on", lookup_expr="isnull", exclude=True)
    due = django_filters.DateFromToRangeFilter()

    class Meta:
        model = Commitment
        fields: list[str] = []


class RevenueLineFilterSet(OnAccountFilterSet):
    date = django_filters.DateFromToRangeFilter()
    currency = django_filters.CharFilter(field_name="currency__code", lookup_expr="iexact")

    class Meta:
        model = RevenueLine
        fields = ["external_ref"]


class TierSnapshotFilterSet(OnAccountFilterSet):
    as_of = django_filters.DateFromToRangeFilter()
    nine_box_class = django_filters.ChoiceFilter(choices=NineBoxClass.choices)
    status = django_filters.ChoiceFilter(choices=Status.choices)

    class Meta:
        model = TierSnapshot
        fields: list[str] = []


class AccountPlanFilterSet(OnAccountFilterSet):
    fiscal_year = IdFilter(min_value=2000, max_value=2999)
    status = django_filters.ChoiceFilter(choices=PlanStatus.choices)

    class Meta:
        model = AccountPlan
        fields: list[str] = []
