"""Who may do what: every rule is a predicate here, used by views and querysets alike."""

import rules

from .models import Role


@rules.predicate
def is_admin(user) -> bool:
    return user.is_authenticated and user.is_active and user.role == Role.ADMIN


rules.add_perm("kamcrm.manage_users", is_admin)
