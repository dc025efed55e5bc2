"""Revenue pushed by machines (an ERP's feed): thousands of lines per request, upserted
by (account, external_ref) through the CSV import's own reading and checks, so a line
refused here is refused there in the same words. All or none."""

from django.conf import settings
from django.utils.translation import gettext as _
from drf_spectacular.utils import OpenApiResponse, extend_schema, inline_serializer
from rest_framework import serializers, status
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from accounts.imports.revenue import REVENUE_COLUMNS, Records, import_revenue
from kamcrm.permissions import require

LineIn = inline_serializer(
    "RevenueLineIn",
    fields={
        "account_external_id": serializers.CharField(),
        "date": serializers.DateField(),
        "amount": serializers.DecimalField(max_digits=18, decimal_places=2),
        "currency": serializers.CharField(min_length=3, max_length=3),
        "external_ref": serializers.CharField(
            required=False,
            help_text="Your system's id of the line; without it the line's "
            "content is its identity.",
        ),
        "product_line": serializers.CharField(required=False),
    },
)
Upsert = inline_serializer(
    "RevenueUpsert",
    fields={
        "lines": serializers.ListField(child=LineIn),
        "dry_run": serializers.BooleanField(default=False),
    },
)
Problem = inline_serializer(
    "RevenueLineProblem",
    fields={
        "index": serializers.IntegerField(
            allow_null=True, help_text="The line's place in `lines`, from 0."
        ),
        "field": serializers.CharField(),
        "value": serializers.CharField(),
        "message": serializers.CharField(),
    },
)
Counts = inline_serializer(
    "RevenueUpsertResult",
    fields={
        "lines": serializers.IntegerField(),
        "created": serializers.IntegerField(),
        "updated": serializers.IntegerField(),
        "unchanged": serializers.IntegerField(),
        "dry_run": serializers.BooleanField(),
    },
)
Refused = inline_serializer(
    "RevenueUpsertRefused",
    fields={"lines": serializers.IntegerField(), "errors": serializers.ListField(child=Problem)},
)


class RevenueUpsertView(APIView):
    @extend_schema(
        operation_id="revenue_lines_bulk_upsert",
        request=Upsert,
        responses={
            200: Counts,
            400: OpenApiResponse(Refused, description="Nothing was written: every bad line."),
        },
        description="Create or update revenue lines by (account, external_ref), all or "
        "none. Sending the same lines again changes nothing (they count as unchanged). "
        "Directors and admins, for the accounts they may change.",
    )
    def post(self, request: Request) -> Response:
        require(request.user, "accounts.import_data")
        body = request.data
        lines = body.get("lines") if isinstance(body, dict) else None
        if not isinstance(lines, list):
            return _refused(0, [(None, "lines", _("give the lines as a list"))])
        limit = settings.KAMCRM_API_MAX_LINES
        if len(lines) > limit:
            message = _("at most %(limit)d lines per request") % {"limit": limit}
            return _refused(len(lines), [(None, "lines", message)])
        records, problems = _records(lines)
        dry_run = body.get("dry_run", False)
        if not isinstance(dry_run, bool):
            problems.append((None, "dry_run", _("true or false")))
        if problems:
            return _refused(len(lines), problems)
        report = import_revenue(Records(records), by=request.user, dry_run=dry_run)
        if not report.ok:
            errors = [
                {"index": line - 1 if line else None, "field": column, "value": value,
                 "message": message}
                for line, column, value, message in sorted(report.errors)
            ]  # fmt: skip
            return Response({"lines": len(lines), "errors": errors}, status.HTTP_400_BAD_REQUEST)
        return Response(
            {
                "lines": len(lines),
                "created": report.created,
                "updated": report.updated,
                "unchanged": report.unchanged,
                "dry_run": dry_run,
            }
        )


def _records(lines: list) -> tuple[list[dict[str, str]], list[tuple]]:
    """Each line as the text a file's cells would hold; numbers as written in JSON."""
    records, problems = [], []
    for index, line in enumerate(lines):
        if not isinstance(line, dict):
            problems.append((index, "", _("give each line as an object")))
            continue
        record = {}
        for key, value in line.items():
            if value is None:
                value = ""
            elif isinstance(value, int | float) and not isinstance(value, bool):
                value = str(value)
            elif not isinstance(value, str):
                problems.append((index, key, _("give a text or a number")))
                continue
            record[key] = value
        unknown = sorted(set(record) - set(REVENUE_COLUMNS.known))
        if unknown:
            problems.append((index, unknown[0], _("not a field of a revenue line")))
        records.append(record)
    return records, problems


def _refused(count: int, problems: list[tuple]) -> Response:
    errors = [
        {"index": index, "field": field, "value": "", "message": message}
        for index, field, message in problems[:1000]
    ]
    return Response({"lines": count, "errors": errors}, status.HTTP_400_BAD_REQUEST)
