from django import forms
from django.db import models
from django.utils.translation import gettext_lazy as _

from kamcrm.models import Role, User

from .models import Account, Currency


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
