"""The record of every roster import through the admin: who, when, which file, what happened."""

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
