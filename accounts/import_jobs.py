"""Uploaded imports, run by a worker: the upload page checks the file and queues an
ImportJob; the worker runs the same import as the commands, with the uploader's rights and
language, and leaves the report on the job. Progress goes to the cache, which every web
process reads, because the import's own transaction hides its writes until the end."""

import io

from django.core.cache import cache
from django.utils import timezone, translation

from .imports import (
    ACCOUNT_COLUMNS,
    REVENUE_COLUMNS,
    BadHeader,
    ImportReport,
    Table,
    import_accounts,
    import_revenue,
)
from .models import ImportJob, ImportKind, ImportState

COLUMNS = {ImportKind.ACCOUNTS: ACCOUNT_COLUMNS, ImportKind.REVENUE: REVENUE_COLUMNS}
SHOWN_PROBLEMS = 500


def table_of(kind: str, text: str, *, encoding: str, decimal: str, date_format: str) -> Table:
    """The uploaded text as a table; raises BadHeader (or FormatUnclear) at once, rather
    than after the file has waited for a worker."""
    return Table(
        lambda: io.StringIO(text, newline=""),
        COLUMNS[kind],
        encoding=encoding,
        decimal=decimal,
        date_format=date_format,
    )


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
    ImportJob.objects.filter(pk=job.pk).update(
        state=ImportState.DONE,
        report=report.as_dict(keep=SHOWN_PROBLEMS),  # a file of bad rows stays a small row
        content="",  # imported or refused: the rows live in the tables, or nowhere
        finished_at=timezone.now(),
    )
    cache.delete(progress_key(job.pk))


def _import(job: ImportJob) -> ImportReport:
    try:
        table = table_of(
            job.kind,
            job.content,
            encoding=job.encoding,
            decimal=job.decimal,
            date_format=job.date_format,
        )
    except BadHeader as error:
        report = ImportReport(dry_run=job.dry_run)
        report.error(1, str(error))
        return report
    if job.kind == ImportKind.ACCOUNTS:
        return import_accounts(
            table, by=job.created_by, default_owner=job.default_owner, dry_run=job.dry_run
        )
    return import_revenue(
        table,
        by=job.created_by,
        dry_run=job.dry_run,
        progress=lambda message: cache.set(progress_key(job.pk), message, 24 * 3600),
    )


def progress_key(job_id: int) -> str:
    return f"import-job-{job_id}-progress"


def job_progress(job: ImportJob) -> str:
    return cache.get(progress_key(job.pk), "")
