"""The demo cast as fixtures: admin, director1 leading North with kam1, director2 leading
South with kam2. Every permission test picks its people from here."""

import os

import pytest

from kamcrm.models import Role, Team, User
from tests.factories import TeamFactory, UserFactory


def skip_or_fail(reason: str) -> None:
    """Skip a test whose service is missing locally; in CI the same gap is a failure."""
    if os.environ.get("CI", "").lower() in ("1", "true", "yes"):
        pytest.fail(f"{reason} (CI must provide it)", pytrace=False)
    pytest.skip(reason)


@pytest.fixture(autouse=True)
def _plain_static_files(settings):
    # Tests run with debug off but without collectstatic; tests/kamcrm/test_static_files.py
    # checks the production manifest storage on its own.
    settings.STORAGES = {
        **settings.STORAGES,
        "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
    }


@pytest.fixture
def admin(db) -> User:
    return UserFactory(username="admin", role=Role.ADMIN)


@pytest.fixture
def director1(db) -> User:
    return UserFactory(username="director1", role=Role.DIRECTOR)


@pytest.fixture
def director2(db) -> User:
    return UserFactory(username="director2", role=Role.DIRECTOR)


@pytest.fixture
def north(director1) -> Team:
    return TeamFactory(name="North", director=director1)


@pytest.fixture
def south(director2) -> Team:
    return TeamFactory(name="South", director=director2)


@pytest.fixture
def kam1(north) -> User:
    return UserFactory(username="kam1", role=Role.KAM, team=north)


@pytest.fixture
def kam2(south) -> User:
    return UserFactory(username="kam2", role=Role.KAM, team=south)
