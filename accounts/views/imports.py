from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import get_language
from django.utils.translation import gettext as _
from rules.contrib.views import permission_required

from ..forms import ImportForm
from ..import_jobs import QueueUnavailable, job_progress, job_queue, sweep_abandoned, table_of
from ..imports import ACCOUNT_COLUMNS, REVENUE_COLUMNS, BadHeader, FormatUnclear, decode
from ..models import ImportJob


def _jobs_of(user):
    """Uploaders see their own imports; admins everyone's."""
    return ImportJob.objects.all() if user.is_admin else ImportJob.objects.filter(created_by=user)


@permission_required("accounts.import_data", raise_exception=True)
def import_upload(request: HttpRequest) -> HttpResponse:
    """Directors and admins upload a CSV; a worker checks every row and imports it, or
    reports each bad row and imports none."""
    form = ImportForm(request.POST or None, request.FILES or None, user=request.user)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        text, encoding = decode(data["file"].read())
        formats = {"decimal": data["decimal"], "date_format": data["date_format"]}
        try:
            table_of(data["kind"], text, encoding=encoding, **formats)
        except FormatUnclear as error:
            form.add_error(error.setting, str(error))
        except BadHeader as error:
            form.add_error("file", str(error))
        else:
            try:
                job = job_queue(
                    kind=data["kind"],
                    dry_run=data["dry_run"],
                    default_owner=data["default_owner"],
                    created_by=request.user,
                    language=get_language(),
                    file_name=data["file"].name[:255],
                    content=text,
                    encoding=encoding,
                    **formats,
                )
            except QueueUnavailable:
                form.add_error(
                    None,
                    _(
                        "The import queue cannot be reached just now, so the file was not "
                        "taken. Try again in a few minutes; if it goes on, tell an admin."
                    ),
                )
            else:
                return redirect("accounts:import_job", pk=job.pk)
    return render(
        request,
        "accounts/import.html",
        {
            "form": form,
            "account_columns": ACCOUNT_COLUMNS,
            "revenue_columns": REVENUE_COLUMNS,
            "recent": _jobs_of(request.user).defer("content", "report")[:5],
        },
    )


@permission_required("accounts.import_data", raise_exception=True)
def import_job(request: HttpRequest, pk: int) -> HttpResponse:
    """One upload: its progress while it runs (the page reloads itself), then its report."""
    jobs = _jobs_of(request.user).defer("content")
    job = get_object_or_404(jobs, pk=pk)
    if not job.finished and sweep_abandoned([job.pk]):
        job = jobs.get(pk=pk)  # its worker died: queued again, or failed with the reason
    return render(
        request,
        "accounts/import_job.html",
        {"job": job, "report": job.report, "progress": job_progress(job)},
    )
