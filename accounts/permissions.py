"""Who may do what with accounts and what hangs off them (people, deals, contact,
imports), under Django's permission names. An account's rules are its querysets in
models/accounts.py (`visible_to`, `editable_by`): the predicates ask them about one
account, so a list and a page can never disagree."""

import rules

from kamcrm.permissions import is_active_user, is_admin, is_director

from .models import Account


@rules.predicate
def can_view_account(user, account) -> bool:
    return account is not None and Account.objects.visible_to(user).filter(pk=account.pk).exists()


@rules.predicate
def can_edit_account(user, account) -> bool:
    return account is not None and Account.objects.editable_by(user).filter(pk=account.pk).exists()


@rules.predicate
def started_the_import(user, job) -> bool:
    return job is not None and job.created_by_id == user.pk


rules.add_perm("accounts.view_account", can_view_account)
rules.add_perm("accounts.add_account", is_active_user)
rules.add_perm("accounts.change_account", can_edit_account)
# A KAM owns what they create and cannot hand it on; a director or admin reassigns.
rules.add_perm("accounts.reassign_account", is_admin | is_director)
# Directors and admins bring in accounts, revenue, people and deals from files; our own
# users and teams are the admins' to import, and only admins add the reference data
# (product lines) a file names.
rules.add_perm("accounts.import_data", is_admin | is_director)
rules.add_perm("accounts.import_users", is_admin)
rules.add_perm("accounts.add_productline", is_admin)
rules.add_perm("accounts.view_importjob", is_admin | (is_director & started_the_import))
