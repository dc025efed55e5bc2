from django import forms
from django.db import models
from django.utils.translation import gettext_lazy as _

from kamcrm.forms import style_widgets
from kamcrm.models import Role, User

from .models import Account, Currency, InfluenceLink, Stakeholder


def assignable_owners(user):
    """The KAMs a user may hand an account to."""
    kams = User.objects.filter(role=Role.KAM, is_active=True).select_related("team")
    if user.is_admin:
        return kams
    if user.is_director:
        return kams.filter(team__director=user)
    return kams.filter(pk=user.pk)


def https_urls(field, **kwargs):
    """Django 6's default, today: a URL typed without a scheme means https."""
    if isinstance(field, models.URLField):
        kwargs["assume_scheme"] = "https"
    return field.formfield(**kwargs)


class AccountForm(forms.ModelForm):
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
        self.user = user
        self.fields["owner"].queryset = assignable_owners(user)
        if not (user.is_admin or user.is_director):
            # A KAM owns what they create and cannot hand it on; a director reassigns.
            self.fields["owner"].initial = user.pk
            self.fields["owner"].disabled = True
        parents = Account.objects.visible_to(user).only("pk", "name")
        if self.instance.pk:
            parents = parents.exclude(pk=self.instance.pk)
        self.fields["parent"].queryset = parents
        self.fields["currency"].queryset = Currency.objects.all()

    def clean_external_id(self) -> str:
        value = self.cleaned_data["external_id"].strip()
        clash = Account.objects.filter(external_id=value).exclude(pk=self.instance.pk)
        if value and clash.exists():
            raise forms.ValidationError(_("Another account already has this external id."))
        return value


class StakeholderForm(forms.ModelForm):
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
        self.fields["reports_to"].queryset = colleagues
        if "relationship_holder" in self.fields:
            self.fields["relationship_holder"].queryset = User.objects.filter(is_active=True)


class StakeholderRowForm(StakeholderForm):
    """The same rules in the compact many-rows editor."""

    class Meta(StakeholderForm.Meta):
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
        ]

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        style_widgets(self.fields, small=True)


StakeholderFormSet = forms.inlineformset_factory(
    Account, Stakeholder, form=StakeholderRowForm, extra=3, can_delete=True
)


class InfluenceLinkForm(forms.ModelForm):
    class Meta:
        model = InfluenceLink
        fields = ["source", "target", "strength", "note"]

    def __init__(self, *args, account: Account, **kwargs):
        super().__init__(*args, **kwargs)
        people = Stakeholder.objects.filter(account=account)
        self.fields["source"].queryset = people
        self.fields["target"].queryset = people

    def clean(self):
        cleaned = super().clean()
        if cleaned.get("source") and cleaned.get("source") == cleaned.get("target"):
            raise forms.ValidationError(_("Choose two different people."))
        return cleaned
