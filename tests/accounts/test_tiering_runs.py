"""Tiering as it runs in production: the lock, and a real Celery worker on Redis."""

import os
import subprocess
import sys
import time
from datetime import date
from decimal import Decimal

import psycopg
import pytest
from django.core.management import CommandError, call_command
from django.db import connection

from accounts.models import TierSnapshot
from accounts.tasks import recompute_tiers
from accounts.tiering import LOCK_KEY
from tests.factories import AccountFactory, RevenueLineFactory
from tests.needs import needs_postgresql


@pytest.mark.django_db
def test_a_second_run_exits_with_a_clear_message(kam1):
    needs_postgresql()
    s = connection.settings_dict
    other = psycopg.connect(
        host=s["HOST"], port=s["PORT"] or 5432, user=s["USER"], password=s["PASSWORD"],
        dbname=s["NAME"], autocommit=True,
    )  # fmt: skip
    try:
        other.execute("SELECT pg_advisory_lock(%s)", [LOCK_KEY])  # a run in progress
        with pytest.raises(CommandError, match="Another tiering run is in progress"):
            call_command("recompute_tiers", "--as-of", "2026-11-23")
    finally:
        other.close()

    assert not TierSnapshot.objects.exists()


@pytest.mark.worker
@pytest.mark.django_db(transaction=True)
def test_a_real_worker_recomputes_the_tiers(kam1, worker_queue):
    needs_postgresql()
    account = AccountFactory(owner=kam1, external_id="SC-1")
    RevenueLineFactory(account=account, date=date(2026, 9, 3), amount=Decimal("500"))

    result = recompute_tiers.apply_async(args=["2026-11-23"], queue=worker_queue).get(timeout=60)

    assert result == {"as_of": "2026-11-23", "accounts": 1, "pruned": 0}
    snapshot = TierSnapshot.objects.get(account=account)
    assert (snapshot.revenue_12m, snapshot.abc, snapshot.status) == (Decimal("500"), "A", "active")


HOLD_THE_LOCK = """
import django, sys
django.setup()
from django.db import connection, transaction
from accounts.tiering import exclusive_run
with transaction.atomic(), exclusive_run():
    print("locked", flush=True)
    with connection.cursor() as cursor:
        cursor.execute("SELECT pg_sleep(120)")  # a long statement of the run
"""


@pytest.mark.django_db(transaction=True)
def test_a_run_killed_mid_statement_frees_the_lock_within_seconds():
    """SIGKILL leaves the server running the dead client's statement, lock held; the run's
    connection check notices the client is gone and ends it, lock and all."""
    needs_postgresql()
    from tests.conftest import ROOT, _database_url

    env = {
        **os.environ,
        "DATABASE_URL": _database_url(),
        "DJANGO_SETTINGS_MODULE": "kamcrm.settings",
    }
    run = subprocess.Popen(
        [sys.executable, "-c", HOLD_THE_LOCK], cwd=ROOT, env=env, stdout=subprocess.PIPE, text=True
    )
    assert run.stdout.readline().strip() == "locked"
    run.kill()
    run.wait(10)

    started, free = time.monotonic(), False
    while time.monotonic() - started < 10 and not free:
        with connection.cursor() as cursor:
            cursor.execute("SELECT pg_try_advisory_lock(%s)", [LOCK_KEY])
            free = cursor.fetchone()[0]
        time.sleep(0.2)

    assert free, "the killed run still holds the lock"
    assert time.monotonic() - started < 5
    with connection.cursor() as cursor:
        cursor.execute("SELECT pg_advisory_unlock(%s)", [LOCK_KEY])
