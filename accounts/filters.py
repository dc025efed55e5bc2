import django_filters
from django import forms
from django.db.models import F
from django.utils.translation import gettext_lazy as _
from django_filters.constants import EMPTY_VALUES

from health.models import HealthBand, HealthWeights
from kamcrm.forms import plain_selects, style_widgets
from kamcrm.selectors import filter_choices

from .models import ABC, XYZ, Account, AccountType, NineBoxClass, Status, Strategy


class ListOrdering(django_filters.OrderingFilter):
    """Sorts on the kept columns, each the way its index runs (either direction): a
    missing last contact as the longest ago; unscored accounts after the weakest and after
    the strongest. Ties go by name, then id, so pages never overlap."""

    def get_ordering_value(self, param):
        descending = param.startswith("-")
        field = self.param_map.get(param.lstrip("-"), param.lstrip("-"))
        if field == "health":
            return F(field).desc(nulls_last=True) if descending else F(field).asc(nulls_last=True)
        if field in ("list_last_contact", "list_potential"):
            return F(field).desc(nulls_last=True) if descending else F(field).asc(nulls_first=True)
        return F(field).desc() if descending else F(field).asc()

    def filter(self, qs, value):
        if value in EMPTY_VALUES:
            return qs
        ordering = [self.get_ordering_value(p) for p in value if p not in EMPTY_VALUES]
        return qs.order_by(*ordering, "name", "pk")


class AccountFilter(django_filters.FilterSet):
    """The account list's search, filters and sorting; the CSV export uses the same."""

    q = django_filters.CharFilter(method="search", label=_("Search"))
    # Choices set per reader in __init__, read in one query each: a model choice field
    # reads its rows through a server-side cursor every time it is drawn.
    owner = django_filters.ChoiceFilter(label=_("Owner"), empty_label=_("Any owner"))
    team = django_filters.ChoiceFilter(
        field_name="owner__team", label=_("Team"), empty_label=_("Any team")
    )
    account_type = django_filters.ChoiceFilter(
        choices=AccountType.choices, label=_("Type"), empty_label=_("Any type")
    )
    country = django_filters.CharFilter(lookup_expr="iexact", label=_("Country"))
    nine_box_class = django_filters.ChoiceFilter(
        choices=NineBoxClass.choices, label=_("Class"), empty_label=_("Any class")
    )
    abc = django_filters.ChoiceFilter(choices=ABC.choices, label="ABC", empty_label=_("Any"))
    xyz = django_filters.ChoiceFilter(choices=XYZ.choices, label="XYZ", empty_label=_("Any"))
    status = django_filters.ChoiceFilter(
        choices=Status.choices, label=_("Status"), empty_label=_("Any status")
    )
    strategy = django_filters.ChoiceFilter(
        choices=Strategy.choices, label=_("Strategy"), empty_label=_("Any strategy")
    )
    # The units of a group (the account page's "and 990 more units"); hidden in the form.
    parent = django_filters.NumberFilter(field_name="parent_id", widget=forms.HiddenInput)
    health = django_filters.ChoiceFilter(
        choices=HealthBand.choices,
        method="by_health",
        label=_("Health"),
        empty_label=_("Any health"),
    )
    sort = ListOrdering(
        fields=(
            ("name", "name"),
            ("health", "health"),
            ("list_revenue_12m", "revenue"),
            ("list_potential", "potential"),
            ("list_open_pipeline", "pipeline"),
            ("list_last_contact", "contact"),
        ),
        field_labels={
            "name": _("Name"),
            "health": _("Health, weakest first"),
            "list_revenue_12m": _("Revenue, last 12 months"),
            "list_potential": _("Potential"),
            "list_open_pipeline": _("Open pipeline"),
            "list_last_contact": _("Last contact"),
        },
        label=_("Sort"),
        empty_label=_("Name"),
    )

    class Meta:
        model = Account
        fields = [
            "q",
            "owner",
            "team",
            "account_type",
            "country",
            "nine_box_class",
            "abc",
            "xyz",
            "status",
            "strategy",
            "health",
            "parent",
        ]

    def __init__(self, *args, user, **kwargs):
        super().__init__(*args, **kwargs)
        # Only the people and teams the user may see are offered (and accepted).
        teams, kams = filter_choices(user)
        self.filters["team"].extra["choices"] = teams
        self.filters["owner"].extra["choices"] = kams
        style_widgets(self.form.fields)
        plain_selects(self.form.fields)

    def by_health(self, queryset, name, value):
        """The band's range of scores, as the admin set the bands."""
        weights = HealthWeights.current()
        if value == HealthBand.GREEN:
            return queryset.filter(health__gte=weights.green_from)
        if value == HealthBand.AMBER:
            return queryset.filter(health__gte=weights.amber_from, health__lt=weights.green_from)
        return queryset.filter(health__lt=weights.amber_from)

    def search(self, queryset, name, value):
        return queryset.matching(value)
