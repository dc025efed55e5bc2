"""Amounts read as each reader writes them (grouping, decimal mark, the currency's own
decimal places), while what a machine reads (CSV, chart data) never changes with the
locale."""

from decimal import Decimal

import pytest
from django.conf import settings
from django.urls import reverse
from django.utils import translation

from accounts.figures import figures_refresh
from accounts.models import Currency
from accounts.templatetags.money import money, whole
from tests.factories import AccountFactory

NBSP = "\N{NO-BREAK SPACE}"


@pytest.mark.parametrize(
    ("language", "code", "shown"),
    [
        ("en", "USD", "1,234,567.89 USD"),
        ("th", "THB", "1,234,567.89 THB"),
        ("pl", "PLN", f"1{NBSP}234{NBSP}567,89 PLN"),
        ("ru", "RUB", f"1{NBSP}234{NBSP}567,89 RUB"),
        ("vi", "VND", "1.234.568 VND"),  # no minor unit
    ],
)
def test_money_follows_the_readers_locale_and_the_currencys_places(db, language, code, shown):
    with translation.override(language):
        assert money(Decimal("1234567.891"), Currency.objects.get(code=code)) == shown


def test_whole_amounts_are_grouped_for_the_reader(db):
    with translation.override("pl"):
        assert whole(Decimal("13000000.00")) == f"13{NBSP}000{NBSP}000"


def test_a_csv_export_reads_the_same_in_every_language(client, kam1):
    AccountFactory(owner=kam1, name="Siam Cement", potential=Decimal("1234.5"))
    figures_refresh()  # as saving the account through its form would
    client.force_login(kam1)
    exports = []
    for language in ["en", "pl", "vi"]:
        kam1.language = language
        kam1.save()
        exports.append(client.get(reverse("accounts:export")).getvalue().decode())

    assert exports[0] == exports[1] == exports[2]
    assert ",1234.50," in exports[0]


@pytest.mark.parametrize("language", [code for code, _ in settings.LANGUAGES])
def test_amounts_are_written_as_djangos_number_format_would(language):
    """The filters group amounts themselves (kamcrm's pages show dozens); what they write
    is what Django's number_format writes, sign, zero and separators alike."""
    from django.utils.formats import number_format

    from accounts.templatetags.money import _grouped, separators

    values = [
        "0",
        "-0.004",
        "5",
        "-5",
        "999",
        "1000",
        "-1000",
        "1234567.891",
        "-98765432.1",
        "123456789012345678.9",
    ]
    with translation.override(language):
        for text in values:
            for places in (0, 2, 3):
                amount = Decimal(text).quantize(Decimal(1).scaleb(-places))
                django = number_format(amount, places, use_l10n=True, force_grouping=True)
                written = _grouped(amount, places, separators(language))
                assert written == django, (text, places)
