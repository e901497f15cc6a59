"""A member's history: political-status steps (the lifecycle) and organization transfers
(组织关系转接). Both are append-only records; the member row holds the current state."""

from django.conf import settings
from django.core.validators import FileExtensionValidator
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from branches.models.core import Member, Organization, PoliticalStatus

ATTACHMENT_EXTENSIONS = ["pdf", "jpg", "jpeg", "png"]


class MemberStatusChange(models.Model):
    """One recorded step of a member's political status: from, to, when, who recorded it,
    an optional scanned document (stored through Django's default storage, so a shared object
    store works with several hosts) and a note. A correction may go in any direction and must
    give its reason in `note`; every other step goes forward (see `branches.actions`)."""

    member = models.ForeignKey(
        Member, verbose_name=_("人员"), on_delete=models.CASCADE, related_name="status_changes"
    )
    from_status = models.CharField(_("原政治面貌"), max_length=20, choices=PoliticalStatus.choices)
    to_status = models.CharField(_("新政治面貌"), max_length=20, choices=PoliticalStatus.choices)
    changed_on = models.DateField(_("日期"))
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("记录人"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )
    attachment = models.FileField(
        _("附件"),
        upload_to="branches/status/%Y/%m/",
        blank=True,
        validators=[FileExtensionValidator(ATTACHMENT_EXTENSIONS)],
        help_text=_("PDF 或图片，不超过 5 MB。"),
    )
    note = models.TextField(_("说明"), blank=True)
    is_correction = models.BooleanField(_("更正"), default=False)
    recorded_at = models.DateTimeField(_("记录时间"), auto_now_add=True)

    class Meta:
        verbose_name = _("政治面貌变更")
        verbose_name_plural = _("政治面貌变更")
        ordering = ["changed_on", "recorded_at", "pk"]
        constraints = [
            models.CheckConstraint(
                condition=Q(from_status__in=PoliticalStatus.values)
                & Q(to_status__in=PoliticalStatus.values),
                name="status_change_statuses_valid",
            ),
            models.CheckConstraint(
                condition=~Q(from_status=models.F("to_status")),
                name="status_change_changes_something",
            ),
            # A correction always says why.
            models.CheckConstraint(
                condition=Q(is_correction=False) | ~Q(note=""),
                name="status_change_correction_has_reason",
            ),
        ]
        indexes = [
            # The member page's timeline.
            models.Index(fields=["member", "changed_on"], name="status_change_member_idx"),
        ]

    def __str__(self):
        return f"{self.member}: {self.get_from_status_display()} → {self.get_to_status_display()}"


class TransferStatus(models.TextChoices):
    PENDING = "pending", _("待接收")
    ACCEPTED = "accepted", _("已接收")
    REFUSED = "refused", _("已拒绝")


class TransferQuerySet(models.QuerySet):
    def visible_to(self, user):
        """Transfers into or out of an organization `user` may see, or of a member in their
        scope. District staff see all."""
        if not user.is_authenticated:
            return self.none()
        if user.has_perm("branches.view_transfer"):
            return self
        organizations = Organization.objects.visible_to(user)
        return self.filter(
            Q(to_organization__in=organizations)
            | Q(from_organization__in=organizations)
            | Q(member__in=Member.objects.visible_to(user))
        )

    def incoming_for(self, user):
        """Pending transfers that `user` decides: into an organization in their scope."""
        if user.has_perm("branches.change_transfer"):
            return self.filter(status=TransferStatus.PENDING)
        return self.filter(
            status=TransferStatus.PENDING,
            to_organization__in=Organization.objects.visible_to(user),
        )


class Transfer(models.Model):
    """A request to move a member's organizational relation (组织关系转接) from one organization
    to another. The receiving organization's organizer accepts (the member moves) or refuses
    (with a reason). Kept after the decision: the history of where a member has been."""

    member = models.ForeignKey(
        Member, verbose_name=_("人员"), on_delete=models.CASCADE, related_name="transfers"
    )
    from_organization = models.ForeignKey(
        Organization,
        verbose_name=_("转出党组织"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="transfers_out",
    )
    to_organization = models.ForeignKey(
        Organization,
        verbose_name=_("转入党组织"),
        on_delete=models.PROTECT,
        related_name="transfers_in",
    )
    reason = models.TextField(_("转接原因"), blank=True)
    status = models.CharField(
        _("状态"), max_length=20, choices=TransferStatus.choices, default=TransferStatus.PENDING
    )
    requested_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("申请人"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )
    requested_at = models.DateTimeField(_("申请时间"), auto_now_add=True)
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("处理人"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )
    decided_at = models.DateTimeField(_("处理时间"), null=True, blank=True)
    decision_note = models.TextField(_("处理意见"), blank=True)

    objects = TransferQuerySet.as_manager()

    class Meta:
        verbose_name = _("组织关系转接")
        verbose_name_plural = _("组织关系转接")
        ordering = ["-requested_at", "-pk"]
        constraints = [
            models.CheckConstraint(
                condition=Q(status__in=TransferStatus.values), name="transfer_status_valid"
            ),
            models.CheckConstraint(
                condition=~Q(from_organization=models.F("to_organization")),
                name="transfer_changes_organization",
            ),
            # Decided exactly when no longer pending.
            models.CheckConstraint(
                condition=(Q(status=TransferStatus.PENDING) & Q(decided_at__isnull=True))
                | (~Q(status=TransferStatus.PENDING) & Q(decided_at__isnull=False)),
                name="transfer_decided_when_not_pending",
            ),
            models.CheckConstraint(
                condition=~Q(status=TransferStatus.REFUSED) | ~Q(decision_note=""),
                name="transfer_refusal_has_reason",
            ),
            # One open request per member at a time.
            models.UniqueConstraint(
                fields=["member"],
                condition=Q(status=TransferStatus.PENDING),
                name="transfer_one_pending_per_member",
            ),
        ]
        indexes = [
            # The incoming list: pending transfers into the organizer's organizations.
            models.Index(fields=["to_organization", "status"], name="transfer_incoming_idx"),
        ]

    def __str__(self):
        return f"{self.member}: {self.from_organization or '—'} → {self.to_organization}"
