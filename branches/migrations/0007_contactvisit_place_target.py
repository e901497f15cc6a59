"""Contact visits to stations and outlets (issue 3): a visit states its target's kind; a place
visit keeps its station or outlet in stations.PlaceVisit. Existing member visits get their kind
before the new constraint is added."""

from django.conf import settings
from django.db import migrations, models


class Migration(migrations.Migration):

    dependencies = [
        ('branches', '0006_secretary_role'),
        migrations.swappable_dependency(settings.AUTH_USER_MODEL),
    ]

    operations = [
        migrations.RemoveConstraint(
            model_name='contactvisit',
            name='visit_exactly_one_target',
        ),
        migrations.AddField(
            model_name='contactvisit',
            name='target_kind',
            field=models.CharField(choices=[('enterprise', '平台企业'), ('member', '人员'), ('place', '阵地或网点')], default='enterprise', max_length=20, verbose_name='走访对象类型'),
        ),
        migrations.RunSQL(
            "UPDATE branches_contactvisit SET target_kind = 'member' WHERE member_id IS NOT NULL",
            reverse_sql=migrations.RunSQL.noop,
        ),
        migrations.AddConstraint(
            model_name='contactvisit',
            constraint=models.CheckConstraint(condition=models.Q(models.Q(('target_kind', 'enterprise'), ('enterprise__isnull', False), ('member__isnull', True)), models.Q(('target_kind', 'member'), ('enterprise__isnull', True), ('member__isnull', False)), models.Q(('target_kind', 'place'), ('enterprise__isnull', True), ('member__isnull', True)), _connector='OR'), name='visit_exactly_one_target'),
        ),
    ]
