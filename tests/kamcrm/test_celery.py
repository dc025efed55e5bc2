import os
import subprocess
import sys
import uuid
from pathlib import Path

import pytest
from django.conf import settings

from kamcrm.celery import app
from kamcrm.tasks import ping
from tests.needs import skip_or_fail

ROOT = Path(__file__).resolve().parents[2]


def test_the_beat_schedule_names_registered_tasks():
    app.loader.import_default_modules()

    for entry in settings.CELERY_BEAT_SCHEDULE.values():
        assert entry["task"] in app.tasks, entry["task"]


def test_tasks_run_in_process_in_eager_mode():
    # What the settings choose when REDIS_URL is absent (see test_settings).
    was_eager, app.conf.task_always_eager = app.conf.task_always_eager, True
    try:
        result = ping.delay().get(timeout=5)
    finally:
        app.conf.task_always_eager = was_eager

    assert result["pid"] == os.getpid()


@pytest.fixture
def worker_queue():
    """A real Celery worker process on Redis, consuming a queue of its own."""
    if not os.environ.get("REDIS_URL"):
        skip_or_fail("REDIS_URL is not set: no broker to run a real worker against")
    queue = f"test-{uuid.uuid4().hex}"
    command = [sys.executable, "-m", "celery", "-A", "kamcrm", "worker", "--pool", "solo"]
    command += ["--queues", queue, "--without-gossip", "--without-mingle", "--loglevel", "INFO"]
    process = subprocess.Popen(
        command,
        cwd=ROOT,
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
    )
    yield queue
    process.terminate()
    output, _ = process.communicate(timeout=30)
    print(output)


@pytest.mark.worker
def test_a_real_worker_round_trips_a_task(worker_queue):
    result = ping.apply_async(queue=worker_queue).get(timeout=60)

    assert result["pong"] == "pong"
    assert result["pid"] != os.getpid()
