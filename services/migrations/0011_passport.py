"""The vanguard passport (issue 6): stamps, points ledger and rules, volunteer hours, stamp goals,
micro-courses and party-lesson routes; seeds stamp types and points rules, grants the new
models' permissions to "district admin"."""

import django.core.validators
import django.db.models.deletion
import django.utils.timezone
import uuid
from django.conf import settings
from django.db import migrations, models

from services.migrations import _grants


class Migration(migrations.Migration):

    dependencies = [
        ('branches', '0006_secretary_role'),
        ('services', '0010_programs_from_stations'),
        ('yangpu_portal', '0002_role_groups'),
        migrations.swappable_dependency(settings.AUTH_USER_MODEL),
    ]

    operations = [
        migrations.CreateModel(
            name='CourseSeries',
            fields=[
                ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                ('title', models.CharField(max_length=100, verbose_name='标题')),
                ('description', models.TextField(blank=True, verbose_name='简介')),
                ('is_published', models.BooleanField(default=False, verbose_name='已发布')),
                ('sort_order', models.PositiveSmallIntegerField(default=0, verbose_name='排序')),
            ],
            options={
                'verbose_name': '微讲堂系列',
                'verbose_name_plural': '微讲堂系列',
                'ordering': ['sort_order', 'pk'],
            },
        ),
        migrations.CreateModel(
            name='Route',
            fields=[
                ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                ('name', models.CharField(max_length=100, verbose_name='名称')),
                ('description', models.TextField(blank=True, verbose_name='简介')),
                ('is_published', models.BooleanField(default=False, verbose_name='已发布')),
                ('sort_order', models.PositiveSmallIntegerField(default=0, verbose_name='排序')),
            ],
            options={
                'verbose_name': '党课路线',
                'verbose_name_plural': '党课路线',
                'ordering': ['sort_order', 'pk'],
            },
        ),
        migrations.CreateModel(
            name='Lesson',
            fields=[
                ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                ('title', models.CharField(max_length=100, verbose_name='标题')),
                ('order', models.PositiveSmallIntegerField(verbose_name='顺序')),
                ('duration_minutes', models.PositiveSmallIntegerField(validators=[django.core.validators.MinValueValidator(1), django.core.validators.MaxValueValidator(240)], verbose_name='时长（分钟）')),
                ('video_url', models.URLField(blank=True, verbose_name='视频链接')),
                ('text', models.TextField(blank=True, verbose_name='正文')),
                ('is_published', models.BooleanField(default=True, verbose_name='已发布')),
                ('series', models.ForeignKey(on_delete=django.db.models.deletion.CASCADE, related_name='lessons', to='services.courseseries', verbose_name='系列')),
            ],
            options={
                'verbose_name': '微讲堂课程',
                'verbose_name_plural': '微讲堂课程',
                'ordering': ['series', 'order', 'pk'],
            },
        ),
        migrations.CreateModel(
            name='LessonCompletion',
            fields=[
                ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                ('opened_at', models.DateTimeField(verbose_name='开始学习时间')),
                ('finished_at', models.DateTimeField(verbose_name='完成时间')),
                ('lesson', models.ForeignKey(on_delete=django.db.models.deletion.PROTECT, related_name='completions', to='services.lesson', verbose_name='课程')),
                ('member', models.ForeignKey(on_delete=django.db.models.deletion.CASCADE, related_name='lesson_completions', to='branches.member', verbose_name='人员')),
            ],
            options={
                'verbose_name': '课程完成记录',
                'verbose_name_plural': '课程完成记录',
                'ordering': ['-finished_at'],
            },
        ),
        migrations.CreateModel(
            name='PassportSettings',
            fields=[
                ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                ('leaderboard_opt_in', models.BooleanField(default=False, verbose_name='参加排行榜')),
                ('updated_at', models.DateTimeField(auto_now=True, verbose_name='更新时间')),
                ('member', models.OneToOneField(on_delete=django.db.models.deletion.CASCADE, related_name='passport_settings', to='branches.member', verbose_name='人员')),
            ],
            options={
                'verbose_name': '护照设置',
                'verbose_name_plural': '护照设置',
            },
        ),
        migrations.CreateModel(
            name='PointEntry',
            fields=[
                ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                ('kind', models.CharField(choices=[('award', '获得'), ('correction', '更正')], default='award', max_length=20, verbose_name='类型')),
                ('points', models.IntegerField(verbose_name='积分')),
                ('source_kind', models.CharField(choices=[('station_checkin', '站点报到'), ('activity', '参加活动'), ('lesson', '微讲堂学习'), ('route_stop', '党课路线打卡'), ('route', '走完党课路线'), ('report', '民情上报'), ('volunteer', '志愿服务')], max_length=20, verbose_name='来源')),
                ('source_id', models.PositiveBigIntegerField(verbose_name='来源编号')),
                ('label', models.CharField(blank=True, max_length=100, verbose_name='说明')),
                ('local_date', models.DateField(help_text='北京时间的日期，用于每日和周期上限', verbose_name='日期')),
                ('reason', models.CharField(blank=True, max_length=200, verbose_name='更正原因')),
                ('created_at', models.DateTimeField(default=django.utils.timezone.now, verbose_name='记录时间')),
                ('created_by', models.ForeignKey(blank=True, null=True, on_delete=django.db.models.deletion.PROTECT, related_name='+', to=settings.AUTH_USER_MODEL, verbose_name='记录人')),
                ('member', models.ForeignKey(on_delete=django.db.models.deletion.CASCADE, related_name='point_entries', to='branches.member', verbose_name='人员')),
                ('reverses', models.OneToOneField(blank=True, null=True, on_delete=django.db.models.deletion.PROTECT, related_name='reversed_by', to='services.pointentry', verbose_name='冲正的记录')),
            ],
            options={
                'verbose_name': '积分记录',
                'verbose_name_plural': '积分记录',
                'ordering': ['-created_at', '-pk'],
            },
        ),
        migrations.CreateModel(
            name='PointRule',
            fields=[
                ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                ('action', models.CharField(choices=[('station_checkin', '站点报到'), ('activity', '参加活动'), ('lesson', '微讲堂学习'), ('route_stop', '党课路线打卡'), ('route', '走完党课路线'), ('report', '民情上报'), ('volunteer', '志愿服务')], max_length=20, unique=True, verbose_name='行为')),
                ('points', models.PositiveSmallIntegerField(validators=[django.core.validators.MinValueValidator(1)], verbose_name='积分')),
                ('daily_cap', models.PositiveIntegerField(blank=True, help_text='该行为每天最多获得的积分；留空不限', null=True, verbose_name='每日上限')),
                ('period', models.CharField(choices=[('month', '每月'), ('quarter', '每季度'), ('year', '每年')], default='month', max_length=10, verbose_name='周期')),
                ('period_cap', models.PositiveIntegerField(blank=True, help_text='该行为每周期最多获得的积分；留空不限', null=True, verbose_name='周期上限')),
                ('is_active', models.BooleanField(default=True, verbose_name='启用')),
            ],
            options={
                'verbose_name': '积分规则',
                'verbose_name_plural': '积分规则',
                'ordering': ['pk'],
                'constraints': [models.CheckConstraint(condition=models.Q(('action__in', ['station_checkin', 'activity', 'lesson', 'route_stop', 'route', 'report', 'volunteer'])), name='pointrule_action_valid'), models.CheckConstraint(condition=models.Q(('period__in', ['month', 'quarter', 'year'])), name='pointrule_period_valid'), models.CheckConstraint(condition=models.Q(('points__gte', 1)), name='pointrule_points_positive'), models.CheckConstraint(condition=models.Q(('daily_cap__isnull', True), ('daily_cap__gte', 1), _connector='OR'), name='pointrule_daily_cap_positive'), models.CheckConstraint(condition=models.Q(('period_cap__isnull', True), ('period_cap__gte', 1), _connector='OR'), name='pointrule_period_cap_positive')],
            },
        ),
        migrations.CreateModel(
            name='RouteStop',
            fields=[
                ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                ('order', models.PositiveSmallIntegerField(verbose_name='顺序')),
                ('name', models.CharField(max_length=100, verbose_name='名称')),
                ('description', models.TextField(blank=True, verbose_name='介绍')),
                ('latitude', models.FloatField(help_text='WGS-84', validators=[django.core.validators.MinValueValidator(-90), django.core.validators.MaxValueValidator(90)], verbose_name='纬度')),
                ('longitude', models.FloatField(help_text='WGS-84', validators=[django.core.validators.MinValueValidator(-180), django.core.validators.MaxValueValidator(180)], verbose_name='经度')),
                ('code', models.UUIDField(default=uuid.uuid4, editable=False, unique=True, verbose_name='打卡码')),
                ('route', models.ForeignKey(on_delete=django.db.models.deletion.CASCADE, related_name='stops', to='services.route', verbose_name='路线')),
            ],
            options={
                'verbose_name': '路线站点',
                'verbose_name_plural': '路线站点',
                'ordering': ['route', 'order', 'pk'],
            },
        ),
        migrations.CreateModel(
            name='RouteStopVisit',
            fields=[
                ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                ('method', models.CharField(choices=[('qr', '扫码'), ('location', '定位')], max_length=10, verbose_name='方式')),
                ('visited_at', models.DateTimeField(verbose_name='打卡时间')),
                ('member', models.ForeignKey(on_delete=django.db.models.deletion.CASCADE, related_name='route_stop_visits', to='branches.member', verbose_name='人员')),
                ('stop', models.ForeignKey(on_delete=django.db.models.deletion.PROTECT, related_name='visits', to='services.routestop', verbose_name='站点')),
            ],
            options={
                'verbose_name': '路线打卡',
                'verbose_name_plural': '路线打卡',
                'ordering': ['-visited_at'],
            },
        ),
        migrations.CreateModel(
            name='StampGoal',
            fields=[
                ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                ('name', models.CharField(max_length=100, verbose_name='名称')),
                ('stamps_required', models.PositiveSmallIntegerField(validators=[django.core.validators.MinValueValidator(1)], verbose_name='所需印章数')),
                ('benefit_label', models.CharField(max_length=100, verbose_name='解锁权益')),
                ('benefit_amount', models.DecimalField(blank=True, decimal_places=2, max_digits=8, null=True, verbose_name='权益金额（元）')),
                ('is_active', models.BooleanField(default=True, verbose_name='启用')),
            ],
            options={
                'verbose_name': '印章目标',
                'verbose_name_plural': '印章目标',
                'ordering': ['stamps_required', 'pk'],
                'constraints': [models.CheckConstraint(condition=models.Q(('stamps_required__gte', 1)), name='stampgoal_required_positive'), models.CheckConstraint(condition=models.Q(('benefit_amount__isnull', True), ('benefit_amount__gte', 0), _connector='OR'), name='stampgoal_amount_not_negative')],
            },
        ),
        migrations.CreateModel(
            name='StampType',
            fields=[
                ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                ('code', models.SlugField(max_length=40, unique=True, verbose_name='代码')),
                ('name', models.CharField(max_length=50, verbose_name='名称')),
                ('icon', models.CharField(help_text='一个表情符号或一两个字，显示在护照印章格中', max_length=8, verbose_name='图标')),
                ('source_kind', models.CharField(choices=[('station_checkin', '站点报到'), ('activity', '参加活动'), ('lesson', '微讲堂学习'), ('route_stop', '党课路线打卡'), ('route', '走完党课路线'), ('report', '民情上报'), ('volunteer', '志愿服务')], max_length=20, verbose_name='来源')),
                ('sort_order', models.PositiveSmallIntegerField(default=0, verbose_name='排序')),
                ('is_active', models.BooleanField(default=True, verbose_name='启用')),
            ],
            options={
                'verbose_name': '印章类型',
                'verbose_name_plural': '印章类型',
                'ordering': ['sort_order', 'pk'],
                'constraints': [models.CheckConstraint(condition=models.Q(('source_kind__in', ['station_checkin', 'activity', 'lesson', 'route_stop', 'route', 'report', 'volunteer'])), name='stamptype_source_kind_valid')],
            },
        ),
        migrations.CreateModel(
            name='Stamp',
            fields=[
                ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                ('source_kind', models.CharField(choices=[('station_checkin', '站点报到'), ('activity', '参加活动'), ('lesson', '微讲堂学习'), ('route_stop', '党课路线打卡'), ('route', '走完党课路线'), ('report', '民情上报'), ('volunteer', '志愿服务')], max_length=20, verbose_name='来源')),
                ('source_id', models.PositiveBigIntegerField(verbose_name='来源编号')),
                ('label', models.CharField(blank=True, max_length=100, verbose_name='说明')),
                ('awarded_at', models.DateTimeField(default=django.utils.timezone.now, verbose_name='获得时间')),
                ('member', models.ForeignKey(on_delete=django.db.models.deletion.CASCADE, related_name='stamps', to='branches.member', verbose_name='人员')),
                ('type', models.ForeignKey(on_delete=django.db.models.deletion.PROTECT, related_name='stamps', to='services.stamptype', verbose_name='印章类型')),
            ],
            options={
                'verbose_name': '印章',
                'verbose_name_plural': '印章',
                'ordering': ['-awarded_at', '-pk'],
            },
        ),
        migrations.AddField(
            model_name='route',
            name='badge',
            field=models.ForeignKey(blank=True, limit_choices_to={'source_kind': 'route'}, null=True, on_delete=django.db.models.deletion.PROTECT, related_name='routes', to='services.stamptype', verbose_name='路线徽章'),
        ),
        migrations.CreateModel(
            name='VolunteerService',
            fields=[
                ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                ('description', models.CharField(max_length=200, verbose_name='服务内容')),
                ('served_on', models.DateField(verbose_name='服务日期')),
                ('hours', models.DecimalField(decimal_places=1, max_digits=4, validators=[django.core.validators.MinValueValidator(0.5), django.core.validators.MaxValueValidator(24)], verbose_name='时长（小时）')),
                ('status', models.CharField(choices=[('pending', '待审核'), ('approved', '已认定'), ('refused', '未认定')], default='pending', max_length=20, verbose_name='状态')),
                ('decided_at', models.DateTimeField(blank=True, null=True, verbose_name='审核时间')),
                ('refusal_reason', models.CharField(blank=True, max_length=200, verbose_name='未认定原因')),
                ('created_at', models.DateTimeField(auto_now_add=True, verbose_name='登记时间')),
                ('activity', models.ForeignKey(blank=True, null=True, on_delete=django.db.models.deletion.PROTECT, related_name='volunteer_services', to='services.activity', verbose_name='志愿活动')),
                ('decided_by', models.ForeignKey(blank=True, null=True, on_delete=django.db.models.deletion.SET_NULL, related_name='+', to=settings.AUTH_USER_MODEL, verbose_name='审核人')),
                ('member', models.ForeignKey(on_delete=django.db.models.deletion.CASCADE, related_name='volunteer_services', to='branches.member', verbose_name='人员')),
            ],
            options={
                'verbose_name': '志愿服务时长',
                'verbose_name_plural': '志愿服务时长',
                'ordering': ['-served_on', '-pk'],
            },
        ),
        migrations.AddConstraint(
            model_name='lesson',
            constraint=models.UniqueConstraint(fields=('series', 'order'), name='lesson_unique_order'),
        ),
        migrations.AddConstraint(
            model_name='lesson',
            constraint=models.CheckConstraint(condition=models.Q(('duration_minutes__gte', 1), ('duration_minutes__lte', 240)), name='lesson_duration_range'),
        ),
        migrations.AddConstraint(
            model_name='lesson',
            constraint=models.CheckConstraint(condition=models.Q(models.Q(('video_url', ''), _negated=True), models.Q(('text', ''), _negated=True), _connector='OR'), name='lesson_video_or_text'),
        ),
        migrations.AddConstraint(
            model_name='lessoncompletion',
            constraint=models.UniqueConstraint(fields=('member', 'lesson'), name='lesson_finished_once'),
        ),
        migrations.AddConstraint(
            model_name='lessoncompletion',
            constraint=models.CheckConstraint(condition=models.Q(('finished_at__gt', models.F('opened_at'))), name='lesson_finished_after_opened'),
        ),
        migrations.AddIndex(
            model_name='pointentry',
            index=models.Index(fields=['member', '-created_at'], name='pointentry_member_idx'),
        ),
        migrations.AddIndex(
            model_name='pointentry',
            index=models.Index(fields=['member', 'source_kind', 'local_date'], name='pointentry_cap_idx'),
        ),
        migrations.AddConstraint(
            model_name='pointentry',
            constraint=models.CheckConstraint(condition=models.Q(('kind__in', ['award', 'correction'])), name='pointentry_kind_valid'),
        ),
        migrations.AddConstraint(
            model_name='pointentry',
            constraint=models.CheckConstraint(condition=models.Q(('source_kind__in', ['station_checkin', 'activity', 'lesson', 'route_stop', 'route', 'report', 'volunteer'])), name='pointentry_source_kind_valid'),
        ),
        migrations.AddConstraint(
            model_name='pointentry',
            constraint=models.CheckConstraint(condition=models.Q(('points', 0), _negated=True), name='pointentry_points_nonzero'),
        ),
        migrations.AddConstraint(
            model_name='pointentry',
            constraint=models.CheckConstraint(condition=models.Q(models.Q(('kind', 'award'), ('points__gt', 0), ('reverses__isnull', True)), models.Q(('created_by__isnull', False), ('kind', 'correction'), ('reverses__isnull', False), models.Q(('reason', ''), _negated=True)), _connector='OR'), name='pointentry_award_or_correction'),
        ),
        migrations.AddConstraint(
            model_name='pointentry',
            constraint=models.UniqueConstraint(condition=models.Q(('kind', 'award')), fields=('member', 'source_kind', 'source_id'), name='pointentry_once_per_source'),
        ),
        migrations.AddConstraint(
            model_name='routestop',
            constraint=models.UniqueConstraint(fields=('route', 'order'), name='routestop_unique_order'),
        ),
        migrations.AddConstraint(
            model_name='routestop',
            constraint=models.CheckConstraint(condition=models.Q(('latitude__gte', -90), ('latitude__lte', 90), ('longitude__gte', -180), ('longitude__lte', 180)), name='routestop_coordinates_valid'),
        ),
        migrations.AddConstraint(
            model_name='routestopvisit',
            constraint=models.CheckConstraint(condition=models.Q(('method__in', ['qr', 'location'])), name='routestopvisit_method_valid'),
        ),
        migrations.AddConstraint(
            model_name='routestopvisit',
            constraint=models.UniqueConstraint(fields=('member', 'stop'), name='routestop_visited_once'),
        ),
        migrations.AddIndex(
            model_name='stamp',
            index=models.Index(fields=['member', '-awarded_at'], name='stamp_member_awarded_idx'),
        ),
        migrations.AddConstraint(
            model_name='stamp',
            constraint=models.CheckConstraint(condition=models.Q(('source_kind__in', ['station_checkin', 'activity', 'lesson', 'route_stop', 'route', 'report', 'volunteer'])), name='stamp_source_kind_valid'),
        ),
        migrations.AddConstraint(
            model_name='stamp',
            constraint=models.UniqueConstraint(fields=('member', 'source_kind', 'source_id'), name='stamp_once_per_source'),
        ),
        migrations.AddIndex(
            model_name='volunteerservice',
            index=models.Index(fields=['status', 'served_on'], name='volunteer_status_idx'),
        ),
        migrations.AddConstraint(
            model_name='volunteerservice',
            constraint=models.CheckConstraint(condition=models.Q(('status__in', ['pending', 'approved', 'refused'])), name='volunteer_status_valid'),
        ),
        migrations.AddConstraint(
            model_name='volunteerservice',
            constraint=models.CheckConstraint(condition=models.Q(('hours__gte', 0.5), ('hours__lte', 24)), name='volunteer_hours_range'),
        ),
        migrations.AddConstraint(
            model_name='volunteerservice',
            constraint=models.UniqueConstraint(condition=models.Q(('activity__isnull', False)), fields=('member', 'activity'), name='volunteer_once_per_activity'),
        ),
        migrations.AddConstraint(
            model_name='volunteerservice',
            constraint=models.CheckConstraint(condition=models.Q(('status', 'pending'), ('decided_at__isnull', False), _connector='OR'), name='volunteer_decided_has_time'),
        ),
    ]


