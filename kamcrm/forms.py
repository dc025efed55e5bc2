from collections.abc import Iterable
from typing import cast

from django import forms
from django.db.models import Q, QuerySet
from django.forms.utils import flatatt
from django.utils.functional import cached_property
from django.utils.html import format_html
from django.utils.safestring import mark_safe
from django.utils.translation import gettext_lazy as _
from django_filters.widgets import BaseCSVWidget

from .html import escaped
from .models import Role, Team, User


def model_choices(form: forms.BaseForm, name: str) -> forms.ModelChoiceField:
    """The form's model choice field `name`, to set what it offers (`.queryset`): a form's
    fields are typed as plain Fields, and a field that offers no models is a mistake."""
    field = form.fields[name]
    if not isinstance(field, forms.ModelChoiceField):
        raise TypeError(f"{name} offers no model choices")
    return field


class UserForm(forms.ModelForm):
    """Create or edit a user's identity, role and team (admins only)."""

    class Meta:
        model = User
        fields = ["username", "first_name", "last_name", "email", "role", "team", "language"]

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        # Every user must be reachable for a password link.
        self.fields["email"].required = True

    def clean_email(self) -> str:
        email = self.cleaned_data["email"].strip()
        others = User.objects.filter(email__iexact=email).exclude(pk=self.instance.pk)
        if others.exists():
            raise forms.ValidationError(_("Another user already has this email address."))
        return email

    def clean(self):
        cleaned = super().clean()
        role, team = cleaned.get("role"), cleaned.get("team")
        if role == Role.KAM and team is None:
            self.add_error("team", _("A key account manager must belong to a team."))
        elif role and role != Role.KAM and team is not None:
            self.add_error(
                "team",
                _("Only key account managers belong to a team; directors lead teams instead."),
            )
        return cleaned


