import operator
from functools import partial

from django import forms
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils import timezone
from django.utils.functional import SimpleLazyObject
from django.utils.translation import gettext as _

from kamcrm import csv_export
from kamcrm.query import id_field, query_values

from . import store, widgets
from .figures import LIST_ORDER, compute
from .scope import scope_for


def _flatten(name: str, data) -> list[dict]:
    """Every widget's rows as flat dicts, for its CSV export."""
    if name == "nine_box":
        return [cell for row in data for cell in row]
    if name == "abc_xyz":
        return [{"abc": abc, **cell} for abc, cells in data.items() for cell in cells]
    if name == "pipeline":
        return [{"kam": row["kam"].username, **period} for row in data for period in row["periods"]]
    if name == "kpis":
        return [{**row, "kam": row["kam"].username} for row in data]
    return list(data)


EXPORTS = ["nine_box", "abc_xyz", "pipeline", "kpis", *LIST_ORDER]


def _widgets(scope, figures: dict, today) -> dict:
    """Every widget's rows, in the reader's language."""
    lists = widgets.lists(figures, today)
    discipline = widgets.discipline(figures)
    shown = {
        "nine_box": widgets.nine_box(figures),
        "abc_xyz": widgets.abc_xyz(figures),
        "pipeline": widgets.pipeline(scope, figures, today),
        "kpis": widgets.kpis(scope, figures),
        **lists,
        "discipline": discipline,
        "due": {
            "commitments": lists["commitments_due"],
            "reviews": discipline["reviews_due"],
            "approvals": discipline["waiting"],
        },
    }
    return {**shown, **_charts(shown)}


class DashboardFilterForm(forms.Form):
    year = forms.IntegerField(required=False, min_value=2000, max_value=2999)
    team = id_field()
    kam = id_field()


def dashboard(request: HttpRequest) -> HttpResponse:
    """Where the portfolio is, where the quarter lands, who needs attention: one screen."""
    query = query_values(request, DashboardFilterForm)
    scope = scope_for(
        request.user,
        team_id=query.get("team"),
        kam_id=query.get("kam"),
        fiscal_year=query.get("year"),
    )
    today = timezone.localdate()
    export = request.GET.get("export")
    if export in EXPORTS:
        return _export(request, scope, today, export)
    rows = store.fresh_rows(
        scope.owners, fiscal_year=scope.fiscal_year, today=today, settings=scope.settings
    )
    # Built only if the page's widgets are not in the fragment cache: their key changes
    # with every recomputed row, the filters, the day, the reader and the language.
    built = SimpleLazyObject(lambda: _widgets(scope, store.merged(rows), today))
    names = ["nine_box", "abc_xyz", "pipeline", "kpis", *LIST_ORDER, "discipline", "due"]
    query = request.GET.copy()
    query.pop("export", None)
    return render(
        request,
        "dashboards/dashboard.html",
        {
            **{name: SimpleLazyObject(partial(operator.getitem, built, name)) for name in names},
            # json_script cannot encode a lazy object; a callable the template calls.
            "pipeline_chart": lambda: built["pipeline_chart"],
            "kpi_chart": lambda: built["kpi_chart"],
            "widgets_key": f"{request.user.pk}|{query.urlencode()}|{today}|{store.stamp(rows)}",
            "scope": scope,
            "news": list(request.user.notifications.unread().order_by("-created_at")[:5]),
            "query": query.urlencode(),
        },
    )


def _export(request: HttpRequest, scope, today, export: str) -> HttpResponse:
    if export in LIST_ORDER:
        # A list's download has every row, not the page's first ten: read the accounts.
        figures = compute(
            scope.accounts,
            fiscal_year=scope.fiscal_year,
            today=today,
            settings=scope.settings,
            limit=None,
        )
    else:
        figures = store.figures_for(
            scope.owners, fiscal_year=scope.fiscal_year, today=today, settings=scope.settings
        )
    response = HttpResponse(content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="{export}.csv"'
    rows = _flatten(export, _widgets(scope, figures, today)[export])
    csv_export.writer(response).writerows(csv_export.dict_rows(rows))
    return response


def _charts(shown: dict) -> dict:
    """The two charts' data, read by static/js/dashboard.js from json_script tags."""
    years = [row["periods"][0] for row in shown["pipeline"]]
    return {
        "pipeline_chart": {
            "labels": [str(row["kam"]) for row in shown["pipeline"]],
            "target": [float(year["target"]) for year in years],
            "signed": [float(year["signed"]) for year in years],
            "weighted": [float(year["weighted"]) for year in years],
            "names": {
                "target": _("Plan target"),
                "signed": _("Signed"),
                "weighted": _("Weighted open pipeline"),
            },
        },
        "kpi_chart": {
            "labels": [str(row["kam"]) for row in shown["kpis"]],
            "revenue": [float(row["revenue"]) for row in shown["kpis"]],
            "previous": [float(row["previous"]) for row in shown["kpis"]],
            "names": {
                "revenue": _("Revenue, last 12 months"),
                "previous": _("Revenue, the 12 months before"),
            },
        },
    }
