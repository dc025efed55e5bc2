import time

import pytest
from django.db import connection

from tests.needs import needs_postgresql


@pytest.mark.django_db
def test_it_reports_a_healthy_database(client, settings):
    response = client.get("/healthz")

    assert response.status_code == 200
    assert response.json()["database"] == "ok"
    expected_broker = "eager" if settings.CELERY_TASK_ALWAYS_EAGER else "ok"
    assert response.json()["broker"] == expected_broker


@pytest.mark.django_db
def test_it_answers_503_within_three_seconds_when_the_database_is_unreachable(client, monkeypatch):
    needs_postgresql("the probe opens its own connection to the server")
    # An address that never answers (TEST-NET-1): the probe must give up by itself.
    monkeypatch.setitem(connection.settings_dict, "HOST", "192.0.2.1")

    started = time.monotonic()
    response = client.get("/healthz")

    assert time.monotonic() - started < 3
    assert response.status_code == 503
    assert response.json()["database"] == "unreachable"


def test_it_reports_an_unreachable_broker(client, settings, db):
    settings.CELERY_TASK_ALWAYS_EAGER = False
    from kamcrm.celery import app

    original = app.conf.broker_url
    app.conf.broker_url = "redis://127.0.0.1:1/0"  # nothing listens on port 1
    try:
        response = client.get("/healthz")
    finally:
        app.conf.broker_url = original

    assert response.status_code == 200
    assert response.json()["broker"] == "unreachable"


@pytest.mark.django_db
def test_it_is_not_cached_and_needs_no_sign_in(client):
    response = client.get("/healthz")

    assert "no-cache" in response["Cache-Control"]
    assert response.status_code == 200
