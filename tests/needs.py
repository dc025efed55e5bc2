import os

import pytest


def skip_or_fail(reason: str) -> None:
    """Skip a test whose service is missing locally; in CI the same gap is a failure."""
    if os.environ.get("CI", "").lower() in ("1", "true", "yes"):
        pytest.fail(f"{reason} (CI must provide it)", pytrace=False)
    pytest.skip(reason)


def needs_postgresql(why: str = "another process shares the database") -> None:
    """For tests that need PostgreSQL itself: a worker or a lock sharing it, or its SQL."""
    from django.db import connection

    if connection.vendor != "postgresql":
        skip_or_fail(f"needs PostgreSQL (set DATABASE_URL): {why}")
