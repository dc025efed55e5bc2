"""The API's endpoints. Each list and record comes through its model's `visible_to(user)`
(what the user may not see is a 404, as on the pages); each write through its app's
service, which checks the permission (403) and refuses a stale edit (409)."""

from django.core.exceptions import ValidationError
from django.shortcuts import get_object_or_404
from django.utils.functional import SimpleLazyObject
from django.utils.translation import gettext as _
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import (
    OpenApiParameter,
    OpenApiResponse,
    extend_schema,
    extend_schema_view,
    inline_serializer,
)
from rest_framework import mixins, status, viewsets
from rest_framework import serializers as drf_serializers
from rest_framework.decorators import action
from rest_framework.request import Request
from rest_framework.response import Response

from accounts.models import (
    Account,
    Activity,
    BuyingCentre,
    Commitment,
    Opportunity,
    OpportunityStage,
    RevenueLine,
    StageOutcome,
    Stakeholder,
    TierSnapshot,
)
from accounts.services import opportunity_move
from health.models import HealthWeights
from kamcrm.permissions import require
from kamcrm.versioning import StaleEdit
from plans.models import AccountPlan, PlanSection, SectionKind
from plans.services import section_save

from . import filters, serializers

CONFLICT = OpenApiResponse(
    inline_serializer(
        "Conflict",
        fields={"detail": drf_serializers.CharField(), "current": drf_serializers.JSONField()},
    ),
    description="Someone saved it since `version`: `current` holds it as stored.",
)


def conflict(current) -> Response:
    return Response(
        {
            "detail": _("Someone else saved this after you read it: here it is as stored."),
            "current": current,
        },
        status=status.HTTP_409_CONFLICT,
    )


class VisibleRecords(viewsets.ReadOnlyModelViewSet):
    """A list and its records, as the user may see them."""

    lookup_value_converter = "int"
    ordering_fields = ["id"]
    ordering = ["id"]

    def visible(self):
        return self.queryset.model.objects.visible_to(self.request.user)

    def get_queryset(self):
        return self.visible()


class StageViewSet(viewsets.ReadOnlyModelViewSet):
    """The sales process's stages, the company's own: what a deal's `stage` names."""

    queryset = OpportunityStage.objects.all()
    serializer_class = serializers.StageSerializer
    lookup_value_converter = "int"
    ordering_fields = ["id", "order"]
    ordering = ["order"]


class AccountViewSet(VisibleRecords):
    """Accounts with their group, dossier, tier, health and the list's figures."""

    queryset = Account.objects.all()
    serializer_class = serializers.AccountSerializer
    filterset_class = filters.AccountFilterSet
    ordering_fields = ["id", "name", "list_revenue_12m", "list_open_pipeline"]

    def get_queryset(self):
        return self.visible().select_related("owner", "parent")

    def get_serializer_context(self):
        # Read on first use, once a request: generating the schema reads no database.
        weights = SimpleLazyObject(HealthWeights.current)
        return {**super().get_serializer_context(), "health_weights": weights}


class StakeholderViewSet(VisibleRecords):
    queryset = Stakeholder.objects.all()
    serializer_class = serializers.StakeholderSerializer
    filterset_class = filters.StakeholderFilterSet
    ordering_fields = ["id", "name"]


class BuyingCentreViewSet(VisibleRecords):
    queryset = BuyingCentre.objects.all()
    serializer_class = serializers.BuyingCentreSerializer
    filterset_class = filters.OnAccountFilterSet

    def get_queryset(self):
        return self.visible().prefetch_related("memberships")


