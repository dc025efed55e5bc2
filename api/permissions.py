"""Who may do what with API tokens: each user their own; admins see and revoke all."""

import rules

from kamcrm.permissions import is_active_user, is_admin


@rules.predicate
def owns_the_token(user, token) -> bool:
    return token is not None and token.user_id == user.pk


rules.add_perm("api.add_apitoken", is_active_user)
rules.add_perm("api.revoke_apitoken", is_active_user & (owns_the_token | is_admin))
rules.add_perm("api.view_all_apitokens", is_admin)
