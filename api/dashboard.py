"""The dashboard's figures, as the user's dashboard page computes and stores them."""

from django import forms
from django.utils import timezone
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, extend_schema, inline_serializer
from rest_framework import serializers
from rest_framework.exceptions import ValidationError
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from dashboards.scope import scope_for
from dashboards.widgets import Dashboard, flat_rows
from kamcrm.query import id_field


class DashboardQuery(forms.Form):
    year = forms.IntegerField(required=False, min_value=2000, max_value=2999)
    team = id_field()
    kam = id_field()


# What the answer holds: the year, the KAMs counted, and each widget's rows (the columns
# of its CSV export, which differ by widget).
DASHBOARD = inline_serializer(
    "Dashboard",
    {
        "fiscal_year": serializers.IntegerField(),
        "kams": serializers.ListField(child=serializers.IntegerField()),
        **{
            name: serializers.ListField(child=serializers.DictField()) for name in Dashboard.WIDGETS
        },
    },
)


class DashboardView(APIView):
    @extend_schema(
        parameters=[
            OpenApiParameter("year", OpenApiTypes.INT, description="Fiscal year."),
            OpenApiParameter("team", OpenApiTypes.INT, description="One of your teams."),
            OpenApiParameter("kam", OpenApiTypes.INT, description="One of your KAMs."),
        ],
        responses={200: DASHBOARD},
        description="Every widget of your dashboard (a KAM's own portfolio; a director's "
        "teams, narrowed by `team` or `kam`), each as a list of rows, as its CSV export "
        "has them.",
    )
    def get(self, request: Request) -> Response:
        query = DashboardQuery(request.query_params)
        if not query.is_valid():
            raise ValidationError(query.errors)
        scope = scope_for(
            request.user,
            team_id=query.cleaned_data["team"],
            kam_id=query.cleaned_data["kam"],
            fiscal_year=query.cleaned_data["year"],
        )
        board = Dashboard.stored(scope, timezone.localdate())
        return Response(
            {
                "fiscal_year": scope.fiscal_year,
                "kams": [kam.pk for kam in scope.owners],
                **{name: flat_rows(name, board[name]) for name in Dashboard.WIDGETS},
            }
        )
