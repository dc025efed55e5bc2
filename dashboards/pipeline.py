"""The pipeline workspace: every deal the reader may see across accounts, filtered by
owner, team, stage and close period (the fiscal year's quarters), with the count, amount
and weighted amount of each stage. Read-only over the deals, in a fixed number of queries;
a deal is edited on its account, where its version is checked."""

from datetime import date

from django import forms
from django.core.paginator import Paginator
from django.db.models import Count, F, Sum
from django.http import HttpResponse
from django.shortcuts import render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from accounts.models import Opportunity, OpportunityStage, StageOutcome
from accounts.models.money import MONEY_SUM, base_amount, weighted_amount
from accounts.periods import add_months
from kamcrm.forms import plain_selects, style_widgets
from kamcrm.http import SignedInRequest
from kamcrm.query import form_values
from kamcrm.selectors import filter_choices
from plans.models import PlanSettings

PAGE = 50
CARDS = 30  # a board column's cards; the list shows the rest


def close_periods(settings: PlanSettings, today: date) -> dict[str, tuple[str, date, date]]:
    """Choice -> (label, first day, day after): this and next fiscal quarter, this fiscal
    year, and what should have closed by now."""
    year = settings.fiscal_year_of(today)
    start = settings.year_start(year)
    number = (today.year * 12 + today.month - start.year * 12 - start.month) // 3
    quarter = add_months(start, 3 * number)
    return {
        "quarter": (_("This quarter"), quarter, add_months(quarter, 3)),
        "next": (_("Next quarter"), add_months(quarter, 3), add_months(quarter, 6)),
        "year": (_("This fiscal year"), start, add_months(start, 12)),
        "late": (_("Past its close date"), date.min, today),
    }


class PipelineFilterForm(forms.Form):
    owner = forms.ChoiceField(label=gettext_lazy("Deal owner"), required=False)
    team = forms.ChoiceField(label=gettext_lazy("Team"), required=False)
    stage = forms.ChoiceField(label=gettext_lazy("Stage"), required=False)
    close = forms.ChoiceField(label=gettext_lazy("Closing"), required=False)

    def __init__(self, *args, user, periods, **kwargs):
        super().__init__(*args, **kwargs)
        teams, kams = filter_choices(user)
        self.fields["owner"].choices = [("", _("Any owner")), *kams]
        self.fields["team"].choices = [("", _("Any team")), *teams]
        self.fields["stage"].choices = [
            ("", _("Open stages")),
            *((s.pk, s.name) for s in OpportunityStage.objects.order_by("order", "pk")),
        ]
        self.fields["close"].choices = [
            ("", _("Any time")),
            *((key, label) for key, (label, _a, _b) in periods.items()),
        ]
        style_widgets(self.fields, small=True)
        plain_selects(self.fields)


def pipeline(request: SignedInRequest) -> HttpResponse:
    settings = PlanSettings.current()
    periods = close_periods(settings, timezone.localdate())
    form = PipelineFilterForm(request.GET, user=request.user, periods=periods)
    chosen = form_values(request, form)
    deals = Opportunity.objects.visible_to(request.user)
    if chosen.get("stage"):
        deals = deals.filter(stage_id=chosen["stage"])
    else:
        deals = deals.filter(stage__outcome=StageOutcome.OPEN)
    if chosen.get("owner"):
        deals = deals.filter(owner_id=chosen["owner"])
    if chosen.get("team"):
        deals = deals.filter(account__owner__team_id=chosen["team"])
    if chosen.get("close") in periods:
        _label, first, after = periods[chosen["close"]]
        deals = deals.filter(expected_close__gte=first, expected_close__lt=after)
    columns = list(
        deals.values("stage_id", stage_name=F("stage__name"), stage_order=F("stage__order"))
        .annotate(
            count=Count("pk"),
            # (Not named "amount": the weighted sum's F("amount") would mean this sum.)
            total=Sum(base_amount(), output_field=MONEY_SUM),
            total_weighted=Sum(weighted_amount(), output_field=MONEY_SUM),
        )
        .order_by("stage_order", "stage_id")
    )
    rows = (
        deals.select_related("account", "stage", "owner")
        .annotate(base=base_amount(), base_weighted=weighted_amount())
        .order_by("expected_close", "name", "pk")
    )
    query = request.GET.copy()
    query.pop("page", None)
    query.pop("view", None)
    board = request.GET.get("view") == "board"
    return render(
        request,
        "dashboards/pipeline.html",
        {
            "board": _board(deals, columns) if board else None,
            "open_stages": OpportunityStage.objects.filter(outcome=StageOutcome.OPEN),
            "form": form,
            "columns": columns,
            "total": {
                "count": sum(c["count"] for c in columns),
                "total": sum((c["total"] or 0) for c in columns),
                "total_weighted": sum((c["total_weighted"] or 0) for c in columns),
            },
            "page_obj": Paginator(rows, PAGE).get_page(request.GET.get("page")),
            "today": timezone.localdate(),
            "query_without_page": query.urlencode(),
        },
    )


def _board(deals, columns: list[dict]) -> list[dict]:
    """The board: a column per stage in view, its first deals by close date (one query a
    column: a stage's thousand deals are not drawn as cards)."""
    rows = deals.select_related("account", "owner").annotate(base=base_amount())
    return [
        {
            **column,
            "deals": list(
                rows.filter(stage_id=column["stage_id"]).order_by("expected_close", "pk")[:CARDS]
            ),
        }
        for column in columns
    ]
