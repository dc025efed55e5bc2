from django import forms
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from kamcrm.forms import model_choices, sharing_choices, style_widgets
from kamcrm.models import User
from kamcrm.selectors import kams_assignable_by
from kamcrm.versioning import VersionedForm

from .models import (
    Account,
    AccountCompetitor,
    AccountTeamMember,
    Activity,
    BuyingCentre,
    BuyingCentreMember,
    Commitment,
    Competitor,
    InfluenceLink,
    Opportunity,
    ProductLine,
    StageOutcome,
    Stakeholder,
    WinBackAction,
)


def https_urls(field, **kwargs):
    """Django 6's default, today: a URL typed without a scheme means https."""
    if isinstance(field, models.URLField):
        kwargs["assume_scheme"] = "https"
    return field.formfield(**kwargs)


class AccountForm(VersionedForm):
    class Meta:
        model = Account
        formfield_callback = https_urls
        fields = [
            "name",
            "parent",
            "owner",
            "external_id",
            "account_type",
            "is_strategic",
            "industry",
            "country",
            "website",
            "employees",
            "currency",
            "potential",
            "lifetime_value",
            "product_fit",
            "strategic_value",
            "description",
            "history",
            "organisation",
            "market",
        ]
        widgets = {
            name: forms.Textarea(attrs={"rows": 4})
            for name in ("description", "history", "organisation", "market")
        }

    def __init__(self, *args, user, **kwargs):
        super().__init__(*args, **kwargs)
        model_choices(self, "owner").queryset = kams_assignable_by(user)
        if not user.has_perm("accounts.reassign_account"):
            # A KAM owns what they create and cannot hand it on; a director reassigns.
            self.fields["owner"].initial = user.pk
            self.fields["owner"].disabled = True
        parents = Account.objects.visible_to(user).only("pk", "name")
        if self.instance.pk:
            parents = parents.exclude(pk=self.instance.pk)
        model_choices(self, "parent").queryset = parents

    def clean_external_id(self) -> str:
        value = self.cleaned_data["external_id"].strip()
        clash = Account.objects.filter(external_id=value).exclude(pk=self.instance.pk)
        if value and clash.exists():
            raise forms.ValidationError(_("Another account already has this external id."))
        return value


class StakeholderForm(VersionedForm):
    """One person at the account; `account` fixes whom they can report to."""

    class Meta:
        model = Stakeholder
        fields = [
            "name",
            "title",
            "department",
            "level",
            "reports_to",
            "buying_role",
            "attitude",
            "relationship_closeness",
            "solution_acceptance",
            "price_acceptance",
            "relationship_holder",
            "relationship_strength",
            "email",
            "phone",
            "last_contact",
            "notes",
        ]
        widgets = {
            "notes": forms.Textarea(attrs={"rows": 3}),
            "last_contact": forms.DateInput(attrs={"type": "date"}),
        }

    def __init__(self, *args, account: Account, **kwargs):
        super().__init__(*args, **kwargs)
        self.instance.account = account
        colleagues = Stakeholder.objects.filter(account=account)
        if self.instance.pk:
            colleagues = colleagues.exclude(pk=self.instance.pk)
        model_choices(self, "reports_to").queryset = colleagues
        if "relationship_holder" in self.fields:
            model_choices(self, "relationship_holder").queryset = User.objects.filter(
                is_active=True
            )


class StakeholderRowForm(StakeholderForm):
    """The same rules in the compact many-rows editor."""

    class Meta(StakeholderForm.Meta):
        # Up to the three scores: what fits in a table row.
        fields = StakeholderForm.Meta.fields[
            : StakeholderForm.Meta.fields.index("price_acceptance") + 1
        ]

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        style_widgets(self.fields, small=True)


StakeholderFormSet = forms.inlineformset_factory(
    Account,
    Stakeholder,
    form=StakeholderRowForm,
    formset=sharing_choices("reports_to"),
    extra=3,
    can_delete=True,
)


