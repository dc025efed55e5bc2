"""Choice labels translated one at a time.

Django's `get_FOO_display` makes a hashable copy of every choice on each call, and hashing
a lazy label translates it: the account page's people, deals and activities asked for
some 230 translations a visit to show about 40 labels. The methods set here look the value
up in a table made once per field and translate only the label shown; models may define
`get_FOO_display` themselves (Django then leaves theirs alone), which is all this does."""

from functools import partialmethod

from django.apps import apps
from django.utils.encoding import force_str

APPS = ("kamcrm", "accounts", "plans", "dashboards", "health", "api")


def _display(attname: str, labels: dict):
    def get_display(self):
        value = getattr(self, attname)
        try:
            label = labels.get(value, value)
        except TypeError:  # an unhashable value: no choice has it
            label = value
        return force_str(label, strings_only=True)

    return get_display


def install() -> None:
    """Replace Django's get_FOO_display on every model of ours that still has it."""
    for model in apps.get_models():
        if model._meta.app_label not in APPS:
            continue
        for field in model._meta.fields:
            method = f"get_{field.name}_display"
            if field.choices is None or not isinstance(model.__dict__.get(method), partialmethod):
                continue
            setattr(model, method, _display(field.attname, dict(field.flatchoices)))
