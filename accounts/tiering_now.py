"""A tiering run an admin asks for from the Settings page ("Save and recompute now"):
queued to a worker (run in place where there is no broker), its state and result kept
in the cache, which every web process reads, under the run's key that the page polls.
The nightly run needs none of this: nobody waits for it."""

import logging
import uuid

from django.core.cache import cache
from django.utils import timezone
from kombu.exceptions import OperationalError

from .tiering import TieringBusy, tiers_recompute

log = logging.getLogger(__name__)
KEPT_SECONDS = 24 * 3600


class QueueUnavailable(Exception):
    """The broker could not take the run; nothing was queued."""


def run_queue() -> str:
    """Queue a run as of today; its key, for `run_state`."""
    from .tasks import recompute_tiers_now

    run = str(uuid.uuid4())
    _report(run, state="queued")
    try:
        recompute_tiers_now.apply_async((run,), retry=False)
    except (OperationalError, ConnectionError, TimeoutError) as error:
        log.warning("tiering run not queued: %s", error)
        cache.delete(_key(run))
        raise QueueUnavailable from error
    return run


def run_state(run: str) -> dict | None:
    """{"state": queued, running, done, busy (another run held the lock) or failed, and
    when done "as_of", "accounts", "changed"}; None when unknown or long gone."""
    return cache.get(_key(run))


def run_now(run: str) -> None:
    """The task's work: safe to run twice (a run replaces its own date's snapshot)."""
    _report(run, state="running")
    try:
        result = tiers_recompute(as_of=timezone.localdate())
    except TieringBusy:
        _report(run, state="busy")
        return
    except Exception:
        _report(run, state="failed")
        raise
    _report(
        run,
        state="done",
        as_of=result.as_of.isoformat(),
        accounts=result.accounts,
        changed=result.changed,
    )


def _key(run: str) -> str:
    return f"tiering-now:{run}"


def _report(run: str, **state) -> None:
    cache.set(_key(run), state, KEPT_SECONDS)