@extend_schema_view(
    partial_update=extend_schema(
        request=serializers.OpportunityMoveSerializer,
        responses={200: serializers.OpportunitySerializer, 409: CONFLICT},
        description="Move the deal to another open stage, as the pipeline board does: its "
        "probability becomes the stage's. A deal is closed (won or lost) from its page, "
        "with its reason.",
    )
)
class OpportunityViewSet(mixins.UpdateModelMixin, VisibleRecords):
    queryset = Opportunity.objects.all()
    serializer_class = serializers.OpportunitySerializer
    filterset_class = filters.OpportunityFilterSet
    ordering_fields = ["id", "expected_close", "amount", "updated_at"]
    http_method_names = ["get", "patch", "head", "options"]

    def get_queryset(self):
        return self.visible().select_related("stage").prefetch_related("competitors")

    def partial_update(self, request: Request, *args, **kwargs) -> Response:
        deal = self.get_object()
        require(request.user, "accounts.change_account", deal.account)
        move = serializers.OpportunityMoveSerializer(data=request.data)
        move.is_valid(raise_exception=True)
        stage = OpportunityStage.objects.filter(pk=move.validated_data["stage"]).first()
        if stage is None or stage.outcome != StageOutcome.OPEN:
            return Response(
                {"stage": [_("Not an open stage: a deal is closed from its page.")]},
                status=status.HTTP_400_BAD_REQUEST,
            )
        try:
            opportunity_move(deal, stage, version=move.validated_data["version"], by=request.user)
        except StaleEdit as stale:
            return conflict(self.get_serializer(stale.current).data)
        return Response(self.get_serializer(self.get_object()).data)


class ActivityViewSet(VisibleRecords):
    queryset = Activity.objects.all()
    serializer_class = serializers.ActivitySerializer
    filterset_class = filters.ActivityFilterSet
    ordering_fields = ["id", "date"]

    def get_queryset(self):
        return self.visible().prefetch_related("stakeholders", "our_people")


class CommitmentViewSet(VisibleRecords):
    queryset = Commitment.objects.all()
    serializer_class = serializers.CommitmentSerializer
    filterset_class = filters.CommitmentFilterSet
    ordering_fields = ["id", "due"]


class RevenueLineViewSet(VisibleRecords):
    queryset = RevenueLine.objects.all()
    serializer_class = serializers.RevenueLineSerializer
    filterset_class = filters.RevenueLineFilterSet
    ordering_fields = ["id", "date"]


class TierSnapshotViewSet(VisibleRecords):
    """Each account's tier as every kept tiering run left it."""

    queryset = TierSnapshot.objects.all()
    serializer_class = serializers.TierSnapshotSerializer
    filterset_class = filters.TierSnapshotFilterSet
    ordering_fields = ["id", "as_of"]

    def visible(self):
        return TierSnapshot.objects.filter(
            account__in=Account.objects.visible_to(self.request.user)
        )


class AccountPlanViewSet(VisibleRecords):
    """Yearly account plans with their sections (the owner, account team, the team's
    director and admins see a plan)."""

    queryset = AccountPlan.objects.all()
    serializer_class = serializers.AccountPlanSerializer
    filterset_class = filters.AccountPlanFilterSet
    ordering_fields = ["id", "fiscal_year"]

    def get_queryset(self):
        return self.visible().prefetch_related("sections")

    @extend_schema(
        parameters=[
            OpenApiParameter(
                "kind", OpenApiTypes.STR, OpenApiParameter.PATH, enum=SectionKind.values
            )
        ],
        request=serializers.PlanSectionUpdateSerializer,
        responses={200: serializers.PlanSectionSerializer, 409: CONFLICT},
        description="A draft plan's section text; `version` is the one you read.",
    )
    @action(
        detail=True,
        methods=["patch"],
        url_path="sections/<str:kind>",
        url_name="section",
        filter_backends=[],
    )
    def section(self, request: Request, pk=None, kind: str = "") -> Response:
        plan = self.get_object()
        require(request.user, "plans.change_accountplan", plan)
        if kind not in SectionKind.values:
            return Response({"detail": _("No such section.")}, status=status.HTTP_404_NOT_FOUND)
        section = get_object_or_404(PlanSection, plan=plan, kind=kind)
        update = serializers.PlanSectionUpdateSerializer(data=request.data)
        update.is_valid(raise_exception=True)
        try:
            saved = section_save(section=section, by=request.user, **update.validated_data)
        except StaleEdit as stale:
            return conflict(serializers.PlanSectionSerializer(stale.current).data)
        except ValidationError as error:
            return Response({"detail": error.messages}, status=status.HTTP_400_BAD_REQUEST)
        return Response(serializers.PlanSectionSerializer(saved).data)
