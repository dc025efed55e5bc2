"""Account views, one module per concept; every lookup goes through visible_to/editable_by."""

from urllib.parse import parse_qs, urlsplit

from django.contrib import messages
from django.db import IntegrityError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _

from kamcrm.http import form_again_status, in_place
from kamcrm.versioning import StaleEdit

from ..models import Account
from ..models.accounts import is_reporting_cycle
from ..selectors import stakeholder_card
from ..services import account_part_save


def safe_next(request: HttpRequest, back: str) -> str:
    """Where a form may send the user back to: a path on this site, or ""."""
    if back.startswith("/") and url_has_allowed_host_and_scheme(
        back, {request.get_host()}, request.is_secure()
    ):
        return back
    return ""


def editable_account(request: HttpRequest, pk: int) -> Account:
    """The account, if this user may change it; 404 otherwise, never 403."""
    return get_object_or_404(Account.objects.editable_by(request.user), pk=pk)


def edit_child(
    request: HttpRequest,
    pk: int,
    *,
    form_class,
    title: str,
    model=None,
    child_pk: int | None = None,
    panel: bool = False,
    back: str = "accounts:detail",
    **form_kwargs,
) -> HttpResponse:
    """Create or change one thing that belongs to an account, then go back to the account's
    tab it shows on (`back`); with `panel`, asked in place (htmx), in the People tab's side
    panel, and the saved change redraws its stakeholder map."""
    panel = panel and in_place(request)
    account = editable_account(request, pk)
    instance = get_object_or_404(model, account=account, pk=child_pk) if child_pk else None
    form = form_class(request.POST or None, instance=instance, account=account, **form_kwargs)
    conflict = False
    if request.method == "POST" and form.is_valid():
        try:
            saved = account_part_save(form, account=account)
        except StaleEdit:
            conflict = True  # refused: the form says so
        except IntegrityError as error:
            # The form's own check passed, then someone else's save made this one clash:
            # a boss moved below the person, or the same thing (the same person on the
            # team, the same competitor or influence) added a moment before.
            conflict = True
            if is_reporting_cycle(error):
                form.add_error(None, _("Reporting lines cannot go round in a circle."))
            else:
                form.add_error(None, _("Someone added this a moment ago; it is already there."))
        else:
            if panel:
                return _saved_in_panel(request, account, saved)
            messages.success(request, _("%(thing)s was saved.") % {"thing": saved})
            return redirect(back, pk=account.pk)
    refused = conflict or getattr(form, "stale", False)
    status = form_again_status(request, refused=refused, fragment=panel)
    return render(
        request,
        "accounts/includes/panel_form.html" if panel else "accounts/child_form.html",
        {
            "account": account,
            "form": form,
            "title": title,
            "person": instance,
            "back": reverse(back, args=[account.pk]),
        },
        status=status,
    )


def _saved_in_panel(request: HttpRequest, account: Account, saved) -> HttpResponse:
    """The map and the buying centres redrawn in place, the map still of the buying
    centre the page shows (htmx names the page's address)."""
    shown = parse_qs(urlsplit(request.headers.get("HX-Current-URL", "")).query)
    centre = shown.get("centre", [None])[0]
    context = stakeholder_card(account=account, centre=centre) | {
        "account": account,
        "can_edit": True,
        "saved": saved,
    }
    response = render(request, "accounts/includes/panel_saved.html", context)
    response["HX-Trigger"] = "panel-done"
    return response
