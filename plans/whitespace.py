"""The whitespace map of a plan (002's cross-sell): which product lines each unit of the
account's group buys, marked by the KAM, and a deal opened from an empty cell."""

from django.contrib import messages
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from accounts.groups import group_units
from accounts.models import Account, ProductLine

from . import selectors, services
from .forms import WhitespaceCellForm
from .models import AccountPlan, WhitespaceMark
from .views import CHANGE, service_refusals, visible_plan


def whitespace(request: HttpRequest, pk: int) -> HttpResponse:
    plan = visible_plan(request, pk)
    return render(
        request,
        "plans/whitespace.html",
        {
            "plan": plan,
            "grid": selectors.whitespace_grid(plan=plan, user=request.user),
            "can_edit": request.user.has_perm(CHANGE, plan),
            "marks": WhitespaceMark.choices,
        },
    )


def _cell(request: HttpRequest, plan: AccountPlan, unit_pk: int, line_pk: int, *, to_sell=False):
    """A unit of the plan's group (one the user may change, to open a deal there)."""
    group = {
        node.account.pk for node in group_units(account=plan.account, user=request.user).walk()
    }
    units = Account.objects.editable_by(request.user) if to_sell else Account.objects.all()
    unit = get_object_or_404(units.filter(pk__in=group), pk=unit_pk)
    return unit, get_object_or_404(ProductLine, pk=line_pk)


@service_refusals
@require_POST
def whitespace_cell(request: HttpRequest, pk: int, unit_pk: int, line_pk: int) -> HttpResponse:
    plan = visible_plan(request, pk)
    unit, line = _cell(request, plan, unit_pk, line_pk)
    form = WhitespaceCellForm(request.POST)
    if form.is_valid():
        services.whitespace_mark(
            plan=plan, unit=unit, product_line=line, by=request.user, **form.cleaned_data
        )
    return redirect("plans:whitespace", pk=plan.pk)


@service_refusals
@require_POST
def whitespace_opportunity(request: HttpRequest, pk: int, unit_pk: int, line_pk: int):
    plan = visible_plan(request, pk)
    unit, line = _cell(request, plan, unit_pk, line_pk, to_sell=True)
    opportunity = services.whitespace_to_opportunity(
        plan=plan, unit=unit, product_line=line, by=request.user
    )
    messages.success(request, _("Cross-sell opportunity created: size it and set its close date."))
    return redirect("accounts:opportunity_update", pk=unit.pk, opportunity_pk=opportunity.pk)
