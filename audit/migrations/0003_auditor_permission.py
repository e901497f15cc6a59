"""The auditor group reads the audit trail; nobody is granted add, change or delete."""

from django.db import migrations


def grant(apps, schema_editor):
    from django.contrib.auth.management import create_permissions

    for app_config in apps.get_app_configs():
        app_config.models_module = True
        create_permissions(app_config, apps=apps, verbosity=0)
        app_config.models_module = None
    Group = apps.get_model("auth", "Group")
    Permission = apps.get_model("auth", "Permission")
    auditor, _ = Group.objects.get_or_create(name="auditor")
    auditor.permissions.add(
        *Permission.objects.filter(content_type__app_label="audit", codename="view_auditevent")
    )


def revoke(apps, schema_editor):
    Permission = apps.get_model("auth", "Permission")
    for group in apps.get_model("auth", "Group").objects.filter(name="auditor"):
        group.permissions.remove(
            *Permission.objects.filter(content_type__app_label="audit", codename="view_auditevent")
        )


class Migration(migrations.Migration):
    dependencies = [("audit", "0002_append_only"), ("yangpu_portal", "0002_role_groups")]

    operations = [migrations.RunPython(grant, revoke)]
