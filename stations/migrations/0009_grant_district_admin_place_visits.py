"""The district admin group holds every permission of the stations app, including place visits
(0008). Same step as 0007."""

from django.db import migrations

DISTRICT_ADMIN = "district admin"


def grant(apps, schema_editor):
    from django.contrib.auth.management import create_permissions

    app_config = apps.get_app_config("stations")
    app_config.models_module = True
    create_permissions(app_config, apps=apps, verbosity=0)
    app_config.models_module = None
    Group = apps.get_model("auth", "Group")
    Permission = apps.get_model("auth", "Permission")
    group, _ = Group.objects.get_or_create(name=DISTRICT_ADMIN)
    group.permissions.add(*Permission.objects.filter(content_type__app_label="stations"))


class Migration(migrations.Migration):
    dependencies = [
        ("stations", "0008_place_visits"),
        ("yangpu_portal", "0002_role_groups"),
    ]

    operations = [migrations.RunPython(grant, migrations.RunPython.noop)]
