"""The record of every roster import through the admin (who, when, which file, what happened),
and the background jobs that check and import large roster files."""

import datetime
import uuid

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _


class ImportOutcome(models.TextChoices):
    CHECKED = "checked", _("预检通过，待确认")
    CHECK_FAILED = "check_failed", _("预检有错误，未写入")
    IMPORTED = "imported", _("已导入")
    ROLLED_BACK = "rolled_back", _("有错误，全部未写入")


class RosterImport(models.Model):
    """One dry run or confirmed import of a roster file. Append-only; kept for the audit."""

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("操作人"),
        on_delete=models.SET_NULL,
        null=True,
        related_name="+",
    )
    created_at = models.DateTimeField(_("时间"), auto_now_add=True)
    file_name = models.CharField(_("文件名"), max_length=255, blank=True)
    sha256 = models.CharField(_("SHA-256"), max_length=64, blank=True)
    dry_run = models.BooleanField(_("预检"), default=False)
    total_rows = models.PositiveIntegerField(_("总行数"), default=0)
    new_rows = models.PositiveIntegerField(_("新增"), default=0)
    updated_rows = models.PositiveIntegerField(_("更新"), default=0)
    unchanged_rows = models.PositiveIntegerField(_("未变"), default=0)
    error_rows = models.PositiveIntegerField(_("错误"), default=0)
    outcome = models.CharField(_("结果"), max_length=20, choices=ImportOutcome.choices)

    class Meta:
        verbose_name = _("名册导入记录")
        verbose_name_plural = _("名册导入记录")
        ordering = ["-created_at", "-pk"]
        constraints = [
            models.CheckConstraint(
                condition=Q(outcome__in=ImportOutcome.values), name="roster_import_outcome_valid"
            ),
        ]

    def __str__(self):
        return f"{self.file_name} · {self.get_outcome_display()}"


def import_upload_path(job, filename):
    """Uploaded roster files wait under an unguessable name, whatever the user called them."""
    return f"roster-imports/{job.pk}.{job.file_format}"


class ImportJobState(models.TextChoices):
    QUEUED = "queued", _("排队中")
    RUNNING = "running", _("处理中")
    WRITING = "writing", _("写入中")
    CHECKED = "checked", _("预检通过，待确认")
    CHECK_FAILED = "check_failed", _("预检有错误，未写入")
    IMPORTED = "imported", _("已导入")
    ROLLED_BACK = "rolled_back", _("有错误，全部未写入")
    FAILED = "failed", _("处理出错，未写入")


# States in which a worker still has something to do: the progress page keeps refreshing.
IMPORT_JOB_ACTIVE = (ImportJobState.QUEUED, ImportJobState.RUNNING, ImportJobState.WRITING)
IMPORT_JOB_FILE_FORMATS = ("xlsx", "csv")


class RosterImportJob(models.Model):
    """A roster file too large to check and import within a request
    (settings.ROSTER_IMPORT_BACKGROUND_BYTES): it waits in Django's storage (`upload`, readable
    by every app host) while a worker runs the dry run, then, once confirmed, the import, with
    the same resource, the same all-or-nothing rule and the same `RosterImport` record as the
    admin's in-request path. Made and moved on by `branches.actions.roster_import_job_*`."""

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("操作人"),
        on_delete=models.PROTECT,
        related_name="+",
    )
    created_at = models.DateTimeField(_("上传时间"), auto_now_add=True)
    updated_at = models.DateTimeField(_("更新时间"), auto_now=True)
    file_name = models.CharField(_("文件名"), max_length=255)
    file_format = models.CharField(_("格式"), max_length=10)
    file_size = models.PositiveBigIntegerField(_("文件大小"))
    upload = models.FileField(_("文件"), upload_to=import_upload_path, max_length=255, blank=True)
    sha256 = models.CharField(_("SHA-256"), max_length=64, blank=True)
    dry_run = models.BooleanField(_("预检"), default=True)
    state = models.CharField(
        _("状态"), max_length=20, choices=ImportJobState.choices, default=ImportJobState.QUEUED
    )
    total_rows = models.PositiveIntegerField(_("总行数"), default=0)
    processed_rows = models.PositiveIntegerField(_("已处理行数"), default=0)
    new_rows = models.PositiveIntegerField(_("新增"), default=0)
    updated_rows = models.PositiveIntegerField(_("更新"), default=0)
    unchanged_rows = models.PositiveIntegerField(_("未变"), default=0)
    error_rows = models.PositiveIntegerField(_("错误"), default=0)
    # The first error rows as the dry run's table shows them (line, name, masked phone,
    # reasons), and file-level errors; at most IMPORT_JOB_ERRORS_KEPT rows.
    errors = models.JSONField(_("错误明细"), default=list, blank=True)
    message = models.TextField(_("说明"), blank=True)
    task_id = models.CharField(_("任务编号"), max_length=64, blank=True)
    # The uploader's interface language: the worker writes the row errors in it.
    language = models.CharField(_("语言"), max_length=10, blank=True)

    class Meta:
        verbose_name = _("后台名册导入")
        verbose_name_plural = _("后台名册导入")
        ordering = ["-created_at"]
        constraints = [
            models.CheckConstraint(
                condition=Q(state__in=ImportJobState.values), name="roster_job_state_valid"
            ),
            models.CheckConstraint(
                condition=Q(file_format__in=IMPORT_JOB_FILE_FORMATS),
                name="roster_job_format_valid",
            ),
            models.CheckConstraint(
                condition=Q(processed_rows__lte=models.F("total_rows")),
                name="roster_job_progress_in_range",
            ),
        ]

    def __str__(self):
        return f"{self.file_name} · {self.get_state_display()}"

    @classmethod
    def unconfirmed_since(cls, before):
        """Jobs whose dry run passed before `before` and were never confirmed, still holding
        their file: what retention deletes (`roster_import_uploads_prune`)."""
        return cls.objects.filter(
            state=ImportJobState.CHECKED, dry_run=True, updated_at__lt=before
        ).exclude(upload="")

    @property
    def active(self) -> bool:
        return self.state in IMPORT_JOB_ACTIVE

    @property
    def stalled(self) -> bool:
        """Queued or running, but not moved for longer than any step takes: no worker runs, or
        the one that ran it stopped."""
        from django.utils import timezone

        return self.active and timezone.now() - self.updated_at > IMPORT_JOB_STALL_AFTER

    @property
    def percent(self) -> int:
        if self.state in (ImportJobState.WRITING, *IMPORT_JOB_DONE):
            return 100
        return self.processed_rows * 100 // self.total_rows if self.total_rows else 0


IMPORT_JOB_DONE = (
    ImportJobState.CHECKED,
    ImportJobState.CHECK_FAILED,
    ImportJobState.IMPORTED,
    ImportJobState.ROLLED_BACK,
    ImportJobState.FAILED,
)
IMPORT_JOB_ERRORS_KEPT = 500
# Progress is written at least every 1,000 rows (a second or two): ten minutes without any
# means the job is not being worked on.
IMPORT_JOB_STALL_AFTER = datetime.timedelta(minutes=10)
