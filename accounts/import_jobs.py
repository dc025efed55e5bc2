"""Uploaded imports, run by a worker: the upload page checks the file and queues an
ImportJob; the worker claims it, runs the same import as the commands with the uploader's
rights and language, and leaves the report on the job.

A job is claimed with a conditional update (two deliveries of the task cannot both run
it) and beats while it runs, from a thread with its own database connection, outside the
import's transaction. A job whose beat stopped lost its worker (killed, out of memory):
the import's transaction died with it, so nothing was written, and the sweep queues it
once more or, after a second loss, fails it with the reason. Progress goes to the cache,
which every web process reads, because the import's transaction hides its writes."""

import contextlib
import io
import logging
import threading
from datetime import timedelta

from celery import shared_task
from celery.exceptions import SoftTimeLimitExceeded
from django.conf import settings
from django.core.cache import cache
from django.db import DatabaseError, connection, models
from django.utils import timezone, translation
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from kombu.exceptions import OperationalError

from kamcrm import audit

from .imports import BadHeader, ImportReport, Table
from .imports.kinds import TYPES, Options
from .imports.reading import process_objects_frozen
from .models import ImportJob, ImportState

log = logging.getLogger(__name__)
SHOWN_PROBLEMS = 500
HEARTBEAT_SECONDS = 5
MAX_ATTEMPTS = 2


class QueueUnavailable(Exception):
    """The broker could not take the job; no job was left behind."""

    message = gettext_lazy(
        "The import queue cannot be reached just now, so the file was not taken. Try again "
        "in a few minutes; if it goes on, tell an admin."
    )


def table_of(
    kind: str,
    text: str,
    *,
    encoding: str,
    decimal: str,
    date_format: str,
    mapping: dict[str, str] | None = None,
) -> Table:
    """The uploaded text as a table; raises BadHeader (MissingColumns, FormatUnclear) at
    once, rather than after the file has waited for a worker."""
    return Table(
        lambda: io.StringIO(text, newline=""),
        TYPES[kind].columns,
        encoding=encoding,
        decimal=decimal,
        date_format=date_format,
        mapping=mapping,
    )


def job_queue(**fields) -> ImportJob:
    """Stores the job and hands it to the broker; with the broker unreachable the job is
    removed again and QueueUnavailable raised, so no job waits forever. Call it outside a
    transaction: the worker must find the job committed."""
    job = ImportJob.objects.create(**fields)
    try:
        _publish(job.pk)
    except QueueUnavailable:
        job.delete()
        raise
    return job


def job_matched(job: ImportJob, **changes) -> None:
    """A job whose columns were just matched, queued; with the broker unreachable it goes
    on waiting for its columns (QueueUnavailable), to be sent again."""
    updated = ImportJob.objects.filter(pk=job.pk, state=ImportState.MATCHING).update(
        state=ImportState.QUEUED, **changes
    )
    if not updated:
        return  # sent already (a second submit of the same page)
    try:
        _publish(job.pk)
    except QueueUnavailable:
        ImportJob.objects.filter(pk=job.pk).update(state=ImportState.MATCHING)
        raise


def job_again(earlier: ImportJob, *, dry_run: bool) -> ImportJob:
    """The file of an earlier job, queued again (after a clean dry run, to be imported;
    after missing product lines were added, to be checked again), with its uploader's
    rights whoever pressed the button; the earlier job lets go of its copy.
    QueueUnavailable as for job_queue."""
    fields = ["kind", "default_owner", "created_by", "language", "file_name", "content"]
    fields += ["encoding", "decimal", "date_format", "mapping"]
    job = job_queue(dry_run=dry_run, **{f: getattr(earlier, f) for f in fields})
    ImportJob.objects.filter(pk=earlier.pk).update(content="")
    return job


def _publish(job_id: int, queue: str | None = None) -> None:
    try:
        # No retries: a user is waiting for the page, and says when to try again.
        if queue:
            run_import.apply_async((job_id,), retry=False, queue=queue)
        else:
            run_import.apply_async((job_id,), retry=False)
    except (OperationalError, ConnectionError, TimeoutError) as error:
        log.warning("import job %s not queued: %s", job_id, error)
        raise QueueUnavailable from error


def job_run(job_id: int, queue: str = "") -> None:
    """Runs a queued job, or one whose worker died; does nothing for a job another worker
    is running or that has finished (a task delivered twice). `queue`: where the task came
    from, where a sweep sends it back."""
    now = timezone.now()
    claimed = (
        ImportJob.objects.filter(pk=job_id)
        .filter(models.Q(state=ImportState.QUEUED) | _abandoned(now))
        .update(
            state=ImportState.RUNNING,
            started_at=now,
            heartbeat_at=now,
            attempts=models.F("attempts") + 1,
            queue=queue,
        )
    )
    if not claimed:
        return
    job = ImportJob.objects.select_related("created_by", "default_owner").get(pk=job_id)
    beating = _Heartbeat(job.pk)
    beating.start()
    try:
        # The audit trail names the import and who started it (kamcrm/audit.py).
        tagged = audit.context(source="import", kind=job.kind, job=job.pk, user=job.created_by_id)
        with translation.override(job.language), tagged, process_objects_frozen():
            report = _import(job)
    except SoftTimeLimitExceeded:
        minutes = settings.KAMCRM_IMPORT_TIME_LIMIT // 60
        _fail(
            job.pk,
            _(
                "The import took longer than %(minutes)d minutes and was stopped; nothing "
                "was imported. Split the file, or ask an admin to run the import command."
            )
            % {"minutes": minutes},
        )
        return
    except Exception:
        _fail(job.pk, _("The import stopped with an error; nothing was imported."))
        raise
    finally:
        beating.stop()
    # Only while still ours: a sweep that took the job from a worker it thought dead
    # has queued it again, and that run's result is the one kept.
    ImportJob.objects.filter(pk=job.pk, state=ImportState.RUNNING, attempts=job.attempts).update(
        state=ImportState.DONE,
        report=report.as_dict(keep=SHOWN_PROBLEMS),  # a file of bad rows stays a small row
        # Imported or refused, the rows live in the tables or nowhere; a clean dry run
        # keeps the file for "Import now", one that names product lines not set up yet
        # for "Add them and check again".
        content=job.content if (job.dry_run and report.ok) or report.unknown else "",
        finished_at=timezone.now(),
    )
    cache.delete(progress_key(job.pk))


