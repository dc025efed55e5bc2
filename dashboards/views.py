from django import forms
from django.http import HttpResponse
from django.shortcuts import render
from django.utils import timezone

from accounts.snapshots import run_on_or_before
from kamcrm import csv_export
from kamcrm.http import SignedInRequest
from kamcrm.query import id_field, query_values

from .figures import LIST_ORDER, compute
from .scope import scope_for
from .widgets import Dashboard, flat_rows

EXPORTS = Dashboard.WIDGETS


class DashboardFilterForm(forms.Form):
    year = forms.IntegerField(required=False, min_value=2000, max_value=2999)
    team = id_field()
    kam = id_field()
    as_of = forms.DateField(required=False)


def dashboard(request: SignedInRequest) -> HttpResponse:
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
        return _export(scope, today, export)
    # A past day shows the tiers of the last run on or before it; today's are the latest.
    asked = query.get("as_of")
    asked = asked if asked and asked < today else None
    run = run_on_or_before(asked) if asked else None
    board = Dashboard.stored(scope, today, as_of=run)
    query = request.GET.copy()
    query.pop("export", None)
    return render(
        request,
        "dashboards/dashboard.html",
        {
            "dashboard": board,
            # The widgets' fragment cache key: it changes with every recomputed row, the
            # filters, the day, the reader (and, in the template, the language).
            "widgets_key": f"{request.user.pk}|{query.urlencode()}|{today}|{board.stamp}",
            "scope": scope,
            "asked": asked,
            "news": list(request.user.notifications.unread().order_by("-created_at")[:5]),
            "query": query.urlencode(),
        },
    )


def _export(scope, today, export: str) -> HttpResponse:
    if export in LIST_ORDER:
        # A list's download has every row, not the page's first ten: read the accounts.
        figures = compute(
            scope.accounts,
            fiscal_year=scope.fiscal_year,
            today=today,
            settings=scope.settings,
            limit=None,
        )
        board = Dashboard(scope, today, figures=figures)
    else:
        board = Dashboard.stored(scope, today)
    response = HttpResponse(content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="{export}.csv"'
    csv_export.writer(response).writerows(csv_export.dict_rows(flat_rows(export, board[export])))
    return response
