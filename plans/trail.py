"""The plan's Audit trail page: each field's old and new value on the plan, its goals,
actions and people targets (kamcrm/audit.py), beside the plan's own History of revisions
(see the end of plans/models.py for how the two differ). Seen by whoever sees the plan."""

from django.db.models import Q
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, render
from django.utils.translation import gettext_lazy as _

from kamcrm import audit

from .models import AccountPlan, AccountPlanEvent, PeopleTargetEvent, PlanActionEvent, PlanGoalEvent


def plan_trail(request: HttpRequest, pk: int) -> HttpResponse:
    plan = get_object_or_404(
        AccountPlan.objects.visible_to(request.user).select_related("account"), pk=pk
    )
    sources = [
        audit.Source(
            "plan",
            _("Plan, FY"),
            AccountPlanEvent,
            Q(pgh_obj_id=plan.pk),
            title_field="fiscal_year",
        ),
        audit.Source("goals", _("Goal"), PlanGoalEvent, Q(plan_id=plan.pk)),
        audit.Source(
            "actions", _("Action"), PlanActionEvent, Q(plan_id=plan.pk), title_field="what"
        ),
        audit.Source(
            "people",
            _("People target"),
            PeopleTargetEvent,
            Q(plan_id=plan.pk),
            title_field="stakeholder",
        ),
    ]
    query = request.GET.copy()
    query.pop("page", None)
    return render(
        request,
        "plans/plan_trail.html",
        {
            "plan": plan,
            "page_obj": audit.trail(sources, page=request.GET.get("page")),
            "recorded": audit.is_recorded(),
            "query_without_page": query.urlencode(),
        },
    )
