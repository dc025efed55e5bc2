"""Creating and revoking API tokens."""

from datetime import timedelta

from django.db import transaction
from django.utils import timezone

from kamcrm.permissions import require

from .models import PREFIX_LENGTH, ApiToken, new_secret, token_hash

# A token's last use is written at most this often: not one UPDATE per request.
LAST_USED_EVERY = timedelta(minutes=1)


@transaction.atomic
def token_create(*, user, name: str) -> tuple[ApiToken, str]:
    """A new token and its secret, which is shown this once and never stored; for a user
    who may have one (api.add_apitoken: an active user), as revoking one is checked."""
    require(user, "api.add_apitoken")
    secret = new_secret()
    token = ApiToken.objects.create(
        user=user,
        name=name,
        prefix=secret[: len("kam_") + PREFIX_LENGTH],
        key_hash=token_hash(secret),
    )
    return token, secret


@transaction.atomic
def token_revoke(*, token: ApiToken, by) -> bool:
    """Refuse the token from now on; False if it already was."""
    require(by, "api.revoke_apitoken", token)
    return bool(
        ApiToken.objects.filter(pk=token.pk, revoked_at=None).update(revoked_at=timezone.now())
    )


def token_used(token: ApiToken) -> None:
    now = timezone.now()
    if token.last_used_at is None or now - token.last_used_at > LAST_USED_EVERY:
        ApiToken.objects.filter(pk=token.pk).update(last_used_at=now)
