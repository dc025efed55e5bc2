"""Every marked string has a translation in every catalogue, and no catalogue lags the
code and templates: a new string without its translations fails here."""

import re
import shutil
from pathlib import Path

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


def test_strings_are_marked_by_names_makemessages_knows():
    """makemessages finds gettext_lazy(...), _(...), ngettext...: a string marked through
    another name (gettext_lazy imported as _lazy) is never extracted, so never translated,
    and the catalogue check cannot see it missing."""
    root = Path(__file__).resolve().parents[2]
    aliased = [
        str(path.relative_to(root))
        for app in ("accounts", "dashboards", "health", "kamcrm", "plans")
        for path in (root / app).rglob("*.py")
        if re.search(r"gettext(_lazy)? as (?!_\b)\w+", path.read_text())
    ]
    assert aliased == []
