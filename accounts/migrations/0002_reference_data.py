from django.conf import settings
from django.db import migrations

# ISO 4217 minor units: VND and the like have none.
CURRENCIES = [
    ("USD", "US dollar", 2),
    ("EUR", "Euro", 2),
    ("THB", "Thai baht", 2),
    ("VND", "Vietnamese dong", 0),
    ("PLN", "Polish zloty", 2),
    ("RUB", "Russian rouble", 2),
]

STAGES = [
    ("Qualify", 10, 10, "open"),
    ("Develop", 20, 25, "open"),
    ("Propose", 30, 50, "open"),
    ("Negotiate", 40, 75, "open"),
    ("Closed won", 90, 100, "won"),
    ("Closed lost", 99, 0, "lost"),
]


def create(apps, schema_editor):
    Currency = apps.get_model("accounts", "Currency")
    Stage = apps.get_model("accounts", "OpportunityStage")
    base = settings.KAMCRM_BASE_CURRENCY
    for code, name, minor_unit in CURRENCIES:
        Currency.objects.get_or_create(
            code=code,
            defaults={
                "name": name,
                "minor_unit": minor_unit,
                "rate_to_base": 1 if code == base else None,
            },
        )
    # The base currency always converts to itself.
    Currency.objects.update_or_create(
        code=base, defaults={"rate_to_base": 1}, create_defaults={"name": base, "rate_to_base": 1}
    )
    for name, order, probability, outcome in STAGES:
        Stage.objects.get_or_create(
            name=name,
            defaults={"order": order, "default_probability": probability, "outcome": outcome},
        )

    # The one row of admin-editable thresholds, so reading it never writes.
    apps.get_model("accounts", "Thresholds").objects.get_or_create(pk=1)


def remove(apps, schema_editor):
    apps.get_model("accounts", "OpportunityStage").objects.filter(
        name__in=[s[0] for s in STAGES]
    ).delete()
    apps.get_model("accounts", "Currency").objects.filter(
        code__in=[c[0] for c in CURRENCIES]
    ).delete()


class Migration(migrations.Migration):
    dependencies = [("accounts", "0001_accounts_people_deals_revenue")]

    operations = [migrations.RunPython(create, remove)]
