import os

import pytest
from django.conf import settings

from kamcrm.celery import app
from kamcrm.tasks import ping


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


@pytest.mark.worker
def test_a_real_worker_round_trips_a_task(worker_queue):
    result = ping.apply_async(queue=worker_queue).get(timeout=60)

    assert result["pong"] == "pong"
    assert result["pid"] != os.getpid()
