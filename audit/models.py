"""The audit trail: append-only, hash-chained records of who did what, from where, and how it
ended. Every app writes here through `audit.record.record_event`; nothing reads from here but
the auditor's pages and the verification command.

Append-only is enforced by PostgreSQL triggers (migration 0002): UPDATE is refused, DELETE only
for rows past the retention floor and only inside `audit_prune`. The SQLite development database
relies on the code-level guard in `AuditEvent.save()` / `delete()` alone."""

from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _


class Event(models.TextChoices):
    LOGIN = "login", _("登录")
    LOGOUT = "logout", _("退出登录")
    LOGIN_FAILED = "login_failed", _("登录失败")
    LOCKOUT = "lockout", _("账户锁定")
    PASSWORD_CHANGE = "password_change", _("修改密码")
    PASSWORD_RESET = "password_reset", _("重置密码")
    MFA_CHANGE = "mfa_change", _("两步验证变更")
    CREATE = "create", _("新增")
    UPDATE = "update", _("修改")
    DELETE = "delete", _("删除")
    PERMISSION_CHANGE = "permission_change", _("权限变更")
    IMPORT = "import", _("导入")
    EXPORT = "export", _("导出")
    PHONE_REVEAL = "phone_reveal", _("查看完整手机号")
    ERASURE = "erasure", _("个人信息匿名化")


class Outcome(models.TextChoices):
    SUCCESS = "success", _("成功")
    FAILURE = "failure", _("失败")
    DENIED = "denied", _("拒绝")


class AppendOnlyError(Exception):
    """Raised when code tries to change or delete an audit record."""


class AuditEventQuerySet(models.QuerySet):
    def update(self, **kwargs):
        raise AppendOnlyError("audit records are append-only")

    def delete(self):
        raise AppendOnlyError("audit records are append-only")

    def visible_to(self, user):
        """The whole trail for holders of `audit.view_auditevent` (the auditor), else nothing."""
        if user.is_authenticated and user.has_perm("audit.view_auditevent"):
            return self
        return self.none()


class AuditEvent(models.Model):
    """One audited event. `actor_id`/`actor_username` are copies, not a foreign key: a record
    must outlive its actor's account and can never be rewritten by an ON DELETE rule."""

    occurred_at = models.DateTimeField(_("时间"), db_index=True)
    actor_id = models.BigIntegerField(_("操作人编号"), null=True, blank=True)
    actor_username = models.CharField(_("操作人"), max_length=150, blank=True)
    client_ip = models.GenericIPAddressField(_("客户端地址"), null=True, blank=True)
    event = models.CharField(_("事件"), max_length=30, choices=Event.choices)
    object_type = models.CharField(_("对象类型"), max_length=100, blank=True)
    object_id = models.CharField(_("对象编号"), max_length=64, blank=True)
    object_repr = models.CharField(_("对象"), max_length=200, blank=True)
    outcome = models.CharField(_("结果"), max_length=10, choices=Outcome.choices)
    changes = models.JSONField(_("变更内容"), default=dict, blank=True)
    detail = models.JSONField(_("详情"), default=dict, blank=True)
    prev_hash = models.CharField(_("前一条哈希"), max_length=64)
    hash = models.CharField(_("哈希"), max_length=64, unique=True)

    objects = AuditEventQuerySet.as_manager()

    class Meta:
        verbose_name = _("审计记录")
        verbose_name_plural = _("审计记录")
        ordering = ["-pk"]
        constraints = [
            models.CheckConstraint(condition=Q(event__in=Event.values), name="audit_event_valid"),
            models.CheckConstraint(
                condition=Q(outcome__in=Outcome.values), name="audit_outcome_valid"
            ),
        ]
        indexes = [
            # The auditor's filter by actor, newest first.
            models.Index(fields=["actor_username", "-occurred_at"], name="audit_actor_time_idx"),
            # The auditor's filter by object.
            models.Index(fields=["object_type", "object_id"], name="audit_object_idx"),
        ]

    def __str__(self):
        return f"{self.occurred_at:%Y-%m-%d %H:%M:%S} {self.actor_username} {self.event}"

    def save(self, *args, **kwargs):
        if self.pk is not None:
            raise AppendOnlyError("audit records are append-only")
        super().save(*args, **kwargs)

    def delete(self, *args, **kwargs):
        raise AppendOnlyError("audit records are append-only")

    def change_lines(self) -> list[str]:
        """The changes as text: "field: before → after" (or the recorded value as it is)."""
        lines = []
        for field, values in (self.changes or {}).items():
            if isinstance(values, list) and len(values) == 2:
                lines.append(f"{field}: {values[0]} → {values[1]}")
            else:
                lines.append(f"{field}: {values}")
        return lines

    def detail_lines(self) -> list[str]:
        """The details (an import's file hash and counts, an export's filters and rows, the
        members whose phones a page showed) as "key: value" text."""
        return [f"{key}: {value}" for key, value in (self.detail or {}).items()]


class ChainHead(models.Model):
    """The single row holding the newest record's hash. Writers lock it, so records are
    chained in one order even when several processes write at once."""

    last_hash = models.CharField(max_length=64)

    class Meta:
        verbose_name = _("哈希链头")
        verbose_name_plural = _("哈希链头")
        constraints = [models.CheckConstraint(condition=Q(pk=1), name="audit_single_head")]

    def __str__(self):
        return self.last_hash
