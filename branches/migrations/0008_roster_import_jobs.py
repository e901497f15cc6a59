"""Background roster import (issue 3/10): a large file waits in storage while a worker checks
and imports it; the district admin group gets the new model's permissions."""

import branches.models.imports
import django.db.models.deletion
import uuid
from django.conf import settings
from django.db import migrations, models

from branches.grants import grant_district_admin, noop


class Migration(migrations.Migration):

    dependencies = [
        ('branches', '0007_contactvisit_place_target'),
        migrations.swappable_dependency(settings.AUTH_USER_MODEL),
    ]

    operations = [
        migrations.CreateModel(
            name='RosterImportJob',
            fields=[
                ('id', models.UUIDField(default=uuid.uuid4, editable=False, primary_key=True, serialize=False)),
                ('created_at', models.DateTimeField(auto_now_add=True, verbose_name='上传时间')),
                ('updated_at', models.DateTimeField(auto_now=True, verbose_name='更新时间')),
                ('file_name', models.CharField(max_length=255, verbose_name='文件名')),
                ('file_format', models.CharField(max_length=10, verbose_name='格式')),
                ('file_size', models.PositiveBigIntegerField(verbose_name='文件大小')),
                ('upload', models.FileField(blank=True, max_length=255, upload_to=branches.models.imports.import_upload_path, verbose_name='文件')),
                ('sha256', models.CharField(blank=True, max_length=64, verbose_name='SHA-256')),
                ('dry_run', models.BooleanField(default=True, verbose_name='预检')),
                ('state', models.CharField(choices=[('queued', '排队中'), ('running', '处理中'), ('writing', '写入中'), ('checked', '预检通过，待确认'), ('check_failed', '预检有错误，未写入'), ('imported', '已导入'), ('rolled_back', '有错误，全部未写入'), ('failed', '处理出错，未写入')], default='queued', max_length=20, verbose_name='状态')),
                ('total_rows', models.PositiveIntegerField(default=0, verbose_name='总行数')),
                ('processed_rows', models.PositiveIntegerField(default=0, verbose_name='已处理行数')),
                ('new_rows', models.PositiveIntegerField(default=0, verbose_name='新增')),
                ('updated_rows', models.PositiveIntegerField(default=0, verbose_name='更新')),
                ('unchanged_rows', models.PositiveIntegerField(default=0, verbose_name='未变')),
                ('error_rows', models.PositiveIntegerField(default=0, verbose_name='错误')),
                ('errors', models.JSONField(blank=True, default=list, verbose_name='错误明细')),
                ('message', models.TextField(blank=True, verbose_name='说明')),
                ('task_id', models.CharField(blank=True, max_length=64, verbose_name='任务编号')),
                ('language', models.CharField(blank=True, max_length=10, verbose_name='语言')),
                ('user', models.ForeignKey(on_delete=django.db.models.deletion.PROTECT, related_name='+', to=settings.AUTH_USER_MODEL, verbose_name='操作人')),
            ],
            options={
                'verbose_name': '后台名册导入',
                'verbose_name_plural': '后台名册导入',
                'ordering': ['-created_at'],
                'constraints': [models.CheckConstraint(condition=models.Q(('state__in', ['queued', 'running', 'writing', 'checked', 'check_failed', 'imported', 'rolled_back', 'failed'])), name='roster_job_state_valid'), models.CheckConstraint(condition=models.Q(('file_format__in', ('xlsx', 'csv'))), name='roster_job_format_valid'), models.CheckConstraint(condition=models.Q(('processed_rows__lte', models.F('total_rows'))), name='roster_job_progress_in_range')],
            },
        ),
        migrations.RunPython(grant_district_admin, noop),
    ]
