"""Grant the "district admin" group the permissions of the minutes models (as 0002 did)."""

from django.db import migrations

from services.migrations import _grants


class Migration(migrations.Migration):
    dependencies = [("services", "0003_minutes")]

    operations = [migrations.RunPython(_grants.grant, _grants.noop)]
