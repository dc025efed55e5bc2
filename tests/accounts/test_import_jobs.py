"""An uploaded import's life: claimed once, watched while it runs, queued again or failed
with the reason when its worker dies, and never left waiting when the broker is down."""

import os
import signal
from datetime import timedelta

import pytest
from django.urls import reverse
from django.utils import timezone

from accounts.import_jobs import job_run, run_import, sweep_abandoned
from accounts.models import Account, ImportJob, RevenueLine
from kamcrm.celery import app
from tests.accounts.test_imports import ACCOUNTS, wait_for
from tests.accounts.uploads import upload
from tests.needs import needs_postgresql


def job_of(admin, **fields) -> ImportJob:
    fields = {"kind": "accounts", "content": ACCOUNTS, **fields}
    return ImportJob.objects.create(created_by=admin, language="en", file_name="a.csv", **fields)


def test_a_job_another_worker_runs_is_not_run_twice(admin, kam1):
    job = job_of(admin, state="running", heartbeat_at=timezone.now(), attempts=1)

    job_run(job.pk)  # the same task delivered again

    job.refresh_from_db()
    assert (job.state, job.attempts) == ("running", 1)
    assert not Account.objects.exists()


def test_a_job_whose_worker_died_is_queued_again_and_runs(admin, kam1, tasks_inline):
    job = job_of(
        admin, state="running", attempts=1, heartbeat_at=timezone.now() - timedelta(minutes=5)
    )

    assert sweep_abandoned() == 1

    job.refresh_from_db()  # the re-queued task ran in place (tasks_inline)
    assert (job.state, job.attempts, job.report["created"]) == ("done", 2, 3)


def test_a_job_that_lost_its_worker_twice_fails_with_the_reason(client, admin, kam1):
    job = job_of(
        admin, state="running", attempts=2, heartbeat_at=timezone.now() - timedelta(minutes=5)
    )
    client.force_login(admin)

    page = client.get(reverse("accounts:import_job", args=[job.pk])).content.decode()

    job.refresh_from_db()
    assert (job.state, job.content) == ("failed", "")
    assert "stopped twice before it finished" in page
    assert "Split the file into smaller ones" in page


def test_a_running_job_with_a_fresh_heartbeat_is_left_alone(admin):
    job_of(admin, state="running", attempts=1, heartbeat_at=timezone.now())

    assert sweep_abandoned() == 0


@pytest.fixture
def broker_down():
    """The app talks to a Redis port where nothing listens."""
    before = (app.conf.task_always_eager, app.conf.broker_url)
    app.conf.task_always_eager, app.conf.broker_url = False, "redis://127.0.0.1:9/0"
    app._pool = app.amqp._producer_pool = None
    yield
    app.conf.task_always_eager, app.conf.broker_url = before
    app._pool = app.amqp._producer_pool = None


def test_an_upload_with_the_broker_down_says_so_and_leaves_no_job(client, admin, broker_down):
    client.force_login(admin)

    response = upload(client, "a.csv", ACCOUNTS.encode(), kind="accounts")

    assert response.status_code == 200
    assert "The import queue cannot be reached just now" in response.content.decode()
    assert not ImportJob.objects.exists()


@pytest.mark.worker
@pytest.mark.django_db(transaction=True)
def test_a_killed_worker_loses_nothing_and_the_import_resumes(admin, kam1, start_worker, settings):
    """SIGKILL the worker mid-import: nothing was written, the sweep sends the job back to
    its queue within seconds, and the next worker imports it whole."""
    needs_postgresql()
    settings.KAMCRM_IMPORT_ABANDONED_SECONDS = 2
    Account.objects.create(external_id="SCG", name="SCG", currency_id="USD", owner=kam1)
    lines = "".join(f"SCG,2026-01-{1 + i % 28:02d},{i},USD,R{i}\n" for i in range(150_000))
    content = "account_external_id,date,amount,currency,external_ref\n" + lines
    job = job_of(admin, kind="revenue", content=content)
    queue, first = start_worker()
    run_import.apply_async(args=[job.pk], queue=queue)
    wait_for(job, lambda j: j.state == "running")

    os.kill(first.pid, signal.SIGKILL)
    first.wait(10)
    wait_for(job, lambda j: sweep_abandoned([j.pk]) == 1, 20)

    stalled = ImportJob.objects.get(pk=job.pk)

    assert (stalled.state, stalled.attempts) == ("queued", 1)
    assert not RevenueLine.objects.exists()
    start_worker(queue)
    done = wait_for(job, lambda j: j.finished, 120)
    assert (done.state, done.attempts, done.report["created"]) == ("done", 2, 150_000)
    assert RevenueLine.objects.count() == 150_000
