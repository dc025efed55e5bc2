from django.contrib import messages
from django.db import transaction
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _

from ..forms import InfluenceLinkForm, StakeholderForm, StakeholderFormSet
from ..models import Stakeholder
from . import editable_account


def stakeholder_edit(request: HttpRequest, pk: int, stakeholder_pk: int | None = None):
    """Add a person to the account, or change one."""
    account = editable_account(request, pk)
    person = (
        get_object_or_404(Stakeholder, account=account, pk=stakeholder_pk)
        if stakeholder_pk
        else None
    )
    form = StakeholderForm(request.POST or None, instance=person, account=account)
    if request.method == "POST" and form.is_valid():
        person = form.save()
        messages.success(request, _("%(person)s was saved.") % {"person": person})
        return redirect("accounts:detail", pk=account.pk)
    return render(
        request,
        "accounts/stakeholder_form.html",
        {"account": account, "form": form, "person": person},
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
        with transaction.atomic():
            formset.save()
        messages.success(request, _("The stakeholders were saved."))
        return redirect("accounts:detail", pk=account.pk)
    return render(
        request, "accounts/stakeholder_formset.html", {"account": account, "formset": formset}
    )


def influence_create(request: HttpRequest, pk: int) -> HttpResponse:
    account = editable_account(request, pk)
    form = InfluenceLinkForm(request.POST or None, account=account)
    if request.method == "POST" and form.is_valid():
        form.save()
        messages.success(request, _("The influence link was saved."))
        return redirect("accounts:detail", pk=account.pk)
    return render(request, "accounts/influence_form.html", {"account": account, "form": form})
