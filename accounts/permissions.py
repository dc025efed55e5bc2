"""Who may do what with accounts. The querysets in models/accounts.py are the rules;
these predicates expose them to views and templates under Django's permission names."""

import rules

from kamcrm.permissions import is_admin

from .models import Account


@rules.predicate
def is_director(user) -> bool:
    return user.is_authenticated and user.is_active and user.is_director


@rules.predicate
def can_edit_account(user, account) -> bool:
    return account is not None and Account.objects.editable_by(user).filter(pk=account.pk).exists()


rules.add_perm("accounts.change_account", can_edit_account)
rules.add_perm("accounts.import_data", is_admin | is_director)