class InfluenceLinkForm(forms.ModelForm):
    class Meta:
        model = InfluenceLink
        fields = ["source", "target", "strength", "note"]

    def __init__(self, *args, account: Account, **kwargs):
        super().__init__(*args, **kwargs)
        people = Stakeholder.objects.filter(account=account)
        model_choices(self, "source").queryset = people
        model_choices(self, "target").queryset = people

    def clean(self):
        cleaned = super().clean()
        if cleaned.get("source") and cleaned.get("source") == cleaned.get("target"):
            raise forms.ValidationError(_("Choose two different people."))
        return cleaned


def account_people(account: Account):
    """Our people who may hold a task at the account: its owner, its team, its director."""
    return User.objects.filter(
        Q(pk=account.owner_id)
        | Q(account_roles__account=account)
        | Q(led_teams__members=account.owner_id),
        is_active=True,
    ).distinct()


class OpportunityForm(VersionedForm):
    class Meta:
        model = Opportunity
        fields = [
            "name",
            "opportunity_type",
            "stage",
            "amount",
            "currency",
            "probability",
            "expected_close",
            "product_line",
            "competitors",
            "owner",
            "close_reason",
        ]
        widgets = {
            "expected_close": forms.DateInput(attrs={"type": "date"}),
            "close_reason": forms.Textarea(attrs={"rows": 3}),
            "competitors": forms.CheckboxSelectMultiple,
        }

    def __init__(self, *args, account: Account, **kwargs):
        super().__init__(*args, **kwargs)
        self.instance.account = account
        model_choices(self, "owner").queryset = account_people(account)
        model_choices(self, "product_line").queryset = ProductLine.objects.filter(is_active=True)
        self.fields["probability"].required = False
        self.fields["probability"].help_text = _("Leave empty to use the stage's default.")
        if not self.instance.pk:
            self.initial.setdefault("currency", account.currency_id)
            self.initial.setdefault("owner", account.owner_id)

    def clean(self):
        cleaned = super().clean()
        stage = cleaned.get("stage")
        if stage is None:
            return cleaned
        if cleaned.get("probability") is None:
            cleaned["probability"] = stage.default_probability
            self.instance.probability = stage.default_probability
        if stage.outcome == StageOutcome.LOST and not cleaned.get("close_reason"):
            self.add_error("close_reason", _("Say why the deal was lost: it teaches the team."))
        if stage.outcome == StageOutcome.WON and cleaned.get("probability") != 100:
            self.add_error("probability", _("A won deal has a probability of 100%."))
        return cleaned


class ActivityForm(forms.ModelForm):
    class Meta:
        model = Activity
        fields = ["kind", "date", "stakeholders", "our_people", "summary", "next_step"]
        widgets = {
            "date": forms.DateInput(attrs={"type": "date"}),
            "summary": forms.Textarea(attrs={"rows": 4}),
            "stakeholders": forms.CheckboxSelectMultiple,
        }

    def __init__(self, *args, account: Account, user, **kwargs):
        super().__init__(*args, **kwargs)
        self.instance.account = account
        if not self.instance.pk:
            self.instance.created_by = user
            self.initial.setdefault("date", timezone.localdate())
            self.initial.setdefault("our_people", [user.pk])
        model_choices(self, "stakeholders").queryset = Stakeholder.objects.filter(account=account)
        model_choices(self, "our_people").queryset = User.objects.filter(is_active=True)


class QuickActivityForm(forms.ModelForm):
    """An activity logged from anywhere (the navbar's dialog): the account chosen among
    those the user may change; the people met are added on the account's page."""

    class Meta:
        model = Activity
        fields = ["account", "kind", "date", "summary", "next_step"]
        widgets = {
            "date": forms.DateInput(attrs={"type": "date"}),
            "summary": forms.Textarea(attrs={"rows": 3}),
        }

    def __init__(self, *args, user, **kwargs):
        super().__init__(*args, **kwargs)
        self.user = user
        self.instance.created_by = user
        self.initial.setdefault("date", timezone.localdate())
        model_choices(self, "account").queryset = Account.objects.editable_by(user).order_by("name")

    def save(self, commit: bool = True):
        activity = super().save(commit)
        if commit:
            activity.our_people.add(self.user)
        return activity


