"""With Redis away, every page still serves: the cache is a miss (logged), and what
would queue a task says so or carries on."""

import time

import pytest
from django.urls import reverse

from accounts.models import ImportJob
from kamcrm.celery import app
from tests.factories import AccountFactory, StakeholderFactory

DEAD = "redis://127.0.0.1:9/0"  # nothing listens on port 9


@pytest.fixture
def redis_down(settings):
    settings.CELERY_TASK_ALWAYS_EAGER = False
    settings.REDIS_URL = DEAD
    settings.CACHES = {
        "default": {
            "BACKEND": "kamcrm.cache.ForgivingRedisCache",
            "LOCATION": DEAD,
            "OPTIONS": {"socket_connect_timeout": 1, "socket_timeout": 1},
        }
    }
    before = (app.conf.task_always_eager, app.conf.broker_url)
    app.conf.task_always_eager, app.conf.broker_url = False, DEAD
    app._pool = app.amqp._producer_pool = None
    yield
    app.conf.task_always_eager, app.conf.broker_url = before
    app._pool = app.amqp._producer_pool = None


def test_healthz_names_the_cache_and_broker_down_but_serves(client, db, redis_down):
    started = time.monotonic()
    response = client.get("/healthz")

    assert time.monotonic() - started < 3
    assert response.status_code == 200
    assert response.json() == {"database": "ok", "cache": "unreachable", "broker": "unreachable"}


def test_the_dashboard_serves_without_its_cache(client, director1, kam1, redis_down):
    AccountFactory(owner=kam1, name="Siam Cement")
    client.force_login(director1)

    response = client.get(reverse("dashboards:dashboard"))

    assert response.status_code == 200
    assert (
        "Siam Cement" in response.content.decode()
        or response.context["dashboard"]["kpis"] is not None
    )


def test_an_import_page_serves_without_its_progress(client, admin, redis_down):
    job = ImportJob.objects.create(
        kind="revenue", created_by=admin, language="en", file_name="r.csv", state="running"
    )
    client.force_login(admin)

    response = client.get(reverse("accounts:import_job", args=[job.pk]))

    assert response.status_code == 200
    assert "Checking and importing" in response.content.decode()


def test_a_save_that_would_queue_a_refresh_still_saves(client, kam1, redis_down):
    account = AccountFactory(owner=kam1)
    person = StakeholderFactory(account=account, name="Khun Malee")
    client.force_login(kam1)
    url = reverse("accounts:stakeholder_update", args=[account.pk, person.pk])
    form = client.get(url).context["form"]
    data = {f.html_name: "" if f.value() is None else f.value() for f in form}
    data["title"] = "Plant manager"

    started = time.monotonic()
    response = client.post(url, data)

    assert response.status_code == 302
    assert time.monotonic() - started < 5
    person.refresh_from_db()
    assert person.title == "Plant manager"
