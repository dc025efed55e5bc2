from django.db import migrations, models


def fill(apps, schema_editor):
    """The accounts already there: their supporters at decision level (a snapshot in SQL,
    as 0022's; the rule is StakeholderQuerySet.decision_supporters)."""
    schema_editor.execute(
        "UPDATE accounts_account SET list_decision_supporters = (SELECT COUNT(*) FROM "
        "accounts_stakeholder s WHERE s.account_id = accounts_account.id "
        "AND s.attitude = 'supporter' AND (s.buying_role IN ('decision_maker', "
        "'economic_buyer') OR s.level IN ('executive', 'owner')))"
    )


class Migration(migrations.Migration):
    dependencies = [
        ("accounts", "0028_dated_exchange_rates"),
    ]

    operations = [
        # Only the dashboards' search for accounts without a supporter used it; they now
        # read the count kept on each account.
        migrations.RemoveIndex(
            model_name="stakeholder",
            name="stakeholder_supporter_idx",
        ),
        migrations.AddField(
            model_name="account",
            name="list_decision_supporters",
            field=models.PositiveIntegerField(db_default=0, default=0),
        ),
        migrations.RunPython(fill, migrations.RunPython.noop),
    ]
