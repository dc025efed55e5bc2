"""The main pages each role opens, for the tests that walk all of them: the policy, axe's
accessibility run and the phone width. One list, so a page added is checked by all three."""

from django.urls import reverse

from accounts.models import Account, OpportunityStage
from kamcrm.models import User
from plans.models import AccountPlan, PlanStatus


def pages_of(username: str) -> list[str]:
    user = User.objects.get(username=username)
    if user.is_admin:
        return _admin_pages(user)
    account = Account.objects.visible_to(user).filter(children__isnull=False).first()
    plan = AccountPlan.objects.visible_to(user).filter(status=PlanStatus.DRAFT).first()
    pipeline = reverse("dashboards:pipeline")
    pages = [
        reverse("dashboards:dashboard"),
        reverse("accounts:list"),
        reverse("accounts:detail", args=[account.pk]),
        reverse("accounts:people", args=[account.pk]),
        reverse("accounts:performance", args=[account.pk]),
        reverse("accounts:brief", args=[account.pk]),
        reverse("accounts:history", args=[account.pk]),
        reverse("accounts:movements"),
        reverse("plans:list"),
        pipeline,
        f"{pipeline}?view=board",
        f"{reverse('accounts:search')}?q=cement",
        reverse("notifications"),
        reverse("api:tokens"),
    ]
    if user.is_kam:
        pages += [
            reverse("accounts:create"),
            reverse("accounts:update", args=[account.pk]),
            reverse("accounts:stakeholders", args=[account.pk]),
            reverse("accounts:opportunity_create", args=[account.pk]),
            reverse("accounts:activity_log"),
            reverse("plans:detail", args=[plan.pk]),
            reverse("plans:history", args=[plan.pk]),
            reverse("plans:trail", args=[plan.pk]),
            reverse("plans:section", args=[plan.pk, "strengths"]),
            reverse("plans:targets", args=[plan.pk]),
            reverse("plans:whitespace", args=[plan.pk]),
            *(reverse("plans:rows", args=[plan.pk, kind]) for kind in ("goals", "actions")),
            reverse("plans:rows", args=[plan.pk, "people"]),
        ]
    else:
        approved = AccountPlan.objects.visible_to(user).filter(status=PlanStatus.APPROVED).first()
        pages += [reverse("plans:detail", args=[approved.pk])]
    return pages


def _admin_pages(admin: User) -> list[str]:
    leaving = reverse("user_deactivate", args=[User.objects.get(username="kam1").pk])
    return [
        leaving,  # the hand-over wizard's steps: what kam1 holds, who takes it
        f"{leaving}?step=choose",
        reverse("user_list"),
        reverse("user_create"),
        reverse("user_update", args=[admin.pk]),
        reverse("team_list"),
        reverse("team_create"),
        reverse("accounts:import"),
        reverse("accounts:import_history"),
        reverse("dashboards:dashboard"),
        reverse("api:tokens"),
        reverse("api:token_list_all"),
        reverse("settings:index"),
        reverse("settings:thresholds"),
        reverse("settings:planning"),
        reverse("settings:health"),
        reverse("settings:list", args=["currencies"]),
        reverse("settings:update", args=["currencies", "EUR"]),  # its dated rates
        reverse("settings:list", args=["stages"]),
        reverse("settings:update", args=["stages", OpportunityStage.objects.first().pk]),
        reverse("settings:create", args=["stages"]),
        reverse("settings:list", args=["product-lines"]),
        reverse("settings:create", args=["product-lines"]),
        reverse("settings:list", args=["competitors"]),
        reverse("settings:create", args=["competitors"]),
    ]
