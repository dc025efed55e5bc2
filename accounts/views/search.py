"""Search from the navbar: the accounts, people and deals the reader may see whose name
(or id, title, e-mail) holds the words, a few of each, in three queries."""

from django import forms
from django.db.models import Q
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render

from kamcrm.query import query_values

from ..models import Account, Opportunity, Stakeholder

SHOWN = 10  # of each kind; the accounts' "all" goes on to the filtered list


class SearchForm(forms.Form):
    q = forms.CharField(required=False, max_length=100, strip=True)


def search(request: HttpRequest) -> HttpResponse:
    text = query_values(request, SearchForm).get("q") or ""
    results: dict = {"accounts": [], "people": [], "deals": []}
    if text:
        user = request.user
        results = {
            "accounts": list(
                Account.objects.visible_to(user)
                .matching(text)
                .select_related("owner")
                .order_by("name", "pk")[: SHOWN + 1]
            ),
            "people": list(
                Stakeholder.objects.visible_to(user)
                .filter(Q(name__icontains=text) | Q(title__icontains=text) | Q(email__iexact=text))
                .select_related("account")
                .order_by("name", "pk")[:SHOWN]
            ),
            "deals": list(
                Opportunity.objects.visible_to(user)
                .filter(Q(name__icontains=text) | Q(external_id__iexact=text))
                .select_related("account", "stage", "currency")
                .order_by("name", "pk")[:SHOWN]
            ),
        }
    more_accounts = len(results["accounts"]) > SHOWN
    results["accounts"] = results["accounts"][:SHOWN]
    return render(
        request,
        "accounts/search.html",
        {
            "q": text,
            **results,
            "more_accounts": more_accounts,
            "found": any(results.values()),
            "shown": SHOWN,
        },
    )
