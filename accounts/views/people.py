from django.contrib import messages
from django.db import IntegrityError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _

from kamcrm.versioning import StaleEdit

from ..forms import InfluenceLinkForm, StakeholderForm, StakeholderFormSet
from ..models import Stakeholder
from ..models.accounts import is_reporting_cycle
from ..services import account_part_save
from . import edit_child, editable_account


def stakeholder_edit(request: HttpRequest, pk: int, stakeholder_pk: int | None = None):
    """Add a person to the account, or change one."""
    title = _("Edit stakeholder") if stakeholder_pk else _("New stakeholder")
    return edit_child(
        request,
        pk,
        form_class=StakeholderForm,
        model=Stakeholder,
        child_pk=stakeholder_pk,
        title=title,
        panel=True,
        back="accounts:people",
    )


def stakeholders_bulk_edit(request: HttpRequest, pk: int) -> HttpResponse:
    """Every person at the account on one page, with a few empty rows to add more."""
    account = editable_account(request, pk)
    formset = StakeholderFormSet(
        request.POST or None,
        instance=account,
        queryset=Stakeholder.objects.filter(account=account).select_related("reports_to"),
        form_kwargs={"account": account},
    )
    if request.method == "POST" and formset.is_valid():
        try:
            account_part_save(formset, account=account)
        except StaleEdit:
            # Someone saved one of these people meanwhile: checking again names them.
            formset = StakeholderFormSet(
                request.POST, instance=account, form_kwargs={"account": account}
            )
            formset.is_valid()
        except IntegrityError as error:
            if not is_reporting_cycle(error):
                raise
            # Each row was checked alone; together they close a loop. Nothing was saved.
            formset.non_form_errors().append(
                _(
                    "These reporting lines go round in a circle; nobody can report to "
                    "someone below them."
                )
            )
        else:
            messages.success(request, _("The stakeholders were saved."))
            return redirect("accounts:people", pk=account.pk)
    stale = any(getattr(form, "stale", False) for form in formset.forms)
    return render(
        request,
        "accounts/stakeholder_formset.html",
        {"account": account, "formset": formset},
        status=409 if stale else 200,
    )


def influence_create(request: HttpRequest, pk: int) -> HttpResponse:
    """Influence that crosses the org chart: who sways whose decision."""
    # From a person's panel on the map: their influence, with them already chosen.
    initial = {"source": request.GET.get("source", "")}
    return edit_child(
        request,
        pk,
        form_class=InfluenceLinkForm,
        title=_("New influence link"),
        panel=True,
        back="accounts:people",
        initial=initial,
    )
