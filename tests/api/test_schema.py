"""The schema is honest: it generates without a warning, and schemathesis, sending every
operation what the schema allows, then what it does not, as a demo KAM and director with
data, finds no server error; valid requests are answered as the schema describes
(status, content type, headers, body), invalid ones with a status and content type it
describes. Not checked: that every valid request is accepted (a cursor or a record id
the schema cannot tell from a made-up one is 404 or 400), nor that every invalid one is
refused (an empty filter, `?date_before=`, reads as no filter, as django-filter has it)."""

import pytest
import schemathesis
from django.core import signals
from django.core.management import call_command
from django.core.wsgi import get_wsgi_application
from django.db import close_old_connections
from hypothesis import HealthCheck, given, settings
from schemathesis import GenerationMode, checks

from api.services import token_create
from kamcrm.models import User

pytestmark = pytest.mark.django_db

CHECKS = {
    GenerationMode.POSITIVE: [
        checks.not_a_server_error,
        checks.status_code_conformance,
        checks.content_type_conformance,
        checks.response_headers_conformance,
        checks.response_schema_conformance,
    ],
    GenerationMode.NEGATIVE: [
        checks.not_a_server_error,
        checks.status_code_conformance,
        checks.content_type_conformance,
    ],
}
EXAMPLES = 25


def test_the_schema_generates_and_validates_without_warnings():
    call_command("spectacular", "--validate", "--fail-on-warn", "--file", "/dev/null")


def in_process():
    """Django as a WSGI app serving requests in the test's own transaction, as Django's
    test client serves them (a real server closes its connection at each request's end)."""
    django = get_wsgi_application()

    def app(environ, start_response):
        signals.request_started.disconnect(close_old_connections)
        signals.request_finished.disconnect(close_old_connections)
        try:
            response = django(environ, start_response)
            try:
                return list(response)
            finally:
                response.close()
        finally:
            signals.request_started.connect(close_old_connections)
            signals.request_finished.connect(close_old_connections)

    return app


@pytest.mark.parametrize("mode", list(GenerationMode))
@pytest.mark.parametrize("username", ["kam1", "director1"])
def test_schemathesis_finds_no_server_error_and_no_schema_violation(
    settings_, client, username, mode
):
    call_command("seed_demo", force=True)
    _token, secret = token_create(user=User.objects.get(username=username), name="fuzz")
    headers = {"Authorization": f"Bearer {secret}"}
    failures: list[str] = []
    schema = schemathesis.openapi.from_wsgi("/api/schema/", in_process(), headers=headers)
    for result in schema.get_all_operations():
        operation = result.ok()
        fuzz(operation, mode, headers, failures, real_ids(client, headers, operation.path))
    assert not failures, "\n\n".join(failures[:10]) + f"\n({len(failures)} in all)"


def real_ids(client, headers: dict, path: str) -> list[int]:
    """Ids of records the user sees, from the list the record's path is under: random ids
    would only ever find 404."""
    if "{id}" not in path:
        return []
    listed = client.get(path.split("{id}")[0], headers=headers).json()["results"]
    return [row["id"] for row in listed[:10]]


def fuzz(operation, mode, headers: dict, failures: list[str], ids: list[int]) -> None:
    """EXAMPLES requests to the operation, each answer checked; failures noted, not raised,
    so one run names them all. Every other request names a record the user sees."""
    sent = []

    @given(case=operation.as_strategy(mode))
    @settings(
        max_examples=EXAMPLES,
        deadline=None,
        database=None,
        derandomize=True,
        suppress_health_check=list(HealthCheck),
    )
    def run(case):
        sent.append(case)
        if ids and len(sent) % 2:
            case.path_parameters["id"] = ids[len(sent) % len(ids)]
        response = case.call(headers=headers)
        try:
            case.validate_response(response, checks=CHECKS[mode], headers=headers)
        except (Exception, BaseExceptionGroup) as failure:
            failures.append(f"{operation.label}: {failure}"[:2000])

    run()


@pytest.fixture
def settings_(settings):
    settings.KAMCRM_API_RATE = "100000/minute"
    return settings
