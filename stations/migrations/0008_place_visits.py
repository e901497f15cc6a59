"""Contact visits to stations and outlets (issue 3): which place a "place" ContactVisit went to."""

import django.db.models.deletion
from django.db import migrations, models


class Migration(migrations.Migration):

    dependencies = [
        ('branches', '0007_contactvisit_place_target'),
        ('stations', '0007_grant_district_admin_outlets'),
    ]

    operations = [
        migrations.CreateModel(
            name='PlaceVisit',
            fields=[
                ('visit', models.OneToOneField(on_delete=django.db.models.deletion.CASCADE, primary_key=True, related_name='place', serialize=False, to='branches.contactvisit', verbose_name='联系走访')),
                ('outlet', models.ForeignKey(blank=True, null=True, on_delete=django.db.models.deletion.PROTECT, related_name='place_visits', to='stations.outlet', verbose_name='走访网点')),
                ('station', models.ForeignKey(blank=True, null=True, on_delete=django.db.models.deletion.PROTECT, related_name='place_visits', to='stations.station', verbose_name='走访阵地')),
            ],
            options={
                'verbose_name': '阵地网点走访',
                'verbose_name_plural': '阵地网点走访',
                'constraints': [models.CheckConstraint(condition=models.Q(models.Q(('station__isnull', False), ('outlet__isnull', True)), models.Q(('station__isnull', True), ('outlet__isnull', False)), _connector='OR'), name='place_visit_exactly_one_place')],
            },
        ),
    ]
