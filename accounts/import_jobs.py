"""Uploaded imports, run by a worker: the upload page checks the header and queues an
ImportJob; the worker runs the same import as the commands, with the uploader's rights and
language, and leaves the report on the job. Progress goes to the cache, which every web
process reads, because the import's own transaction hides its writes until the end."""

import io
from dataclasses import asdict

from django.core.cache import cache
from django.utils import timezone, translation

from .imports import (
    ACCOUNT_COLUMNS,
    REVENUE_COLUMNS,
    BadHeader,
    ImportReport,
    import_accounts,
    import_revenue,
    read_csv,
)
from .models import ImportJob, ImportKind, ImportState

COLUMNS = {ImportKind.ACCOUNTS: ACCOUNT_COLUMNS, ImportKind.REVENUE: REVENUE_COLUMNS}
SHOWN_PROBLEMS = 500


def check_header(kind: str, text: str) -> None:
    """Raises BadHeader at once, rather than after the file has waited for a worker."""
    next(read_csv(io.StringIO(text), COLUMNS[kind]), None)


def job_queue(**fields) -> ImportJob:
    from .tasks import run_import  # the tasks module imports this one

    job = ImportJob.objects.create(**fields)
    run_import.delay_on_commit(job.pk)
    return job


def job_run(job_id: int) -> None:
    """Safe to run twice (a task delivered again after a worker died): a finished job is
    left alone, and the import itself is an idempotent upsert."""
    job = ImportJob.objects.select_related("created_by", "default_owner").get(pk=job_id)
    if job.finished:
        return
    ImportJob.objects.filter(pk=job.pk).update(state=ImportState.RUNNING)
    try:
        with translation.override(job.language):
            report = _import(job)
    except Exception:
        ImportJob.objects.filter(pk=job.pk).update(
            state=ImportState.FAILED, finished_at=timezone.now()
        )
        raise
    kept = {**asdict(report), "ok": report.ok, "problems": len(report.errors)}
    kept["errors"] = kept["errors"][:SHOWN_PROBLEMS]  # a file of bad rows stays a small row
    ImportJob.objects.filter(pk=job.pk).update(
        state=ImportState.DONE,
        report=kept,
        content="",  # imported or refused: the rows live in the tables, or nowhere
        finished_at=timezone.now(),
    )
    cache.delete(progress_key(job.pk))


def _import(job: ImportJob) -> ImportReport:
    try:
        rows = read_csv(io.StringIO(job.content), COLUMNS[job.kind])
        if job.kind == ImportKind.ACCOUNTS:
            return import_accounts(
                rows, by=job.created_by, default_owner=job.default_owner, dry_run=job.dry_run
            )
        return import_revenue(
            rows,
            by=job.created_by,
            dry_run=job.dry_run,
            progress=lambda message: cache.set(progress_key(job.pk), message, 24 * 3600),
        )
    except BadHeader as error:
        return ImportReport(errors=[(1, str(error))], dry_run=job.dry_run)


def progress_key(job_id: int) -> str:
    return f"import-job-{job_id}-progress"


def job_progress(job: ImportJob) -> str:
    return cache.get(progress_key(job.pk), "")
