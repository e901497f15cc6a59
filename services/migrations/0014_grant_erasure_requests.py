"""Grant the "district admin" group the permissions of the erasure requests (as 0002 did)."""

from django.db import migrations

from services.migrations import _grants


class Migration(migrations.Migration):
    dependencies = [("services", "0013_erasure_requests")]

    operations = [migrations.RunPython(_grants.grant, _grants.noop)]
