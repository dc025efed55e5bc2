import importlib
import os
import subprocess
import sys
import uuid
from datetime import datetime
from pathlib import Path

import pytest
import time_machine
from django.apps import apps
from django.db import connection

from tests.needs import skip_or_fail

ROOT = Path(__file__).resolve().parents[1]


def pytest_addoption(parser):
    parser.addoption(
        "--today",
        help="Run the suite as if the clock read this ISO date-time (e.g. 2028-02-29T23:30+07:00):"
        " tests must not depend on the day they run (worker tests, in other processes, will not"
        " follow).",
    )


def pytest_configure(config):
    if today := config.getoption("--today"):
        # Kept for the session: stopping it is the process's end.
        time_machine.travel(datetime.fromisoformat(today), tick=True).start()


REFERENCE_DATA = ["accounts.migrations.0002_reference_data", "plans.migrations.0002_settings_row"]


@pytest.fixture(autouse=True)
def _reference_data(request):
    """Transactional tests commit for real, and the flush after each one also empties the
    rows the data migrations made (currencies, stages, settings): put them back first."""
    marker = request.node.get_closest_marker("django_db")
    if not (marker and marker.kwargs.get("transaction")):
        return
    request.getfixturevalue("transactional_db")
    for module in REFERENCE_DATA:
        importlib.import_module(module).create(apps, None)


@pytest.fixture(autouse=True)
def _fresh_local_cache():
    """With no Redis the cache lives in the test process, and what one test left there
    (an API token's request count, say) throttled the next, whose user had the same id
    once the database rolled back. A Redis cache is shared by the parallel workers, whose
    running tests a clear would disturb: it is left alone."""
    from django.core.cache import caches
    from django.core.cache.backends.locmem import LocMemCache

    if isinstance(caches["default"], LocMemCache):
        caches["default"].clear()


def _database_url() -> str:
    """The URL of the database the tests use, for a separate process to share it."""
    s = connection.settings_dict
    if connection.vendor != "postgresql":
        return ""
    password = f":{s['PASSWORD']}" if s["PASSWORD"] else ""
    return f"postgres://{s['USER']}{password}@{s['HOST']}:{s['PORT'] or 5432}/{s['NAME']}"


@pytest.fixture
def start_worker():
    """Starts real Celery worker processes on Redis, each consuming a queue of its own (or
    the one given) and using the test database (tasks that touch the database need a
    transactional test on PostgreSQL); (queue, process) each. All stop after the test."""
    if not os.environ.get("REDIS_URL"):
        skip_or_fail("REDIS_URL is not set: no broker to run a real worker against")
    started = []

    def start(queue: str = "") -> tuple[str, subprocess.Popen]:
        queue = queue or f"test-{uuid.uuid4().hex}"
        env = {**os.environ}
        if database_url := _database_url():
            env["DATABASE_URL"] = database_url
        command = [sys.executable, "-m", "celery", "-A", "kamcrm", "worker", "--pool", "solo"]
        command += ["--queues", queue, "--without-gossip", "--without-mingle"]
        command += ["--loglevel", "INFO"]
        process = subprocess.Popen(
            command, cwd=ROOT, env=env, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True
        )
        started.append(process)
        return queue, process

    yield start
    for process in started:
        if process.poll() is None:
            process.terminate()
        output, _ = process.communicate(timeout=30)
        print(output)


@pytest.fixture
def worker_queue(start_worker):
    """The queue of one real worker (start_worker)."""
    queue, _ = start_worker()
    return queue


@pytest.fixture
def tasks_inline():
    """Tasks queued on commit run in the test's process, whatever broker CI configured."""
    from kamcrm.celery import app

    before = app.conf.task_always_eager
    app.conf.task_always_eager = True
    yield
    app.conf.task_always_eager = before
