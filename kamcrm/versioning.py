"""Stale edits are refused, not silently overwritten. A versioned model counts its saves;
its form carries the count it was opened at, and a save made on top of someone else's is
sent back with their values beside the fields where they differ from the user's, the
user's own entries kept. Saving again then overwrites knowingly."""

import json
from typing import cast

from django import forms
from django.core import signing
from django.core.serializers.json import DjangoJSONEncoder
from django.db import models, transaction
from django.forms.models import model_to_dict
from django.http import QueryDict
from django.utils import formats
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy


class Versioned(models.Model):
    # db_default too: rows inserted in SQL (benchmarks, data fixes) start at 1 as well.
    version = models.PositiveIntegerField(default=1, db_default=1, editable=False)

    class Meta:
        abstract = True


class StaleEdit(Exception):
    """The row's version moved on between the editor's opening and its save. `current`
    is the row as stored now, when the refuser has it; a VersionedForm has already been
    marked refused (VersionedForm.refuse) when this is raised from its save."""

    def __init__(self, current=None):
        super().__init__()
        self.current = current


def claim_version(model: type[models.Model], pk, version: int, **changes) -> bool:
    """Write `changes` and count one more save, if the row is still at `version`: the one
    place a save is checked against others. Of two saves racing, one wins; the loser
    gets False and writes nothing."""
    rows = model._default_manager.filter(pk=pk, version=version)
    return bool(rows.update(version=models.F("version") + 1, **changes))


class VersionedForm(forms.ModelForm):
    """For a model with a `version` (Versioned). Subclasses list their own fields.

    Besides the version, the form carries (signed) the values it was opened with, so a
    refused save can tell the fields the user changed from those they left alone: the
    ones left alone take what the other person saved, and saving again from the refusal
    writes only the user's own changes."""

    version = forms.IntegerField(widget=forms.HiddenInput, required=False)
    opened = forms.CharField(widget=forms.HiddenInput, required=False)
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
            self.fields["opened"].initial = _signed(
                {name: self[name].value() for name in self._own_fields()}
            )

    def _own_fields(self) -> list[str]:
        return [
            n for n in self.fields if n not in ("version", "opened") and not self.fields[n].disabled
        ]

    def _opened_values(self) -> dict | None:
        try:
            return signing.loads(
                self.data.get(self.add_prefix("opened"), ""),
                salt=OPENED_SALT,
                serializer=_JSONSerializer,
            )
        except signing.BadSignature:
            return None

    def changed_by_user(self) -> list[str]:
        """The form's fields the user changed from what it was opened with (all of them
        when that is unknown): what a save should write."""
        opened = self._opened_values()
        return [n for n in self._own_fields() if self._user_changed(n, opened)]

    def _user_changed(self, name: str, opened: dict | None) -> bool:
        """Whether the user changed `name` from the value the form was opened with (when
        that is unknown, as if they had)."""
        if opened is None or name not in opened:
            return True
        field = self.fields[name]
        try:
            initial = field.to_python(opened[name])
        except forms.ValidationError:
            return True
        return field.has_changed(initial, self[name].data)

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
        """Explain the conflict on the form, and let the next submit overwrite it. Fields
        the user left alone take the stored values, so saving again does not put back
        what someone else just changed."""
        self.stale = True
        current = type(self.instance)._default_manager.get(pk=self.instance.pk)
        stored = model_to_dict(current)
        opened = self._opened_values()
        self.add_error(None, self.stale_message)
        # A bound form's data is the request's QueryDict (or one built like it).
        data = cast(QueryDict, self.data).copy()
        for name in self._own_fields():
            field = self.fields[name]
            if name not in stored or not field.has_changed(stored[name], self[name].data):
                continue
            if self._user_changed(name, opened):
                self.add_error(
                    name, _("Now saved as: %(value)s") % {"value": _shown(current, name)}
                )
            else:
                _put(data, self.add_prefix(name), field.prepare_value(stored[name]))
        data[self.add_prefix("version")] = current.version
        # The form now stands as opened on the stored row.
        data[self.add_prefix("opened")] = _signed(
            {
                name: self.fields[name].prepare_value(stored[name])
                for name in self._own_fields()
                if name in stored
            }
        )
        self.data = data

    def save(self, commit=True):
        if not (self.instance.pk and commit):
            return super().save(commit)
        # Claim the version in the database: of two saves racing past clean(), one wins.
        with transaction.atomic():
            if not claim_version(
                type(self.instance), self.instance.pk, self.cleaned_data["version"]
            ):
                self.refuse()
                raise StaleEdit
            self.instance.version = self.cleaned_data["version"] + 1
            # Only the form's own fields: what others wrote meanwhile to other columns (the
            # nightly tier on an account, say) is not put back to what it was.
            concrete = self.instance._meta.concrete_fields
            names = {f.name for f in concrete if not f.primary_key}
            # Coming back from a refusal, only what the user changed: the rest is what
            # the form showed as stored.
            fields = [n for n in self.changed_by_user() if n in names]
            fields += [f.name for f in concrete if getattr(f, "auto_now", False)]
            self.instance.save(update_fields=[*fields, "version"])
            self._save_m2m()
        return self.instance


OPENED_SALT = "kamcrm.versioning.opened"


class _JSONSerializer:
    """signing's JSON, able to carry dates, decimals and model instances (by pk)."""

    def dumps(self, obj) -> bytes:
        return json.dumps(obj, cls=_Encoder, separators=(",", ":")).encode("latin-1")

    def loads(self, data: bytes):
        return json.loads(data.decode("latin-1"))


class _Encoder(DjangoJSONEncoder):
    def default(self, o):
        if isinstance(o, models.Model):
            return o.pk
        return super().default(o)


def _signed(values: dict) -> str:
    return signing.dumps(values, salt=OPENED_SALT, serializer=_JSONSerializer)


def _put(data, key: str, value) -> None:
    if isinstance(value, list | tuple):
        data.setlist(key, [str(v) for v in value])
    else:
        data[key] = "" if value is None else str(value)


def _shown(instance, name: str) -> str:
    display = getattr(instance, f"get_{name}_display", None)
    value = display() if display else getattr(instance, name)
    if isinstance(value, models.Manager):
        value = ", ".join(str(item) for item in value.all())
    # In the reader's own format: dates, numbers and money as the page shows them.
    return str(formats.localize(value)) if value not in (None, "") else "\N{EN DASH}"