# Seeded data: one stamp type per source, and the points rules (both edited in the admin).
STAMP_TYPES = [
    # code, name, icon, source kind
    ("station-checkin", "阵地报到", "🏠", "station_checkin"),
    ("activity", "活动参与", "🚩", "activity"),
    ("lesson", "微讲堂", "📖", "lesson"),
    ("route-stop", "红色足迹", "👣", "route_stop"),
    ("route", "路线徽章", "🏅", "route"),
    ("report", "民情哨兵", "📣", "report"),
    ("volunteer", "志愿服务", "🤝", "volunteer"),
]
POINT_RULES = [
    # action, points, daily cap, period, period cap
    ("station_checkin", 5, 10, "month", 100),
    ("activity", 10, 30, "month", 200),
    ("lesson", 5, 20, "month", 100),
    ("route_stop", 2, 20, "month", None),
    ("route", 20, None, "month", None),
    ("report", 10, 30, "month", 150),
    ("volunteer", 15, 30, "month", 200),
]


def seed(apps, schema_editor):
    StampType = apps.get_model("services", "StampType")
    PointRule = apps.get_model("services", "PointRule")
    for order, (code, name, icon, kind) in enumerate(STAMP_TYPES, start=1):
        StampType.objects.get_or_create(
            code=code,
            defaults={"name": name, "icon": icon, "source_kind": kind, "sort_order": order},
        )
    for action, points, daily, period, period_cap in POINT_RULES:
        PointRule.objects.get_or_create(
            action=action,
            defaults={
                "points": points,
                "daily_cap": daily,
                "period": period,
                "period_cap": period_cap,
            },
        )


def unseed(apps, schema_editor):
    """The tables go with the reversed schema operations."""


Migration.operations += [
    migrations.RunPython(seed, unseed),
    migrations.RunPython(_grants.grant, _grants.noop),
]
