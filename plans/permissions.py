"""Who may do what with account plans: the account team writes them (KAMs who may change
the account); the director of the account owner's team, or an admin, approves."""

import rules

from accounts.permissions import can_edit_account
from kamcrm.permissions import is_admin, is_director, is_kam

from .models import AccountPlan


@rules.predicate
def can_view_plan(user, plan) -> bool:
    return plan is not None and AccountPlan.objects.visible_to(user).filter(pk=plan.pk).exists()


@rules.predicate
def writes_the_plan(user, plan) -> bool:
    return plan is not None and can_edit_account(user, plan.account)


@rules.predicate
def directs_the_owner(user, plan) -> bool:
    # A KAM may be between teams: then only admins approve.
    team = plan.account.owner.team if plan is not None else None
    return team is not None and team.director_id == user.pk


rules.add_perm("plans.view_accountplan", can_view_plan)
# Starting one is asked of the account: a plan does not exist yet.
rules.add_perm("plans.add_accountplan", is_kam & can_edit_account)
rules.add_perm("plans.change_accountplan", is_kam & writes_the_plan)
rules.add_perm("plans.approve_accountplan", is_admin | (is_director & directs_the_owner))
