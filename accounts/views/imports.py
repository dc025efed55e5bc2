from django.contrib import messages
from django.core.paginator import Paginator
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import get_language
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST
from rules.contrib.views import permission_required

from kamcrm import csv_export

from ..import_jobs import (
    QueueUnavailable,
    job_again,
    job_matched,
    job_progress,
    job_queue,
    sweep_abandoned,
    table_of,
)
from ..imports import BadHeader, FormatUnclear, MissingColumns, decode
from ..imports.forms import ColumnsForm, ImportForm
from ..imports.kinds import TYPES
from ..imports.reading import header_of
from ..models import ColumnMapping, ImportJob, ImportKind, ImportState, ProductLine


def _jobs_of(user):
    """Uploaders see their own imports; admins everyone's (accounts.view_importjob)."""
    return ImportJob.objects.all() if user.is_admin else ImportJob.objects.filter(created_by=user)


@permission_required("accounts.import_data", raise_exception=True)
def import_upload(request: HttpRequest) -> HttpResponse:
    """Directors and admins upload a CSV; a worker checks every row and imports it, or
    reports each bad row and imports none."""
    form = ImportForm(request.POST or None, request.FILES or None, user=request.user)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        formats = {"decimal": data["decimal"], "date_format": data["date_format"]}
        job_fields = {
            "kind": data["kind"],
            "dry_run": data["dry_run"],
            "default_owner": data["default_owner"],
            "created_by": request.user,
            "language": get_language(),
            "file_name": data["file"].name[:255],
            **formats,
        }
        try:
            text, encoding = decode(data["file"].read(), data["file"].name)
            header = header_of(text, TYPES[data["kind"]].columns)
            ours = TYPES[data["kind"]].columns.known
            mapping = ColumnMapping.remembered(data["kind"], header, ours)
            table_of(data["kind"], text, encoding=encoding, mapping=mapping, **formats)
        except MissingColumns:
            # The file names its columns its own way: the uploader matches them to ours.
            job = ImportJob.objects.create(
                **job_fields,
                state=ImportState.MATCHING,
                content=text,
                encoding=encoding,
                mapping=mapping,
            )
            return redirect("accounts:import_columns", pk=job.pk)
        except FormatUnclear as error:
            form.add_error(error.setting, str(error))
        except BadHeader as error:
            form.add_error("file", str(error))
        else:
            try:
                job = job_queue(**job_fields, content=text, encoding=encoding, mapping=mapping)
            except QueueUnavailable:
                form.add_error(None, QueueUnavailable.message)
            else:
                return redirect("accounts:import_job", pk=job.pk)
    can_import_users = request.user.has_perm("accounts.import_users")
    return render(
        request,
        "accounts/import.html",
        {
            "form": form,
            "kinds": [
                (kind, label, TYPES[kind].columns)
                for kind, label in ImportKind.choices
                if can_import_users or not TYPES[kind].admins_only
            ],
            "recent": _jobs_of(request.user).defer("content", "report")[:5],
        },
    )


@permission_required("accounts.import_data", raise_exception=True)
def import_columns(request: HttpRequest, pk: int) -> HttpResponse:
    """Match the file's columns to ours; remembered for the next file with those columns,
    whoever uploads it."""
    job = get_object_or_404(_jobs_of(request.user).filter(state=ImportState.MATCHING), pk=pk)
    columns = TYPES[job.kind].columns
    header = header_of(job.content, columns)
    form = ColumnsForm(
        request.POST or None,
        columns=columns,
        header=header,
        mapping=job.mapping,
        initial={"decimal": job.decimal, "date_format": job.date_format},
    )
    if request.method == "POST" and form.is_valid():
        formats = {k: form.cleaned_data[k] for k in ("decimal", "date_format")}
        try:
            table_of(job.kind, job.content, encoding=job.encoding, mapping=form.mapping, **formats)
        except FormatUnclear as error:
            form.add_error(error.setting, str(error))
        except BadHeader as error:
            form.add_error(None, str(error))
        else:
            ColumnMapping.remember(job.kind, form.mapping, columns.known)
            try:
                job_matched(job, mapping=form.mapping, **formats)
            except QueueUnavailable:
                form.add_error(None, QueueUnavailable.message)
            else:
                return redirect("accounts:import_job", pk=job.pk)
    return render(
        request,
        "accounts/import_columns.html",
        {"job": job, "form": form, "required": columns.required},
    )