class CommitmentForm(VersionedForm):
    class Meta:
        model = Commitment
        fields = ["what", "due", "owner", "done_on"]
        widgets = {
            "due": forms.DateInput(attrs={"type": "date"}),
            "done_on": forms.DateInput(attrs={"type": "date"}),
        }

    def __init__(self, *args, account: Account, **kwargs):
        super().__init__(*args, **kwargs)
        self.instance.account = account
        model_choices(self, "owner").queryset = account_people(account)
        if not self.instance.pk:
            self.initial.setdefault("owner", account.owner_id)


class AccountCompetitorForm(forms.ModelForm):
    new_competitor = forms.CharField(
        label=_("…or a competitor not in the list yet"), max_length=100, required=False
    )

    class Meta:
        model = AccountCompetitor
        fields = ["competitor", "new_competitor", "position", "notes"]
        widgets = {"notes": forms.Textarea(attrs={"rows": 3})}

    def __init__(self, *args, account: Account, **kwargs):
        super().__init__(*args, **kwargs)
        self.instance.account = account
        self.fields["competitor"].required = False

    def clean(self):
        cleaned = super().clean()
        name = (cleaned.get("new_competitor") or "").strip()
        if name:
            cleaned["competitor"] = Competitor.objects.get_or_create(name=name)[0]
            self.instance.competitor = cleaned["competitor"]
        if not cleaned.get("competitor"):
            self.add_error("competitor", _("Choose a competitor or type a new one."))
        elif (
            AccountCompetitor.objects.filter(
                account=self.instance.account, competitor=cleaned["competitor"]
            )
            .exclude(pk=self.instance.pk)
            .exists()
        ):
            self.add_error("competitor", _("This competitor is already recorded here."))
        return cleaned


class AccountTeamMemberForm(forms.ModelForm):
    class Meta:
        model = AccountTeamMember
        fields = ["user", "role"]

    def __init__(self, *args, account: Account, **kwargs):
        super().__init__(*args, **kwargs)
        self.instance.account = account
        model_choices(self, "user").queryset = User.objects.filter(is_active=True).exclude(
            pk=account.owner_id
        )

    def validate_unique(self):
        # The account is set on the instance, not a form field, so check the pair here.
        super().validate_unique()
        user = self.cleaned_data.get("user")
        if user and self.instance.account.team_members.filter(user=user).exists():
            self.add_error("user", _("Already on the account team."))


class BuyingCentreForm(forms.ModelForm):
    class Meta:
        model = BuyingCentre
        fields = ["name", "opportunity", "description"]
        widgets = {"description": forms.Textarea(attrs={"rows": 2})}

    def __init__(self, *args, account: Account, **kwargs):
        super().__init__(*args, **kwargs)
        self.instance.account = account
        model_choices(self, "opportunity").queryset = Opportunity.objects.filter(account=account)


class BuyingCentreMemberForm(forms.ModelForm):
    class Meta:
        model = BuyingCentreMember
        fields = ["stakeholder", "role"]

    def __init__(self, *args, account: Account, **kwargs):
        super().__init__(*args, **kwargs)
        model_choices(self, "stakeholder").queryset = Stakeholder.objects.filter(account=account)
        style_widgets(self.fields, small=True)


BuyingCentreMemberFormSet = forms.inlineformset_factory(
    BuyingCentre,
    BuyingCentreMember,
    form=BuyingCentreMemberForm,
    formset=sharing_choices("stakeholder"),
    extra=4,
    can_delete=True,
)


class WinBackForm(forms.ModelForm):
    class Meta:
        model = WinBackAction
        fields = ["offer", "note", "outcome"]

    def __init__(self, *args, account: Account, user, **kwargs):
        super().__init__(*args, **kwargs)
        self.instance.account = account
        if not self.instance.pk:
            self.instance.created_by = user
