"""A tiering run's movements: which of the user's accounts changed class or status, by
kind of move. The nightly digest notification links here."""

from django import forms
from django.core.paginator import Paginator
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render

from kamcrm.query import query_values

from ..snapshots import movements, run_dates


class MovementsFilterForm(forms.Form):
    as_of = forms.DateField(required=False)


def tier_movements(request: HttpRequest) -> HttpResponse:
    runs = run_dates()
    as_of = query_values(request, MovementsFilterForm).get("as_of") or (runs[0] if runs else None)
    before, rows, kinds = (
        (None, [], []) if as_of is None else movements(user=request.user, as_of=as_of)
    )
    query = request.GET.copy()
    query.pop("page", None)
    return render(
        request,
        "accounts/movements.html",
        {
            "runs": runs,
            "as_of": as_of,
            "before": before,
            "kinds": kinds,
            "page_obj": Paginator(rows, 50).get_page(request.GET.get("page")),
            "query_without_page": query.urlencode(),
        },
    )
