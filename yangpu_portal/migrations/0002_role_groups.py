"""The two district-wide roles as groups: "district admin" holds every permission of the
portal's own apps and may manage accounts; "auditor" may only read the admin's change log.

Later migrations that add models grant their permissions to "district admin" the same way
(a test checks that the group holds every permission of branches, stations and services)."""

from django.db import migrations

DISTRICT_ADMIN = "district admin"
AUDITOR = "auditor"
PORTAL_APPS = ("branches", "stations", "services")
USER_CODENAMES = ("view_user", "add_user", "change_user")


def ensure_permissions(apps):
    # Permissions are normally created after all migrations ran (post_migrate); create them now.
    from django.contrib.auth.management import create_permissions

    for app_config in apps.get_app_configs():
        app_config.models_module = True
        create_permissions(app_config, apps=apps, verbosity=0)
        app_config.models_module = None


def create_groups(apps, schema_editor):
    ensure_permissions(apps)
    Group = apps.get_model("auth", "Group")
    Permission = apps.get_model("auth", "Permission")

    district, _ = Group.objects.get_or_create(name=DISTRICT_ADMIN)
    district.permissions.add(
        *Permission.objects.filter(content_type__app_label__in=PORTAL_APPS),
        *Permission.objects.filter(
            content_type__app_label="yangpu_portal", codename__in=USER_CODENAMES
        ),
        *Permission.objects.filter(content_type__app_label="auth", codename="view_group"),
    )
    auditor, _ = Group.objects.get_or_create(name=AUDITOR)
    auditor.permissions.add(
        *Permission.objects.filter(content_type__app_label="admin", codename="view_logentry")
    )


def delete_groups(apps, schema_editor):
    apps.get_model("auth", "Group").objects.filter(name__in=[DISTRICT_ADMIN, AUDITOR]).delete()


class Migration(migrations.Migration):
    dependencies = [
        ("yangpu_portal", "0001_user"),
        ("branches", "0001_initial"),
        ("stations", "0001_initial"),
        ("admin", "0003_logentry_add_action_flag_choices"),
        ("contenttypes", "0002_remove_content_type_name"),
    ]

    operations = [migrations.RunPython(create_groups, delete_groups)]
