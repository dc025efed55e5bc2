from django.contrib import messages
from django.http import HttpRequest, HttpResponse, HttpResponseRedirect
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from ..forms import (
    AccountCompetitorForm,
    AccountTeamMemberForm,
    ActivityForm,
    CommitmentForm,
    QuickActivityForm,
    WinBackForm,
)
from ..models import Commitment, WinBackAction
from ..services import account_part_save, commitment_keep
from . import edit_child, editable_account, safe_next


def activity_create(request: HttpRequest, pk: int):
    return edit_child(
        request, pk, form_class=ActivityForm, title=_("Log an activity"), user=request.user
    )


def commitment_edit(request: HttpRequest, pk: int, commitment_pk: int | None = None):
    title = _("Edit commitment") if commitment_pk else _("New commitment")
    return edit_child(
        request,
        pk,
        form_class=CommitmentForm,
        model=Commitment,
        child_pk=commitment_pk,
        title=title,
    )


@require_POST
def commitment_done(request: HttpRequest, pk: int, commitment_pk: int):
    account = editable_account(request, pk)
    commitment = get_object_or_404(Commitment, account=account, pk=commitment_pk)
    if commitment_keep(commitment):
        messages.success(request, _("Marked as kept: %(what)s") % {"what": commitment.what})
    return redirect("accounts:detail", pk=account.pk)


def competitor_add(request: HttpRequest, pk: int):
    return edit_child(
        request,
        pk,
        form_class=AccountCompetitorForm,
        title=_("Competitor at this account"),
        back="accounts:people",
    )


def team_member_add(request: HttpRequest, pk: int):
    return edit_child(
        request,
        pk,
        form_class=AccountTeamMemberForm,
        title=_("Add to the account team"),
        back="accounts:people",
    )


def win_back_edit(request: HttpRequest, pk: int, action_pk: int | None = None):
    return edit_child(
        request,
        pk,
        form_class=WinBackForm,
        model=WinBackAction,
        child_pk=action_pk,
        title=_("Win-back offer"),
        user=request.user,
    )


def activity_log(request: HttpRequest) -> HttpResponse:
    """Log an activity on any account the user may change, from the navbar's dialog (its
    form is this page's, fetched with ?partial=1) or as a page of its own without script;
    then back to where the user was."""
    form = QuickActivityForm(request.POST or None, user=request.user)
    back = safe_next(request, request.POST.get("next") or request.GET.get("next") or "")
    if request.method == "POST" and form.is_valid():
        activity = account_part_save(form, account=form.cleaned_data["account"])
        messages.success(
            request,
            _("Logged on %(account)s: %(activity)s.")
            % {"account": activity.account, "activity": activity},
        )
        return HttpResponseRedirect(back or reverse("accounts:detail", args=[activity.account_id]))
    template = (
        "accounts/includes/activity_log_form.html"
        if request.GET.get("partial")
        else ("accounts/activity_log.html")
    )
    return render(request, template, {"form": form, "next": back})
