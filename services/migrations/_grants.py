"""Shared by the services migrations that grant new models' permissions to "district admin"."""

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


def noop(apps, schema_editor):
    """Reversing leaves the grants: the permissions themselves go with the models."""

