"""The JSON shapes of the records the API reads, and of the few writes it takes. Read
only unless said: a write goes through its app's service, never a serializer's save."""

from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers

from accounts.models import (
    Account,
    Activity,
    BuyingCentre,
    BuyingCentreMember,
    Commitment,
    Opportunity,
    OpportunityStage,
    RevenueLine,
    Stakeholder,
    TierSnapshot,
)
from health.models import HealthBand
from plans.models import AccountPlan, PlanSection


class AccountGroupSerializer(serializers.ModelSerializer):
    parent_name = serializers.CharField(source="parent.name", read_only=True, allow_null=True)

    class Meta:
        model = Account
        fields = ["parent", "parent_name"]


class DossierSerializer(serializers.ModelSerializer):
    # Text, not a URI: empty when unknown.
    website = serializers.CharField(read_only=True)

    class Meta:
        model = Account
        fields = [
            "industry", "country", "website", "employees", "account_type", "is_strategic",
            "description", "history", "organisation", "market", "potential",
            "lifetime_value", "product_fit", "strategic_value",
        ]  # fmt: skip


class TierSerializer(serializers.ModelSerializer):
    revenue_12m = serializers.DecimalField(
        source="tier_revenue_12m", max_digits=18, decimal_places=2, allow_null=True
    )
    revenue_previous_12m = serializers.DecimalField(
        source="tier_revenue_previous_12m", max_digits=18, decimal_places=2, allow_null=True
    )

    class Meta:
        model = Account
        fields = [
            "abc", "xyz", "nine_box_class", "status", "strategy", "tiered_on",
            "contribution_level", "potential_level", "revenue_12m", "revenue_previous_12m",
        ]  # fmt: skip


class HealthSerializer(serializers.Serializer):
    score = serializers.IntegerField(source="health", allow_null=True, min_value=0, max_value=100)
    band = serializers.SerializerMethodField()

    @extend_schema_field(serializers.ChoiceField(choices=HealthBand.choices, allow_null=True))
    def get_band(self, account: Account) -> str | None:
        return self.context["health_weights"].band(account.health)


class FiguresSerializer(serializers.ModelSerializer):
    """What the account list shows, in the base currency."""

    revenue_12m = serializers.DecimalField(
        source="list_revenue_12m", max_digits=18, decimal_places=2
    )
    revenue_fiscal_year = serializers.DecimalField(
        source="list_revenue_fy", max_digits=18, decimal_places=2
    )
    open_pipeline = serializers.DecimalField(
        source="list_open_pipeline", max_digits=18, decimal_places=2
    )
    last_contact = serializers.DateField(source="list_last_contact", allow_null=True)
    overdue_commitments = serializers.IntegerField(source="list_overdue_commitments")

    class Meta:
        model = Account
        fields = [
            "revenue_12m",
            "revenue_fiscal_year",
            "open_pipeline",
            "last_contact",
            "overdue_commitments",
        ]


class AccountSerializer(serializers.ModelSerializer):
    owner_username = serializers.CharField(source="owner.username", read_only=True)
    group = AccountGroupSerializer(source="*", read_only=True)
    dossier = DossierSerializer(source="*", read_only=True)
    tier = TierSerializer(source="*", read_only=True)
    health = HealthSerializer(source="*", read_only=True)
    figures = FiguresSerializer(source="*", read_only=True)

    class Meta:
        model = Account
        fields = [
            "id", "name", "external_id", "owner", "owner_username", "currency", "group",
            "dossier", "tier", "health", "figures", "version", "created_at", "updated_at",
        ]  # fmt: skip
        read_only_fields = fields


class StakeholderSerializer(serializers.ModelSerializer):
    # Text, not an address: empty when unknown.
    email = serializers.CharField(read_only=True)
    overall_closeness = serializers.FloatField(read_only=True, allow_null=True)

    class Meta:
        model = Stakeholder
        fields = [
            "id", "account", "external_id", "name", "title", "department", "level",
            "reports_to", "email", "phone", "buying_role", "attitude",
            "relationship_closeness", "solution_acceptance", "price_acceptance",
            "overall_closeness", "relationship_holder", "relationship_strength", "notes",
            "last_contact", "version",
        ]  # fmt: skip
        read_only_fields = fields


