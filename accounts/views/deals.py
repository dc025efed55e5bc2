from django import forms
from django.contrib import messages
from django.db import transaction
from django.http import HttpRequest, HttpResponse, HttpResponseRedirect, JsonResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from kamcrm.versioning import StaleEdit

from ..forms import BuyingCentreForm, BuyingCentreMemberFormSet, OpportunityForm
from ..models import BuyingCentre, Opportunity, OpportunityStage, StageOutcome
from ..services import opportunity_move
from . import edit_child, editable_account, safe_next


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
        return redirect("accounts:people", pk=account.pk)
    title = _("Edit buying centre") if centre else _("New buying centre")
    return render(
        request,
        "accounts/child_form.html",
        {
            "account": account,
            "form": form,
            "formset": formset,
            "title": title,
            "back": reverse("accounts:people", args=[account.pk]),
        },
    )


class MoveForm(forms.Form):
    stage = forms.ModelChoiceField(
        queryset=OpportunityStage.objects.filter(outcome=StageOutcome.OPEN)
    )
    version = forms.IntegerField(min_value=0)


@require_POST
def opportunity_move_view(request: HttpRequest, pk: int, opportunity_pk: int) -> HttpResponse:
    """Move a deal to another open stage, from the pipeline board: a drag (sent by the
    script file, answered in JSON) or its card's form (no script: back to the board)."""
    account = editable_account(request, pk)
    deal = get_object_or_404(Opportunity, account=account, pk=opportunity_pk)
    form = MoveForm(request.POST)
    wants_json = "application/json" in request.headers.get("Accept", "")
    if not form.is_valid():
        return _answer(request, wants_json, 400, _("Choose an open stage."))
    stage = form.cleaned_data["stage"]
    try:
        opportunity_move(deal, stage, version=form.cleaned_data["version"], by=request.user)
    except StaleEdit:
        return _answer(
            request, wants_json, 409,
            _("Someone changed %(deal)s since this page was drawn: nothing was moved. The "
              "page now shows it as saved.") % {"deal": deal.name},
        )  # fmt: skip
    return _answer(
        request, wants_json, 200,
        _("%(deal)s moved to %(stage)s.") % {"deal": deal.name, "stage": stage.name},
    )  # fmt: skip


def _answer(request, wants_json: bool, status: int, message: str) -> HttpResponse:
    if wants_json:
        return JsonResponse({"message": message}, status=status)
    (messages.success if status == 200 else messages.warning)(request, message)
    back = safe_next(request, request.POST.get("next", ""))
    return HttpResponseRedirect(back or f"{reverse('dashboards:pipeline')}?view=board")
