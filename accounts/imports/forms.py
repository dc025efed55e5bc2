"""The import page's forms: the file and its formats, then which of its columns stands
for each of ours."""

from django import forms
from django.conf import settings
from django.template.defaultfilters import filesizeformat
from django.utils.translation import gettext_lazy as _

from kamcrm.forms import model_choices
from kamcrm.models import User
from kamcrm.selectors import kams_assignable_by

from ..models import ImportKind
from .formats import AUTO, DATE_CHOICES, DECIMAL_CHOICES
from .kinds import TYPES


class ImportForm(forms.Form):
    kind = forms.ChoiceField(
        label=_("What the file holds"), choices=ImportKind.choices, initial=ImportKind.ACCOUNTS
    )
    file = forms.FileField(
        label=_("CSV or Excel file with a header row"),
        help_text=_(
            "CSV in UTF-8 or Windows-1252 / Latin-1, columns separated by commas, semicolons "
            "or tabs (both detected); or an .xlsx workbook, whose first sheet is read."
        ),
    )
    decimal = forms.ChoiceField(label=_("Numbers"), choices=DECIMAL_CHOICES, initial=AUTO)
    date_format = forms.ChoiceField(label=_("Dates"), choices=DATE_CHOICES, initial=AUTO)
    default_owner = forms.ModelChoiceField(
        label=_("Owner of new accounts without owner_username"),
        queryset=User.objects.none(),
        required=False,
    )
    dry_run = forms.BooleanField(
        label=_("Dry run: check every row, import nothing"), required=False, initial=True
    )

    def __init__(self, *args, user, **kwargs):
        super().__init__(*args, **kwargs)
        model_choices(self, "default_owner").queryset = kams_assignable_by(user)
        if not user.has_perm("accounts.import_users"):
            self.fields["kind"].choices = [
                (kind, label) for kind, label in ImportKind.choices if not TYPES[kind].admins_only
            ]

    def clean_file(self):
        file = self.cleaned_data["file"]
        limit = settings.KAMCRM_IMPORT_MAX_BYTES
        if file.size > limit:
            raise forms.ValidationError(
                _(
                    "The file is %(size)s; uploads take at most %(limit)s. Split it, or ask "
                    "an admin to run the import command on the server."
                )
                % {"size": filesizeformat(file.size), "limit": filesizeformat(limit)}
            )
        return file


class ColumnsForm(forms.Form):
    """Which of the file's columns stands for each of ours; the number and date formats
    beside, since the matched columns are only read now."""

    def __init__(self, *args, columns, header: list[str], mapping: dict[str, str], **kwargs):
        super().__init__(*args, **kwargs)
        choices = [("", _("— not in the file —"))] + [(name, name) for name in header if name]
        matched = {column: source for source, column in mapping.items()}
        # A guess for the rest: the same name, whatever its case and spacing.
        by_name = {_plain(name): name for name in header if name}
        for column in columns.known:
            self.fields[column] = forms.ChoiceField(
                label=column,
                choices=choices,
                required=column in columns.required,
                initial=matched.get(column) or by_name.get(_plain(column), ""),
            )
        self.fields["decimal"] = forms.ChoiceField(label=_("Numbers"), choices=DECIMAL_CHOICES)
        self.fields["date_format"] = forms.ChoiceField(label=_("Dates"), choices=DATE_CHOICES)
        self.columns = columns.known

    def clean(self):
        cleaned = super().clean()
        used: dict[str, str] = {}
        for column in self.columns:
            source = cleaned.get(column)
            if not source:
                continue
            if source in used:
                self.add_error(
                    column,
                    _("“%(source)s” already stands for %(column)s.")
                    % {"source": source, "column": used[source]},
                )
            used[source] = column
        return cleaned

    @property
    def mapping(self) -> dict[str, str]:
        """source -> column, for the columns whose names differ."""
        return {
            self.cleaned_data[c]: c
            for c in self.columns
            if self.cleaned_data.get(c) and self.cleaned_data[c] != c
        }


def _plain(name: str) -> str:
    return "".join(name.casefold().replace("_", " ").split())
