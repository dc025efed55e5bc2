"""Writes to users that are more than a form save: onboarding, password links, deactivation."""

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

from .forms import UserForm
from .models import User


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


def user_set_active(*, user: User, active: bool, by: User) -> None:
    """Deactivate or reactivate a user; nobody may lock themselves out."""
    if not active and user.pk == by.pk:
        raise ValidationError(_("You cannot deactivate your own account."))
    user.is_active = active
    user.save(update_fields=["is_active"])
