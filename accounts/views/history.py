"""The account's History tab: the audit trail of the account, its people and its deals
(kamcrm/audit.py), to whoever may see the account page."""

from django import forms
from django.db.models import Q
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, render
from django.utils.translation import gettext_lazy as _

from kamcrm import audit
from kamcrm.query import query_values

from ..models import Account, AccountEvent, OpportunityEvent, StakeholderEvent

KINDS = [
    ("account", _("The account")),
    ("stakeholders", _("Stakeholders")),
    ("opportunities", _("Opportunities")),
]


class HistoryFilterForm(forms.Form):
    kind = forms.ChoiceField(
        label=_("Show"), required=False, choices=[("", _("Everything")), *KINDS]
    )


def account_history(request: HttpRequest, pk: int) -> HttpResponse:
    account = get_object_or_404(
        Account.objects.visible_to(request.user).select_related("owner__team", "parent"), pk=pk
    )
    sources = {
        "account": audit.Source("account", _("Account"), AccountEvent, Q(pgh_obj_id=account.pk)),
        "stakeholders": audit.Source(
            "stakeholders", _("Stakeholder"), StakeholderEvent, Q(account_id=account.pk)
        ),
        "opportunities": audit.Source(
            "opportunities", _("Opportunity"), OpportunityEvent, Q(account_id=account.pk)
        ),
    }
    kind = query_values(request, HistoryFilterForm).get("kind")
    page = audit.trail(
        [sources[kind]] if kind else [*sources.values()], page=request.GET.get("page")
    )
    query = request.GET.copy()
    query.pop("page", None)
    return render(
        request,
        "accounts/account_history.html",
        {
            "account": account,
            "can_edit": request.user.has_perm("accounts.change_account", account),
            "filter_form": HistoryFilterForm(request.GET),
            "page_obj": page,
            "recorded": audit.is_recorded(),
            "query_without_page": query.urlencode(),
        },
    )
