from django.db import migrations


def create(apps, schema_editor):
    # The one row of planning settings, so reading it never writes.
    apps.get_model("plans", "PlanSettings").objects.get_or_create(pk=1)


class Migration(migrations.Migration):
    dependencies = [("plans", "0001_plans_reviews_reminders")]

    operations = [migrations.RunPython(create, migrations.RunPython.noop)]
