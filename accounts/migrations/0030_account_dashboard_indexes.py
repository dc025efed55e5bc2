import django.db.models.deletion
from django.conf import settings
from django.db import migrations, models


class Migration(migrations.Migration):
    """Indexes for the dashboards' figures of a KAM owning many accounts: the owner's
    index also carries each account's id and fiscal-year payments (it replaces the plain
    owner index, created first so lookups by owner always have one), and partial indexes
    hold the few rows of the short lists."""

    dependencies = [
        ("accounts", "0029_account_list_decision_supporters"),
        migrations.swappable_dependency(settings.AUTH_USER_MODEL),
    ]

    operations = [
        migrations.AddIndex(
            model_name="account",
            index=models.Index(fields=["owner", "id", "list_revenue_fy"], name="account_owner_idx"),
        ),
        migrations.AlterField(
            model_name="account",
            name="owner",
            field=models.ForeignKey(
                db_index=False,
                limit_choices_to={"role": "kam"},
                on_delete=django.db.models.deletion.PROTECT,
                related_name="owned_accounts",
                to=settings.AUTH_USER_MODEL,
                verbose_name="owner",
            ),
        ),
        migrations.AddIndex(
            model_name="account",
            index=models.Index(
                condition=models.Q(
                    ("list_decision_supporters", 0), ("nine_box_class__in", ["A", "B", "C"])
                ),
                fields=["owner", "name"],
                name="account_no_supporter_idx",
            ),
        ),
        migrations.AddIndex(
            model_name="account",
            index=models.Index(
                condition=models.Q(("status__in", ["at_risk", "lost"])),
                fields=["owner"],
                name="account_at_risk_idx",
            ),
        ),
        migrations.AddIndex(
            model_name="commitment",
            index=models.Index(
                condition=models.Q(("done_on", None)),
                fields=["due"],
                name="commitment_open_due_idx",
            ),
        ),
    ]
