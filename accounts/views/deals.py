from django.contrib import messages
from django.db import transaction
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _

from ..forms import BuyingCentreForm, BuyingCentreMemberFormSet, OpportunityForm
from ..models import BuyingCentre, Opportunity
from . import edit_child, editable_account


def opportunity_edit(request: HttpRequest, pk: int, opportunity_pk: int | None = None):
    title = _("Edit opportunity") if opportunity_pk else _("New opportunity")
    return edit_child(
        request,
        pk,
        form_class=OpportunityForm,
        model=Opportunity,
        child_pk=opportunity_pk,
        title=title,
    )


def buying_centre_edit(request: HttpRequest, pk: int, centre_pk: int | None = None) -> HttpResponse:
    """A buying centre and the people in it, with each one's role, saved together."""
    account = editable_account(request, pk)
    centre = get_object_or_404(BuyingCentre, account=account, pk=centre_pk) if centre_pk else None
    form = BuyingCentreForm(request.POST or None, instance=centre, account=account)
    formset = BuyingCentreMemberFormSet(
        request.POST or None, instance=form.instance, form_kwargs={"account": account}
    )
    if request.method == "POST" and form.is_valid() and formset.is_valid():
        with transaction.atomic():
            centre = form.save()
            formset.instance = centre
            formset.save()
        messages.success(request, _("%(thing)s was saved.") % {"thing": centre})
        return redirect("accounts:detail", pk=account.pk)
    title = _("Edit buying centre") if centre else _("New buying centre")
    return render(
        request,
        "accounts/child_form.html",
        {"account": account, "form": form, "formset": formset, "title": title},
    )
