import csv

from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils import timezone
from django.utils.translation import gettext as _

from . import selectors


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


def dashboard(request: HttpRequest) -> HttpResponse:
    """Where the portfolio is, where the quarter lands, who needs attention: one screen."""
    year = request.GET.get("year", "")
    scope = selectors.scope_for(
        request.user,
        team_id=request.GET.get("team"),
        kam_id=request.GET.get("kam"),
        fiscal_year=int(year) if year.isdigit() else None,
    )
    today = timezone.localdate()
    discipline = selectors.plan_discipline(scope, today)
    coverage = selectors.relationship_coverage(scope, today)
    widgets = {
        "nine_box": selectors.nine_box(scope),
        "abc_xyz": selectors.abc_xyz(scope),
        "movements": selectors.movements(scope),
        "pipeline": selectors.pipeline_against_plan(scope, today),
        "at_risk": selectors.at_risk_and_lost(scope),
        "kpis": selectors.kam_kpis(scope, today),
        "without_plan": discipline["without_plan"],
        "no_decision_supporter": coverage["no_decision_supporter"],
        "below_closeness_target": coverage["below_closeness_target"],
        "not_contacted": coverage["not_contacted"],
    }
    export = request.GET.get("export")
    if export in widgets:
        response = HttpResponse(content_type="text/csv; charset=utf-8")
        response["Content-Disposition"] = f'attachment; filename="{export}.csv"'
        rows = _flatten(export, widgets[export])
        if rows:
            writer = csv.DictWriter(response, fieldnames=list(rows[0]))
            writer.writeheader()
            writer.writerows(rows)
        return response
    query = request.GET.copy()
    query.pop("export", None)
    pipeline_chart = {
        "labels": [str(row["kam"]) for row in widgets["pipeline"]],
        "target": [float(row["periods"][0]["target"]) for row in widgets["pipeline"]],
        "signed": [float(row["periods"][0]["signed"]) for row in widgets["pipeline"]],
        "weighted": [float(row["periods"][0]["weighted"]) for row in widgets["pipeline"]],
        "names": {
            "target": _("Plan target"),
            "signed": _("Signed"),
            "weighted": _("Weighted open pipeline"),
        },
    }
    return render(
        request,
        "dashboards/dashboard.html",
        {
            **widgets,
            "scope": scope,
            "discipline": discipline,
            "coverage": coverage,
            "due": selectors.due_soon(scope, today, discipline),
            "query": query.urlencode(),
            "pipeline_chart": pipeline_chart,
            "kpi_chart": {
                "labels": [str(row["kam"]) for row in widgets["kpis"]],
                "revenue": [float(row["revenue"]) for row in widgets["kpis"]],
                "previous": [float(row["previous"]) for row in widgets["kpis"]],
                "names": {
                    "revenue": _("Revenue, last 12 months"),
                    "previous": _("Revenue, the 12 months before"),
                },
            },
        },
    )
