"""Every choice field of ours shows the label Django's own get_FOO_display would show, in
every language, for every choice, for a value that is no choice and for none."""

from functools import partialmethod

import pytest
from django.apps import apps
from django.conf import settings
from django.utils import translation

from kamcrm.labels import APPS

FIELDS = [
    (model, field)
    for model in apps.get_models()
    if model._meta.app_label in APPS
    for field in model._meta.fields
    if field.choices is not None
]


def test_each_choice_field_of_ours_has_the_one_label_lookup():
    assert len(FIELDS) > 20
    for model, field in FIELDS:
        # Not Django's, which translates every label of the field on each call.
        assert not isinstance(model.__dict__[f"get_{field.name}_display"], partialmethod), field


@pytest.mark.parametrize("language", [code for code, _ in settings.LANGUAGES])
def test_each_label_is_the_one_django_would_show(language):
    with translation.override(language):
        for model, field in FIELDS:
            shown = getattr(model, f"get_{field.name}_display")
            values = [value for value, _ in field.flatchoices] + ["no-such-choice", None]
            for value in values:
                instance = model()
                setattr(instance, field.attname, value)
                assert shown(instance) == instance._get_FIELD_display(field), (model, field, value)
                assert type(shown(instance)) is type(instance._get_FIELD_display(field))


def test_a_label_is_translated_to_the_language_in_force():
    from accounts.models import Activity

    activity = Activity(kind=Activity._meta.get_field("kind").flatchoices[0][0])
    with translation.override("en"):
        english = activity.get_kind_display()
    with translation.override("pl"):
        polish = activity.get_kind_display()
    assert english != polish
