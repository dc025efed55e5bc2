from decimal import Decimal

from django.urls import reverse

from accounts.models import Currency, OpportunityStage, Thresholds


def test_the_migration_provides_currencies_stages_and_thresholds(db, settings):
    assert Currency.objects.get(code="VND").minor_unit == 0
    assert Currency.objects.get(code=settings.KAMCRM_BASE_CURRENCY).rate_to_base == 1
    outcomes = set(OpportunityStage.objects.values_list("outcome", flat=True))
    assert outcomes == {"open", "won", "lost"}
    assert Thresholds.current().contact_rhythm_days == 60


def test_an_admin_dates_an_exchange_rate_in_the_django_admin_too(client, admin):
    client.force_login(admin)
    thb = Currency.objects.get(code="THB")

    response = client.post(
        reverse("admin:accounts_currency_change", args=["THB"]),
        {
            "code": "THB", "name": thb.name, "minor_unit": 2,
            "rates-TOTAL_FORMS": 1, "rates-INITIAL_FORMS": 0,
            "rates-0-valid_from": "2026-01-01", "rates-0-rate": "0.0285",
        },
    )  # fmt: skip

    assert response.status_code == 302
    thb.refresh_from_db()
    assert thb.rate_to_base == Decimal("0.0285")  # the current rate follows the dated one
    assert thb.rate_updated_at is not None


def test_a_kam_cannot_reach_the_settings(client, kam1):
    client.force_login(kam1)

    response = client.get(reverse("admin:accounts_currency_changelist"))

    assert response.status_code == 302  # the admin site sends non-staff to sign in
    assert "login" in response["Location"]
