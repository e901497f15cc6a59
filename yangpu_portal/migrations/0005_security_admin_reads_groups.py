"""The security admin assigns groups but cannot change what a group may do: group permissions
are set by migrations only, so no duty can widen its own."""

from django.db import migrations


def forwards(apps, schema_editor):
    Group = apps.get_model("auth", "Group")
    Permission = apps.get_model("auth", "Permission")
    for group in Group.objects.filter(name="security admin"):
        group.permissions.remove(
            *Permission.objects.filter(content_type__app_label="auth", codename="change_group")
        )


def backwards(apps, schema_editor):
    Group = apps.get_model("auth", "Group")
    Permission = apps.get_model("auth", "Permission")
    for group in Group.objects.filter(name="security admin"):
        group.permissions.add(
            *Permission.objects.filter(content_type__app_label="auth", codename="change_group")
        )


class Migration(migrations.Migration):
    dependencies = [("yangpu_portal", "0004_separation_of_duties")]

    operations = [migrations.RunPython(forwards, backwards)]
