"""A data-migration step shared by the branches migrations that add models: grant every
permission of the portal apps to the "district admin" group (as `yangpu_portal` 0002 did for
the first models). Permissions are normally created after all migrations (post_migrate), so
they are created here first. Safe to run twice."""

DISTRICT_ADMIN = "district admin"
PORTAL_APPS = ("branches", "stations", "services")


def grant_district_admin(apps, schema_editor):
    from django.contrib.auth.management import create_permissions

    for app_config in apps.get_app_configs():
        app_config.models_module = True
        create_permissions(app_config, apps=apps, verbosity=0)
        app_config.models_module = None
    Group = apps.get_model("auth", "Group")
    Permission = apps.get_model("auth", "Permission")
    group, _ = Group.objects.get_or_create(name=DISTRICT_ADMIN)
    # Role assignments are the security admin's (separation of duties), never the district's.
    group.permissions.add(
        *Permission.objects.filter(content_type__app_label="branches").exclude(
            content_type__model="organizerassignment"
        )
    )


def noop(apps, schema_editor):
    """Reversing leaves the group's permissions: removing the models removes them."""
