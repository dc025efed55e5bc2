"""Every marked string has a translation in every catalogue, and no catalogue lags the
code and templates: a new string without its translations fails here."""

import shutil

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError

from tests.needs import skip_or_fail


def test_the_catalogues_are_complete_and_current(settings):
    if not shutil.which("xgettext"):
        skip_or_fail("GNU gettext is missing (apt-get install gettext): no string extraction")
    call_command("catalogues", check=True)


def test_the_check_names_a_string_the_catalogues_lack(settings, tmp_path, monkeypatch):
    if not shutil.which("xgettext"):
        skip_or_fail("GNU gettext is missing (apt-get install gettext): no string extraction")
    (tmp_path / "locale").mkdir()
    settings.LOCALE_PATHS = [tmp_path / "locale"]  # catalogues that hold nothing yet

    with pytest.raises(CommandError, match="th: no catalogue"):
        call_command("catalogues", check=True)
