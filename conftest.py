"""The demo cast as fixtures: admin, director1 leading North with kam1, director2 leading
South with kam2. Every permission test picks its people from here."""

import pytest
from django.db import connections

from kamcrm.models import Role, Team, User
from tests.factories import TeamFactory, UserFactory


@pytest.fixture(scope="session")
def django_db_setup(django_db_setup, django_db_blocker):
    yield
    # PostgreSQL's connection pool can keep a session open past the last test (one checked
    # out by a live-server thread), which stops the test database from being dropped.
    with django_db_blocker.unblock():
        for connection in connections.all(initialized_only=True):
            if connection.vendor != "postgresql":
                continue
            connection.close()
            connection.close_pool()
            with connection._nodb_cursor() as cursor:
                cursor.execute(
                    "SELECT pg_terminate_backend(pid) FROM pg_stat_activity"
                    " WHERE datname = %s AND pid <> pg_backend_pid()",
                    [connection.settings_dict["NAME"]],
                )


@pytest.fixture(autouse=True)
def _fast_test_settings(settings):
    # A deliberately slow password hash would dominate the suite's run time.
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
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
