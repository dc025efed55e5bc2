import os

import pytest


def skip_or_fail(reason: str) -> None:
    """Skip a test whose service is missing locally; in CI the same gap is a failure."""
    if os.environ.get("CI", "").lower() in ("1", "true", "yes"):
        pytest.fail(f"{reason} (CI must provide it)", pytrace=False)
    pytest.skip(reason)


def needs_postgresql() -> None:
    """For tests whose database must be shared with another process (a worker, a lock)."""
    from django.db import connection

    if connection.vendor != "postgresql":
        skip_or_fail("needs PostgreSQL (set DATABASE_URL): another process shares the database")