@shared_task(
    bind=True,
    ignore_result=True,  # the job row is the result; the page never waits on the task
    soft_time_limit=settings.KAMCRM_IMPORT_TIME_LIMIT,
    time_limit=settings.KAMCRM_IMPORT_TIME_LIMIT + 60,
)
def run_import(self, job_id: int) -> None:
    """An uploaded file, imported on the worker. Here, beside the jobs it runs, so that
    queuing a job does not import the tasks module that imports this one."""
    job_run(job_id, queue=(self.request.delivery_info or {}).get("routing_key") or "")


def sweep_abandoned(job_ids: list[int] | None = None) -> int:
    """Jobs whose worker died: queued once more, or failed after MAX_ATTEMPTS. Run every
    minute by beat, and by the job page for its own job."""
    now = timezone.now()
    jobs = ImportJob.objects.filter(_abandoned(now))
    if job_ids is not None:
        jobs = jobs.filter(pk__in=job_ids)
    swept = 0
    for job in jobs.only("pk", "attempts", "heartbeat_at", "queue"):
        if job.attempts >= MAX_ATTEMPTS:
            lost = _fail(
                job.pk,
                _(
                    "The worker running this import stopped twice before it finished (it "
                    "may have run out of memory); nothing was imported. Split the file into "
                    "smaller ones, or ask an admin to run the import command."
                ),
                expected_heartbeat=job.heartbeat_at,
            )
        else:
            lost = (
                ImportJob.objects.filter(pk=job.pk, heartbeat_at=job.heartbeat_at)
                .exclude(state=ImportState.DONE)
                .update(state=ImportState.QUEUED, heartbeat_at=now)
            )
            if lost:
                # Still queued if the broker is down: the next sweep tries again.
                with contextlib.suppress(QueueUnavailable):
                    _publish(job.pk, queue=job.queue or None)
        swept += lost
    return swept


def _abandoned(now) -> models.Q:
    stale = now - timedelta(seconds=settings.KAMCRM_IMPORT_ABANDONED_SECONDS)
    queued_stale = now - timedelta(seconds=settings.KAMCRM_IMPORT_ABANDONED_SECONDS * 10)
    return models.Q(state=ImportState.RUNNING, heartbeat_at__lt=stale) | models.Q(
        # Queued, but the broker lost it (it was down when the sweep re-queued it).
        state=ImportState.QUEUED,
        attempts__gt=0,
        heartbeat_at__lt=queued_stale,
    )


def _fail(job_id: int, reason: str, expected_heartbeat=None) -> int:
    jobs = ImportJob.objects.filter(pk=job_id).exclude(state=ImportState.DONE)
    if expected_heartbeat is not None:
        jobs = jobs.filter(heartbeat_at=expected_heartbeat)
    return jobs.update(
        state=ImportState.FAILED, failure=str(reason), content="", finished_at=timezone.now()
    )


class _Heartbeat:
    """Moves the job's heartbeat every few seconds from its own thread, and so its own
    database connection, which the import's transaction does not hold back."""

    def __init__(self, job_id: int):
        self.job_id, self.stopped = job_id, threading.Event()
        self.thread = threading.Thread(target=self._beat, daemon=True)

    def start(self) -> None:
        if connection.vendor == "sqlite":
            return  # one writer at a time: the beat would wait for the import to end
        self.thread.start()

    def stop(self) -> None:
        self.stopped.set()
        if self.thread.is_alive():
            self.thread.join()

    def _beat(self) -> None:
        try:
            while not self.stopped.wait(HEARTBEAT_SECONDS):
                try:
                    ImportJob.objects.filter(pk=self.job_id, state=ImportState.RUNNING).update(
                        heartbeat_at=timezone.now()
                    )
                except DatabaseError:
                    # A dropped connection: the next beat opens a new one. One missed
                    # beat is far from the sweep's minute.
                    connection.close()
        finally:
            connection.close()


def _import(job: ImportJob) -> ImportReport:
    try:
        table = table_of(
            job.kind,
            job.content,
            encoding=job.encoding,
            decimal=job.decimal,
            date_format=job.date_format,
            mapping=job.mapping,
        )
    except BadHeader as error:
        report = ImportReport(dry_run=job.dry_run)
        report.error(1, str(error))
        return report
    options = Options(
        by=job.created_by,
        default_owner=job.default_owner,
        dry_run=job.dry_run,
        progress=lambda message: cache.set(progress_key(job.pk), message, 24 * 3600),
    )
    return TYPES[job.kind].run(table, options)


def progress_key(job_id: int) -> str:
    return f"import-job-{job_id}-progress"


def job_progress(job: ImportJob) -> str:
    try:
        return cache.get(progress_key(job.pk), "")
    except Exception:  # the cache is only for progress; the page serves without it
        log.warning("import progress unavailable for job %s", job.pk, exc_info=True)
        return ""
