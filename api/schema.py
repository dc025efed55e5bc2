"""The OpenAPI schema says every answer an endpoint can give, errors too, so a client
(and schemathesis in CI) can rely on it."""

from drf_spectacular.extensions import OpenApiAuthenticationExtension
from drf_spectacular.openapi import AutoSchema
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiResponse, inline_serializer
from rest_framework import serializers

Detail = inline_serializer("Detail", fields={"detail": serializers.CharField()})
BAD_REQUEST = OpenApiResponse(
    OpenApiTypes.OBJECT, description="A parameter or the body is invalid: each field's problems."
)
ERRORS = {
    401: OpenApiResponse(Detail, description="No token or session, or a revoked token."),
    404: OpenApiResponse(Detail, description="Not found, or not yours to see."),
    429: OpenApiResponse(Detail, description="Too many requests with this token for now."),
}
WRITE_ERRORS = {
    403: OpenApiResponse(Detail, description="You may see this but not change it."),
}


class Schema(AutoSchema):
    def get_response_serializers(self):
        found = super().get_response_serializers()
        if not isinstance(found, dict):
            found = {200: found}
        found = {**ERRORS, 400: BAD_REQUEST, **found}
        if self.method != "GET":
            found = {**WRITE_ERRORS, **found}
        else:
            # DRF refuses a signed-in user nothing on reads; an anonymous one gets 401.
            found.setdefault(403, OpenApiResponse(Detail, description="Not allowed."))
        return found


class TokenScheme(OpenApiAuthenticationExtension):
    target_class = "api.authentication.TokenAuthentication"
    name = "token"

    def get_security_definition(self, auto_schema):
        return {
            "type": "http",
            "scheme": "bearer",
            "description": "A personal API token (user menu, API tokens).",
        }
