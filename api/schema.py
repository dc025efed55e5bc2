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
    def _get_response_bodies(self, direction="response"):
        # After the endpoint's own answers (an @extend_schema's too): the errors any
        # endpoint may give, where it does not describe them itself.
        bodies = super()._get_response_bodies(direction)
        errors = {**ERRORS, 400: BAD_REQUEST}
        if self.method == "GET":
            # DRF refuses a signed-in reader nothing: 403 is the session's CSRF check.
            errors[403] = OpenApiResponse(Detail, description="Not allowed.")
        else:
            errors.update(WRITE_ERRORS)
        for code, response in errors.items():
            if str(code) not in bodies:
                bodies[str(code)] = self._get_response_for_code(
                    response, str(code), direction=direction
                )
        return bodies


class TokenScheme(OpenApiAuthenticationExtension):
    target_class = "api.authentication.TokenAuthentication"
    name = "token"

    def get_security_definition(self, auto_schema):
        return {
            "type": "http",
            "scheme": "bearer",
            "description": "A personal API token (user menu, API tokens).",
        }
