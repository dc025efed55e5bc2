"""Writes to users that are more than a form save: onboarding, password links, deactivation."""

from collections.abc import Mapping

from django.conf import settings
from django.contrib.auth.tokens import default_token_generator
from django.core.exceptions import ValidationError
from django.core.mail import send_mail
from django.db import transaction
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import translation
from django.utils.encoding import force_bytes
from django.utils.http import urlsafe_base64_encode
from django.utils.translation import gettext as _

from accounts.services import hand_over
from plans.services import actions_hand_over

from . import audit
from .forms import UserForm
from .models import Team, User
from .selectors import holdings


def user_send_password_link(*, user: User, base_url: str) -> None:
    """Email the user a one-time link to set a new password; `base_url` is scheme and host."""
    if not user.email:
        raise ValidationError(_("This user has no email address to send the link to."))
    if not user.is_active:
        raise ValidationError(_("A deactivated user cannot be sent a password link."))
    path = reverse(
        "password_reset_confirm",
        kwargs={
            "uidb64": urlsafe_base64_encode(force_bytes(user.pk)),
            "token": default_token_generator.make_token(user),
        },
    )
    context = {
        "user": user,
        "url": base_url.rstrip("/") + path,
        "valid_days": max(1, settings.PASSWORD_RESET_TIMEOUT // 86400),
    }
    with translation.override(user.preferred_language):
        subject = render_to_string("registration/password_link_subject.txt", context).strip()
        body = render_to_string("registration/password_link_email.txt", context)
    send_mail(subject, body, None, [user.email])


@transaction.atomic
def user_create(*, form: UserForm, base_url: str) -> User:
    """Create a user with no password yet and email them a link to choose one."""
    user = form.save(commit=False)
    user.set_unusable_password()
    user.save()
    transaction.on_commit(lambda: user_send_password_link(user=user, base_url=base_url))
    return user


@transaction.atomic
def user_deactivate(
    *, user: User, by: User, takers: Mapping[str, User], directors: Mapping[Team, User]
) -> dict[str, int]:
    """Deactivate a user and hand over all they hold, all or nothing (HandOverForm's
    choices: a taker per kind, a new director per team they lead). Refused, with nothing
    changed, if they would still hold something (work given them since the choices were
    made). The moves are tagged in the audit trail as this deactivation's."""
    with audit.context(source="deactivation", leaving=user.username):
        moved = hand_over(leaving=user, to=takers)
        if "actions" in takers:
            moved["actions"] = actions_hand_over(leaving=user, to=takers["actions"])
        for team, director in directors.items():
            Team.objects.filter(pk=team.pk).update(director=director)
        if any(holdings(user).values()):
            raise ValidationError(
                _("They were given more work meanwhile; choose again who takes it over.")
            )
        user_set_active(user=user, active=False, by=by)
    return moved


def user_set_active(*, user: User, active: bool, by: User) -> None:
    """Deactivate or reactivate a user; nobody may lock themselves out."""
    if not active and user.pk == by.pk:
        raise ValidationError(_("You cannot deactivate your own account."))
    user.is_active = active
    user.save(update_fields=["is_active"])
