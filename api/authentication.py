"""Machines sign in with a personal token: `Authorization: Bearer <token>` (or
`Token <token>`), looked up by its hash."""

from django.utils import translation
from django.utils.translation import gettext as _
from rest_framework import authentication, exceptions

from .models import ApiToken, token_hash
from .services import token_used

SCHEMES = {"bearer", "token"}


class TokenAuthentication(authentication.BaseAuthentication):
    def authenticate(self, request):
        header = authentication.get_authorization_header(request).split()
        if not header or header[0].decode("latin-1").lower() not in SCHEMES:
            return None  # not ours: the session may sign the request in
        if len(header) != 2:
            raise exceptions.AuthenticationFailed(_("Give the token after the word Bearer."))
        try:
            secret = header[1].decode()
        except UnicodeDecodeError:
            raise exceptions.AuthenticationFailed(_("Invalid token.")) from None
        token = (
            ApiToken.objects.live().select_related("user").filter(key_hash=token_hash(secret))
        ).first()
        if token is None:
            raise exceptions.AuthenticationFailed(_("Invalid or revoked token."))
        token_used(token)
        if token.user.language:
            # As kamcrm.middleware.UserLanguage does for a session: the user's own language.
            translation.activate(token.user.language)
        return token.user, token

    def authenticate_header(self, request) -> str:
        return 'Bearer realm="api"'
