"""Activities name their program with the stations app's Program values (one list of the ten
programs): "rest" becomes "rest_stop" and "aid" becomes "assistance"."""

from django.conf import settings
from django.db import migrations, models

RENAMED = {"rest": "rest_stop", "aid": "assistance"}


def rename(apps, schema_editor, mapping=RENAMED):
    Activity = apps.get_model("services", "Activity")
    for old, new in mapping.items():
        Activity.objects.filter(program=old).update(program=new)


def rename_back(apps, schema_editor):
    rename(apps, schema_editor, {new: old for old, new in RENAMED.items()})


class Migration(migrations.Migration):

    dependencies = [
        ('branches', '0006_secretary_role'),
        ('services', '0009_seed_report_categories'),
        ('stations', '0007_grant_district_admin_outlets'),
        migrations.swappable_dependency(settings.AUTH_USER_MODEL),
    ]

    operations = [
        migrations.RemoveConstraint(
            model_name='activity',
            name='activity_program_valid',
        ),
        migrations.AlterField(
            model_name='activity',
            name='program',
            field=models.CharField(choices=[('ideology', '思想引领'), ('red_position', '红色阵地'), ('rest_stop', '休憩驿站'), ('development', '发展护航'), ('health', '健康守护'), ('culture', '特色文娱'), ('assistance', '援助帮扶'), ('career', '职业成长'), ('policy', '政策培训'), ('passport', '先锋护照')], max_length=20, verbose_name='所属项目'),
        ),
        migrations.RunPython(rename, rename_back),
        migrations.AddConstraint(
            model_name='activity',
            constraint=models.CheckConstraint(condition=models.Q(('program__in', ['ideology', 'red_position', 'rest_stop', 'development', 'health', 'culture', 'assistance', 'career', 'policy', 'passport'])), name='activity_program_valid'),
        ),
    ]
