import io

from django.contrib import messages
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils.translation import gettext as _
from rules.contrib.views import permission_required

from ..forms import ImportForm
from ..imports import (
    ACCOUNT_COLUMNS,
    REVENUE_COLUMNS,
    BadHeader,
    ImportReport,
    import_accounts,
    import_revenue,
    read_csv,
)


@permission_required("accounts.import_data", raise_exception=True)
def import_upload(request: HttpRequest) -> HttpResponse:
    """Directors and admins import a CSV; every bad row is reported and none is imported."""
    form = ImportForm(request.POST or None, request.FILES or None, user=request.user)
    report: ImportReport | None = None
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        text = io.TextIOWrapper(data["file"].file, encoding="utf-8-sig", newline="")
        is_accounts = data["kind"] == ImportForm.ACCOUNTS
        try:
            rows = read_csv(text, ACCOUNT_COLUMNS if is_accounts else REVENUE_COLUMNS)
            if is_accounts:
                report = import_accounts(
                    rows,
                    by=request.user,
                    default_owner=data["default_owner"],
                    dry_run=data["dry_run"],
                )
            else:
                report = import_revenue(rows, by=request.user, dry_run=data["dry_run"])
        except BadHeader as error:
            form.add_error("file", str(error))
        except UnicodeDecodeError:
            form.add_error("file", _("The file is not UTF-8 text. Save it as CSV UTF-8."))
        if report and report.ok and not report.dry_run:
            messages.success(
                request,
                _("%(rows)d rows imported: %(created)d new, %(updated)d updated.")
                % {"rows": report.rows, "created": report.created, "updated": report.updated},
            )
    return render(
        request,
        "accounts/import.html",
        {
            "form": form,
            "report": report,
            "account_columns": ACCOUNT_COLUMNS,
            "revenue_columns": REVENUE_COLUMNS,
        },
    )
