"""A database connection the server dropped (a restart, a killed backend) is replaced
before a request uses it: no 500 after a fault."""

import urllib.request

import pytest
from django.db import connection

from tests.needs import needs_postgresql

pytestmark = pytest.mark.django_db(transaction=True)


def status_of(url: str) -> int:
    try:
        with urllib.request.urlopen(url, timeout=10) as response:
            return response.status
    except urllib.error.HTTPError as error:
        return error.code


def test_pooled_connections_killed_by_the_server_are_replaced(live_server, kam1):
    needs_postgresql("the pool is PostgreSQL's")
    # A page that reads the database: a password link with an unknown user.
    url = f"{live_server.url}/reset/MQ/not-a-token/"
    assert status_of(url) == 200

    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT count(pg_terminate_backend(pid)) FROM pg_stat_activity"
            " WHERE datname = current_database() AND pid <> pg_backend_pid()"
        )
        killed = cursor.fetchone()[0]

    assert killed >= 1  # the server's pooled connection, at least
    assert [status_of(url) for _ in range(3)] == [200, 200, 200]