class UserFilterForm(forms.Form):
    q = forms.CharField(label=_("Search"), required=False)
    role = forms.ChoiceField(label=_("Role"), required=False, choices=[("", _("Any role"))])
    team = forms.ModelChoiceField(
        label=_("Team"), required=False, queryset=Team.objects.all(), empty_label=_("Any team")
    )
    status = forms.ChoiceField(
        label=_("Status"),
        required=False,
        choices=[("active", _("Active")), ("inactive", _("Deactivated")), ("all", _("All"))],
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["role"].choices = [("", _("Any role")), *Role.choices]

    def filter(self, users: QuerySet[User]) -> QuerySet[User]:
        if not self.is_valid():
            return users.filter(is_active=True)
        data = self.cleaned_data
        if q := data["q"].strip():
            users = users.filter(
                Q(username__icontains=q)
                | Q(first_name__icontains=q)
                | Q(last_name__icontains=q)
                | Q(email__icontains=q)
            )
        if data["role"]:
            users = users.filter(role=data["role"])
        if data["team"]:
            users = users.filter(Q(team=data["team"]) | Q(led_teams=data["team"]))
        status = data["status"] or "active"
        if status != "all":
            users = users.filter(is_active=status == "active")
        return users.distinct()


class TeamForm(forms.ModelForm):
    class Meta:
        model = Team
        fields = ["name", "director"]

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        model_choices(self, "director").queryset = User.objects.filter(
            role=Role.DIRECTOR, is_active=True
        )


class PlainSelect(forms.Select):
    """A select drawn in Python, not through a template per option: a list's filter bar
    draws a dozen selects (one with every KAM) on every page, and Django's widget
    templates made that a third of the page's time. Same markup, single choice only."""

    def render(self, name, value, attrs=None, renderer=None):
        # Not get_context(): it builds every option's dict for the templates this skips.
        # Nor format_html() per option: escaping each part through it took 3 ms of the
        # account list for its 150 options; html.escape is what it calls for plain text.
        chosen = set(self.format_value(value))
        options = "".join(
            f'<option value="{escaped(option_value)}"'
            f"{' selected' if str(option_value) in chosen else ''}>{escaped(label)}</option>"
            for option_value, label in self.choices
        )
        return format_html(
            "<select{}>{}</select>",
            flatatt({**self.build_attrs(self.attrs, attrs), "name": name}),
            mark_safe(options),
        )


class PlainCSVSelect(BaseCSVWidget, PlainSelect):
    """django-filter's sort select (its value read as a list), drawn as a PlainSelect."""


def plain_selects(fields) -> None:
    """Every plain select among the fields drawn as a PlainSelect, and django-filter's
    sort select as a PlainCSVSelect, with their choices (call once the choices are
    final)."""
    for field in fields.values():
        widget = field.widget
        if type(widget) is forms.Select:
            field.widget = PlainSelect(attrs=widget.attrs, choices=field.choices)
        elif isinstance(widget, BaseCSVWidget) and type(widget).__bases__ == (
            BaseCSVWidget,
            forms.Select,
        ):
            field.widget = PlainCSVSelect(attrs=widget.attrs, choices=field.choices)


def style_widgets(fields, *, small: bool = False) -> None:
    """Bootstrap classes for forms rendered field by field rather than through crispy."""
    suffix = " form-select-sm" if small else ""
    for field in fields.values():
        widget = field.widget
        if isinstance(widget, forms.CheckboxInput):
            widget.attrs["class"] = "form-check-input"
        elif isinstance(widget, forms.Select):
            widget.attrs["class"] = "form-select" + suffix
        else:
            widget.attrs["class"] = "form-control" + suffix.replace("select", "control")


class SharedChoicesFormSet(forms.BaseInlineFormSet):
    """Rows that offer the same choices in the fields named by `shared_choices`: read once
    for the formset, where each row's select would read them again. The fields' querysets
    still validate what comes back; a row's own object stays out of its choices (no one
    reports to themselves), as its queryset already leaves it out."""

    shared_choices: tuple[str, ...] = ()

    @cached_property
    def _shared(self) -> dict[str, list]:
        blank = super().empty_form  # a new row: its querysets leave nothing out
        # A model choice field's choices iterate its queryset's rows.
        return {
            name: list(cast(Iterable, model_choices(blank, name).choices))
            for name in self.shared_choices
        }

    def _share(self, form):
        for name in self.shared_choices:
            field = form.fields[name]
            own = form.instance.pk if field.queryset.model is type(form.instance) else None
            field.choices = [c for c in self._shared[name] if own is None or c[0] != own]
        return form

    def _construct_form(self, i, **kwargs):
        return self._share(super()._construct_form(i, **kwargs))

    @property
    def empty_form(self):
        return self._share(super().empty_form)


def sharing_choices(*names: str) -> type[SharedChoicesFormSet]:
    """A SharedChoicesFormSet for these fields, to pass as an inline formset's `formset`."""
    return type("SharedChoicesFormSet", (SharedChoicesFormSet,), {"shared_choices": names})


# What a leaving user's work is handed over by, and who may take it.
HANDED_OVER = {
    "accounts": _("Their accounts, with the plans on them, go to"),
    "deals": _("Their open deals go to"),
    "commitments": _("Their open commitments go to"),
    "actions": _("Their open plan actions go to"),
}


class HandOverForm(forms.Form):
    """Who takes over what a user being deactivated still holds: a KAM for each kind they
    own (by default one of their own team), and a director for each team they lead, who
    approves its plans from then on."""

    def __init__(self, *args, leaving: User, held: dict[str, int], teams: list[Team], **kwargs):
        super().__init__(*args, **kwargs)
        kams = User.objects.filter(role=Role.KAM, is_active=True).exclude(pk=leaving.pk)
        kams = kams.select_related("team").order_by("username")
        near = (
            kams.filter(team=leaving.team_id)
            if leaving.team_id
            else kams.filter(team__director=leaving)
        )
        default = near.first()
        for kind, label in HANDED_OVER.items():
            if held.get(kind):
                self.fields[kind] = forms.ModelChoiceField(
                    label=label, queryset=kams, initial=default
                )
        directors = User.objects.filter(role=Role.DIRECTOR, is_active=True).exclude(pk=leaving.pk)
        directors = directors.order_by("username")
        for team in teams:
            self.fields[f"team_{team.pk}"] = forms.ModelChoiceField(
                label=_("New director of %(team)s") % {"team": team},
                queryset=directors,
                initial=directors.first(),
                # With no other director yet the team keeps its name on it, as before.
                required=directors.exists(),
            )
        self.teams = teams

    def takers(self) -> dict[str, User]:
        return {kind: self.cleaned_data[kind] for kind in HANDED_OVER if kind in self.fields}

    def directors(self) -> dict[Team, User]:
        return {
            team: director
            for team in self.teams
            if (director := self.cleaned_data.get(f"team_{team.pk}"))
        }