class BuyingCentreMemberSerializer(serializers.ModelSerializer):
    class Meta:
        model = BuyingCentreMember
        fields = ["stakeholder", "role"]
        read_only_fields = fields


class BuyingCentreSerializer(serializers.ModelSerializer):
    members = BuyingCentreMemberSerializer(source="memberships", many=True, read_only=True)

    class Meta:
        model = BuyingCentre
        fields = ["id", "account", "name", "opportunity", "description", "members"]
        read_only_fields = fields


class StageSerializer(serializers.ModelSerializer):
    class Meta:
        model = OpportunityStage
        fields = ["id", "name", "order", "default_probability", "outcome"]
        read_only_fields = fields


class OpportunitySerializer(serializers.ModelSerializer):
    stage_name = serializers.CharField(source="stage.name", read_only=True)
    outcome = serializers.CharField(source="stage.outcome", read_only=True)

    class Meta:
        model = Opportunity
        fields = [
            "id", "account", "external_id", "name", "stage", "stage_name", "outcome",
            "amount", "currency", "probability", "expected_close", "opportunity_type",
            "product_line", "competitors", "close_reason", "owner", "created_at",
            "updated_at", "version",
        ]  # fmt: skip
        read_only_fields = fields


class OpportunityMoveSerializer(serializers.Serializer):
    """A deal moved to another open stage, as on the pipeline board: `version` is the one
    the client read; if someone saved the deal since, the answer is 409 with the deal as
    stored."""

    stage = serializers.IntegerField(min_value=1, max_value=2**31 - 1)
    version = serializers.IntegerField(min_value=0, max_value=2**31 - 1)


class ActivitySerializer(serializers.ModelSerializer):
    class Meta:
        model = Activity
        fields = [
            "id", "account", "external_id", "kind", "date", "summary", "next_step",
            "stakeholders", "our_people", "created_by",
        ]  # fmt: skip
        read_only_fields = fields


class CommitmentSerializer(serializers.ModelSerializer):
    is_overdue = serializers.BooleanField(read_only=True)

    class Meta:
        model = Commitment
        fields = ["id", "account", "what", "due", "owner", "done_on", "is_overdue", "version"]
        read_only_fields = fields


class RevenueLineSerializer(serializers.ModelSerializer):
    class Meta:
        model = RevenueLine
        fields = ["id", "account", "date", "amount", "currency", "product_line", "external_ref"]
        read_only_fields = fields


class TierSnapshotSerializer(serializers.ModelSerializer):
    class Meta:
        model = TierSnapshot
        fields = [
            "id", "account", "as_of", "abc", "xyz", "nine_box_class", "status", "strategy",
            "contribution_level", "potential_level", "revenue_12m", "revenue_previous_12m",
            "revenue_last_6m", "potential", "share_before", "coefficient_of_variation",
        ]  # fmt: skip
        read_only_fields = fields


class PlanSectionSerializer(serializers.ModelSerializer):
    class Meta:
        model = PlanSection
        fields = ["kind", "text", "version"]
        read_only_fields = fields


class PlanSectionUpdateSerializer(serializers.Serializer):
    """A section's new text; `version` is the one the client read (409 if it moved)."""

    text = serializers.CharField(allow_blank=True, max_length=100_000, trim_whitespace=False)
    version = serializers.IntegerField(min_value=0, max_value=2**31 - 1)


class AccountPlanSerializer(serializers.ModelSerializer):
    sections = PlanSectionSerializer(many=True, read_only=True)
    tactics = serializers.ListField(child=serializers.CharField(), read_only=True)

    class Meta:
        model = AccountPlan
        fields = [
            "id", "account", "fiscal_year", "status", "strategy", "strategy_reason",
            "tactics", "opportunities_to_cultivate", "opportunities_to_capture",
            "contract_value_target", "payments_target", "approved_by", "approved_at",
            "created_at", "updated_at", "version", "sections",
        ]  # fmt: skip
        read_only_fields = fields
