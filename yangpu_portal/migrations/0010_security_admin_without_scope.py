"""The security admin held `view_street`, `view_organization` and `view_station` so that the
admin's pickers could search them. Those permissions are also the district-wide scope of the
day-to-day pages (docs/decisions.md), so the security admin could run every station's console,
edit activities and minutes and triage reports (found by the permission matrix). The
assignment forms now use plain selects, and the security admin keeps no scope."""

from django.db import migrations

SCOPE = (
    ("branches", "street", "view_street"),
    ("branches", "organization", "view_organization"),
    ("stations", "station", "view_station"),
)


def _scope_permissions(apps):
    Permission = apps.get_model("auth", "Permission")
    return [
        p
        for app, model, codename in SCOPE
        for p in Permission.objects.filter(
            content_type__app_label=app, content_type__model=model, codename=codename
        )
    ]


def forwards(apps, schema_editor):
    Group = apps.get_model("auth", "Group")
    for group in Group.objects.filter(name="security admin"):
        group.permissions.remove(*_scope_permissions(apps))


def backwards(apps, schema_editor):
    Group = apps.get_model("auth", "Group")
    for group in Group.objects.filter(name="security admin"):
        group.permissions.add(*_scope_permissions(apps))


class Migration(migrations.Migration):
    dependencies = [
        ("yangpu_portal", "0009_dashboard_figures"),
        ("branches", "0006_secretary_role"),
        ("stations", "0007_grant_district_admin_outlets"),
    ]

    operations = [migrations.RunPython(forwards, backwards)]
