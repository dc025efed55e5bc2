"""Stale edits are refused, not silently overwritten. A versioned model counts its saves;
its form carries the count it was opened at, and a save made on top of someone else's is
sent back with their values beside the fields where they differ from the user's, the
user's own entries kept. Saving again then overwrites knowingly."""

from django import forms
from django.db import models, transaction
from django.forms.models import model_to_dict
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy


class Versioned(models.Model):
    # db_default too: rows inserted in SQL (benchmarks, data fixes) start at 1 as well.
    version = models.PositiveIntegerField(default=1, db_default=1, editable=False)

    class Meta:
        abstract = True


class StaleEdit(Exception):
    """The row's version moved on between the form's check and its save; the form has
    already been marked refused (VersionedForm.refuse) when this is raised."""


class VersionedForm(forms.ModelForm):
    """For a model with a `version` (Versioned). Subclasses list their own fields."""

    version = forms.IntegerField(widget=forms.HiddenInput, required=False)
    stale_message = gettext_lazy(
        "Someone else saved this after you opened it. Their values are shown under the "
        "fields where they differ from yours; your entries are kept. Save again to keep "
        "yours."
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        if self.instance.pk:
            self.fields["version"].initial = self.instance.version
            self.fields["version"].required = True

    def clean(self):
        cleaned = super().clean()
        if self.instance.pk and cleaned.get("version") != self._stored_version():
            self.refuse()
        return cleaned

    def _stored_version(self) -> int | None:
        rows = type(self.instance)._default_manager.filter(pk=self.instance.pk)
        return rows.values_list("version", flat=True).first()

    stale = False  # set when refused: views answer 409 Conflict

    def refuse(self) -> None:
        """Explain the conflict on the form, and let the next submit overwrite it."""
        self.stale = True
        current = type(self.instance)._default_manager.get(pk=self.instance.pk)
        stored = model_to_dict(current)
        self.add_error(None, self.stale_message)
        for name, field in self.fields.items():
            if name == "version" or name not in stored or field.disabled:
                continue
            if field.has_changed(stored[name], self[name].data):
                self.add_error(
                    name, _("Now saved as: %(value)s") % {"value": _shown(current, name)}
                )
        data = self.data.copy()
        data[self.add_prefix("version")] = current.version
        self.data = data

    def save(self, commit=True):
        if not (self.instance.pk and commit):
            return super().save(commit)
        # Claim the version in the database: of two saves racing past clean(), one wins.
        with transaction.atomic():
            claimed = (
                type(self.instance)
                ._default_manager.filter(pk=self.instance.pk, version=self.cleaned_data["version"])
                .update(version=models.F("version") + 1)
            )
            if not claimed:
                self.refuse()
                raise StaleEdit
            self.instance.version = self.cleaned_data["version"] + 1
            # Only the form's own fields: what others wrote meanwhile to other columns (the
            # nightly tier on an account, say) is not put back to what it was.
            concrete = self.instance._meta.concrete_fields
            names = {f.name for f in concrete if not f.primary_key}
            fields = [name for name in self.fields if name in names]
            fields += [f.name for f in concrete if getattr(f, "auto_now", False)]
            self.instance.save(update_fields=[*fields, "version"])
            self._save_m2m()
        return self.instance


def _shown(instance, name: str) -> str:
    display = getattr(instance, f"get_{name}_display", None)
    value = display() if display else getattr(instance, name)
    if isinstance(value, models.Manager):
        value = ", ".join(str(item) for item in value.all())
    return str(value) if value not in (None, "") else "\N{EN DASH}"
