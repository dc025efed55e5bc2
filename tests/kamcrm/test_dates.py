"""Dates kept as written: the same text date_format gives, in the language in force."""

from datetime import date

import pytest
from django.conf import settings
from django.utils import translation
from django.utils.formats import date_format

from kamcrm.dates import written_date

DAY = date(2026, 2, 28)


@pytest.mark.parametrize("language", [code for code, _ in settings.LANGUAGES])
def test_a_date_reads_as_date_format_writes_it_in_each_language(language):
    with translation.override(language):
        for format_name in ("SHORT_DATE_FORMAT", "DATE_FORMAT", "M y"):
            assert written_date(DAY, format_name) == date_format(DAY, format_name)


def test_the_same_date_is_written_anew_for_another_language():
    with translation.override("en"):
        english = written_date(DAY)
    with translation.override("pl"):
        assert written_date(DAY) != english
