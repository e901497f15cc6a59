"""三员分立: a system admin (accounts and configuration) and a security admin (roles and
assignments) beside the auditor. The district admin, a day-to-day role, no longer manages
accounts or role assignments."""

from django.db import migrations

SYSTEM_ADMIN = "system admin"
SECURITY_ADMIN = "security admin"
DISTRICT_ADMIN = "district admin"
ASSIGNMENT_MODELS = (("branches", "organizerassignment"), ("stations", "stationstaff"))


def perms(Permission, app_label, model=None, codenames=None):
    qs = Permission.objects.filter(content_type__app_label=app_label)
    if model:
        qs = qs.filter(content_type__model=model)
    if codenames:
        qs = qs.filter(codename__in=codenames)
    return list(qs)


def forwards(apps, schema_editor):
    from django.contrib.auth.management import create_permissions

    for app_config in apps.get_app_configs():
        app_config.models_module = True
        create_permissions(app_config, apps=apps, verbosity=0)
        app_config.models_module = None
    Group = apps.get_model("auth", "Group")
    Permission = apps.get_model("auth", "Permission")
    accounts = perms(Permission, "yangpu_portal", "user", ["view_user", "add_user", "change_user"])
    assignments = [p for app, model in ASSIGNMENT_MODELS for p in perms(Permission, app, model)]

    system, _ = Group.objects.get_or_create(name=SYSTEM_ADMIN)
    system.permissions.add(*accounts)
    security, _ = Group.objects.get_or_create(name=SECURITY_ADMIN)
    security.permissions.add(
        *perms(Permission, "yangpu_portal", "user", ["view_user", "change_user"]),
        *perms(Permission, "auth", "group", ["view_group", "change_group"]),
        *assignments,
        # To pick the street or organization an assignment points at.
        *perms(Permission, "branches", "street", ["view_street"]),
        *perms(Permission, "branches", "organization", ["view_organization"]),
        *perms(Permission, "stations", "station", ["view_station"]),
    )
    district = Group.objects.get(name=DISTRICT_ADMIN)
    district.permissions.remove(*accounts, *assignments)


def backwards(apps, schema_editor):
    Group = apps.get_model("auth", "Group")
    Permission = apps.get_model("auth", "Permission")
    district = Group.objects.get(name=DISTRICT_ADMIN)
    district.permissions.add(
        *perms(Permission, "yangpu_portal", "user", ["view_user", "add_user", "change_user"]),
        *[p for app, model in ASSIGNMENT_MODELS for p in perms(Permission, app, model)],
    )
    Group.objects.filter(name__in=[SYSTEM_ADMIN, SECURITY_ADMIN]).delete()


class Migration(migrations.Migration):
    dependencies = [("yangpu_portal", "0003_password_age"), ("yangpu_portal", "0002_role_groups")]

    operations = [migrations.RunPython(forwards, backwards)]
