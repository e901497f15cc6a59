"""Grant the "district admin" group every permission of the services app (pattern:
yangpu_portal/0002_role_groups). Re-run by later services migrations that add models."""

from django.db import migrations

DISTRICT_ADMIN = "district admin"


def grant(apps, schema_editor):
    from django.contrib.auth.management import create_permissions

    for app_config in apps.get_app_configs():
        app_config.models_module = True
        create_permissions(app_config, apps=apps, verbosity=0)
        app_config.models_module = None
    Group = apps.get_model("auth", "Group")
    Permission = apps.get_model("auth", "Permission")
    group, _ = Group.objects.get_or_create(name=DISTRICT_ADMIN)
    group.permissions.add(*Permission.objects.filter(content_type__app_label="services"))


def revoke(apps, schema_editor):
    Group = apps.get_model("auth", "Group")
    Permission = apps.get_model("auth", "Permission")
    group = Group.objects.filter(name=DISTRICT_ADMIN).first()
    if group:
        group.permissions.remove(*Permission.objects.filter(content_type__app_label="services"))


class Migration(migrations.Migration):
    dependencies = [
        ("services", "0001_activities"),
        ("yangpu_portal", "0002_role_groups"),
    ]

    operations = [migrations.RunPython(grant, revoke)]