@permission_required("accounts.import_data", raise_exception=True)
def import_job(request: HttpRequest, pk: int) -> HttpResponse:
    """One upload: its progress while it runs (the page reloads itself), then its report."""
    jobs = _jobs_of(request.user).defer("content")
    job = get_object_or_404(jobs, pk=pk)
    if not job.finished and sweep_abandoned([job.pk]):
        job = jobs.get(pk=pk)  # its worker died: queued again, or failed with the reason
    can_add_product_lines = (
        request.user.has_perm("accounts.add_productline")
        and job.state == ImportState.DONE
        and bool((job.report or {}).get("unknown", {}).get("product_line"))
        and jobs.filter(pk=pk).exclude(content="").exists()
    )
    can_import_now = (
        job.dry_run
        and job.state == ImportState.DONE
        and job.report["ok"]
        and _jobs_of(request.user).filter(pk=pk).exclude(content="").exists()
    )
    return render(
        request,
        "accounts/import_job.html",
        {
            "job": job,
            "report": job.report,
            "progress": job_progress(job),
            "can_import_now": can_import_now,
            "can_add_product_lines": can_add_product_lines,
        },
    )


@require_POST
@permission_required("accounts.import_data", raise_exception=True)
def import_now(request: HttpRequest, pk: int) -> HttpResponse:
    """Imports the file a clean dry run checked, without uploading it again."""
    dry_run = get_object_or_404(
        _jobs_of(request.user).filter(dry_run=True, state=ImportState.DONE).exclude(content=""),
        pk=pk,
    )
    if not dry_run.report.get("ok"):
        raise Http404
    try:
        job = job_again(dry_run, dry_run=False)
    except QueueUnavailable:
        messages.error(request, QueueUnavailable.message)
        return redirect("accounts:import_job", pk=pk)
    return redirect("accounts:import_job", pk=job.pk)


@require_POST
@permission_required("accounts.import_data", raise_exception=True)
def import_add_product_lines(request: HttpRequest, pk: int) -> HttpResponse:
    """An admin adds the product lines a file named that were not set up, and the same
    file is checked again."""
    if not request.user.has_perm("accounts.add_productline"):
        raise Http404
    job = get_object_or_404(
        ImportJob.objects.filter(state=ImportState.DONE).exclude(content=""), pk=pk
    )
    names = (job.report or {}).get("unknown", {}).get("product_line", [])
    if not names:
        raise Http404
    for name in names:
        ProductLine.objects.get_or_create(name=name[:100])
    try:
        again = job_again(job, dry_run=job.dry_run)
    except QueueUnavailable:
        messages.error(request, QueueUnavailable.message)
        return redirect("accounts:import_job", pk=pk)
    messages.success(
        request,
        _("Added the product lines %(names)s; the file is checked again.")
        % {"names": ", ".join(names)},
    )
    return redirect("accounts:import_job", pk=again.pk)


@permission_required("accounts.import_data", raise_exception=True)
def import_history(request: HttpRequest) -> HttpResponse:
    """Past imports: who, when, what, and how each ended."""
    jobs = _jobs_of(request.user).defer("content").select_related("created_by")
    page = Paginator(jobs, 25).get_page(request.GET.get("page"))
    return render(request, "accounts/import_history.html", {"page_obj": page})


@permission_required("accounts.import_data", raise_exception=True)
def import_template(request: HttpRequest, kind: str) -> HttpResponse:
    """A file to fill in: every column the import takes, and one example row."""
    kind_of = TYPES.get(kind)
    if kind_of is None or (
        kind_of.admins_only and not request.user.has_perm("accounts.import_users")
    ):
        raise Http404
    response = HttpResponse(content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="kamcrm-{kind}-template.csv"'
    writer = csv_export.writer(response)
    writer.writerow(kind_of.columns.known)
    writer.writerow([kind_of.example.get(column, "") for column in kind_of.columns.known])
    return response
