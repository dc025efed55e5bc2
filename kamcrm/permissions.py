"""Who may do what: the app's one vocabulary.

The roles are predicates here; each app's `permissions.py` adds its object rules under
Django's permission names (`<app>.view_<model>`, `change_`, `approve_`...), so views,
services, forms and templates all ask the same question: `user.has_perm(name, obj)`.
Object visibility stays a queryset (`Model.objects.visible_to(user)`), the one door that
lists can filter by in SQL; the `view_` rules answer the same question for one object."""

import rules
from django.contrib.auth.backends import ModelBackend
from django.core.exceptions import PermissionDenied

from .models import Role


@rules.predicate
def is_active_user(user) -> bool:
    return user.is_authenticated and user.is_active


@rules.predicate
def is_admin(user) -> bool:
    return is_active_user(user) and user.role == Role.ADMIN


@rules.predicate
def is_director(user) -> bool:
    return is_active_user(user) and user.role == Role.DIRECTOR


@rules.predicate
def is_kam(user) -> bool:
    return is_active_user(user) and user.role == Role.KAM


def require(user, permission: str, obj=None) -> None:
    """For services: refuse (PermissionDenied) what the user may not do."""
    if not user.has_perm(permission, obj):
        raise PermissionDenied


rules.add_perm("kamcrm.manage_users", is_admin)
rules.add_perm("kamcrm.manage_settings", is_admin)
rules.add_perm("kamcrm.view_dashboard", is_active_user)


class PasswordBackend(ModelBackend):
    """Signs people in by password and grants nothing itself: Django's per-user and
    per-group permission tables are not used, so the rules above are the only vocabulary
    (admins are superusers for the Django admin). It also spares each page the two
    queries those tables would cost."""

    def get_user_permissions(self, user_obj, obj=None) -> set[str]:
        return set()

    def get_group_permissions(self, user_obj, obj=None) -> set[str]:
        return set()
