"""Care programs (issue 6, part 2): aid applications (助学帮扶 ...), commendations (骑士表彰)
and career plans (站长培养计划). Imported from `services.models` so Django finds the models.

Every write goes through `services.care_actions`; reads are the QuerySet methods below."""

from django.conf import settings
from django.core.files.storage import storages
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from branches.models import Member, Organization, Street

AID_ATTACHMENT_MAX_BYTES = 10 * 1024 * 1024
AID_MAX_ATTACHMENTS = 5


def private_storage():
    """Where aid attachments live: never under MEDIA_URL, served only by the portal's own view
    to people who may see the application (settings `STORAGES["private"]`)."""
    return storages["private"]


def _members_in_scope(user):
    """Members whose records `user` manages as an organizer (not themselves as a member)."""
    return Member.objects.filter(
        Q(organization__in=Organization.objects.visible_to(user))
        | Q(street__in=Street.objects.organized_by(user))
    )


# --- Aid applications ---------------------------------------------------------------------------


class AidProgram(models.Model):
    """A kind of aid members may apply for (助学帮扶, 大病救助 ...): data, edited in the admin."""

    name = models.CharField(_("名称"), max_length=100, unique=True)
    description = models.TextField(_("说明"), blank=True)
    max_amount = models.DecimalField(
        _("最高金额（元）"), max_digits=10, decimal_places=2, null=True, blank=True
    )
    is_active = models.BooleanField(_("接受申请"), default=True)

    class Meta:
        verbose_name = _("帮扶项目")
        verbose_name_plural = _("帮扶项目")
        ordering = ["name"]
        constraints = [
            models.CheckConstraint(
                condition=Q(max_amount__isnull=True) | Q(max_amount__gt=0),
                name="aidprogram_max_amount_positive",
            )
        ]

    def __str__(self):
        return self.name


class AidState(models.TextChoices):
    SUBMITTED = "submitted", _("已提交")
    REVIEWED = "reviewed", _("已审核")
    APPROVED = "approved", _("已批准")
    REFUSED = "refused", _("未批准")
    PAID = "paid", _("已发放")


# The workflow: move name -> (states it may start from, state it leads to).
AID_MOVES = {
    "review": ((AidState.SUBMITTED,), AidState.REVIEWED),
    "approve": ((AidState.REVIEWED,), AidState.APPROVED),
    "refuse": ((AidState.REVIEWED,), AidState.REFUSED),
    "pay": ((AidState.APPROVED,), AidState.PAID),
}


class AidApplicationQuerySet(models.QuerySet):
    def visible_to(self, user):
        """Applications `user` may read: all for holders of `services.view_aidapplication`
        (district staff); else their own and those of members in their organizer scope."""
        if not user.is_authenticated:
            return self.none()
        if user.has_perm("services.view_aidapplication"):
            return self
        return self.filter(Q(applicant__user=user) | Q(applicant__in=_members_in_scope(user)))

    def reviewable_by(self, user):
        """Applications `user` may move: all for holders of `services.change_aidapplication`,
        else those of members in their organizer scope; never their own."""
        if not user.is_authenticated:
            return self.none()
        if user.has_perm("services.change_aidapplication"):
            return self.exclude(applicant__user=user)
        return self.filter(applicant__in=_members_in_scope(user)).exclude(applicant__user=user)

    def of_user(self, user):
        if not user.is_authenticated:
            return self.none()
        return self.filter(applicant__user=user)


class AidApplication(models.Model):
    program = models.ForeignKey(
        AidProgram, on_delete=models.PROTECT, related_name="applications", verbose_name=_("项目")
    )
    applicant = models.ForeignKey(
        "branches.Member",
        on_delete=models.PROTECT,
        related_name="aid_applications",
        verbose_name=_("申请人"),
    )
    amount = models.DecimalField(_("申请金额（元）"), max_digits=10, decimal_places=2)
    reason = models.TextField(_("申请理由"), max_length=2000)
    state = models.CharField(
        _("状态"), max_length=20, choices=AidState.choices, default=AidState.SUBMITTED
    )
    submitted_at = models.DateTimeField(_("提交时间"), default=timezone.now)

    objects = AidApplicationQuerySet.as_manager()

    class Meta:
        verbose_name = _("帮扶申请")
        verbose_name_plural = _("帮扶申请")
        ordering = ["-submitted_at", "-pk"]
        constraints = [
            models.CheckConstraint(
                condition=Q(state__in=AidState.values), name="aidapplication_state_valid"
            ),
            models.CheckConstraint(
                condition=Q(amount__gt=0), name="aidapplication_amount_positive"
            ),
        ]
        indexes = [
            # The reviewer queue: filtered by state, newest first.
            models.Index(fields=["state", "-submitted_at"], name="aidapp_state_submitted_idx"),
        ]

    def __str__(self):
        return f"{self.program} · {self.applicant}"


class AidAction(models.Model):
    """One move of an application: who, when, from which state to which, and a note."""

    application = models.ForeignKey(
        AidApplication, on_delete=models.CASCADE, related_name="actions", verbose_name=_("申请")
    )
    by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        related_name="+",
        verbose_name=_("操作人"),
    )
    at = models.DateTimeField(_("时间"), default=timezone.now)
    from_state = models.CharField(_("原状态"), max_length=20, blank=True)
    to_state = models.CharField(_("新状态"), max_length=20, choices=AidState.choices)
    note = models.TextField(_("备注"), blank=True)

    class Meta:
        verbose_name = _("帮扶申请记录")
        verbose_name_plural = _("帮扶申请记录")
        ordering = ["at", "pk"]
        constraints = [
            models.CheckConstraint(
                condition=Q(to_state__in=AidState.values), name="aidaction_to_state_valid"
            ),
        ]

    def __str__(self):
        return f"{self.application_id}: {self.from_state} → {self.to_state}"


class AidAttachmentKind(models.TextChoices):
    IMAGE = "image", _("图片")
    PDF = "pdf", _("PDF 文件")


class AidAttachment(models.Model):
    """A supporting document, checked by content: images re-encoded as JPEG without metadata,
    PDFs recognised by their magic bytes. Stored privately under a random name."""

    application = models.ForeignKey(
        AidApplication,
        on_delete=models.CASCADE,
        related_name="attachments",
        verbose_name=_("申请"),
    )
    kind = models.CharField(_("类型"), max_length=10, choices=AidAttachmentKind.choices)
    file = models.FileField(_("文件"), upload_to="aid/%Y/%m/", storage=private_storage)
    original_name = models.CharField(_("原文件名"), max_length=200, blank=True)
    uploaded_at = models.DateTimeField(_("上传时间"), default=timezone.now)

    class Meta:
        verbose_name = _("帮扶申请附件")
        verbose_name_plural = _("帮扶申请附件")
        ordering = ["pk"]
        constraints = [
            models.CheckConstraint(
                condition=Q(kind__in=AidAttachmentKind.values), name="aidattachment_kind_valid"
            ),
        ]

    def __str__(self):
        return self.original_name or self.file.name

    @property
    def content_type(self) -> str:
        return "application/pdf" if self.kind == AidAttachmentKind.PDF else "image/jpeg"

    @property
    def download_name(self) -> str:
        suffix = "pdf" if self.kind == AidAttachmentKind.PDF else "jpg"
        return f"aid-{self.application_id}-{self.pk}.{suffix}"


# --- Commendations -------------------------------------------------------------------------------


class CommendationState(models.TextChoices):
    NOMINATED = "nominated", _("已提名")
    APPROVED = "approved", _("已批准")
    DECLINED = "declined", _("未批准")


class CommendationQuerySet(models.QuerySet):
    def honour_roll(self):
        """Approved commendations: the public honour roll. A member who had their personal data
        erased (PIPL) leaves it: the honour stays on record, not on public show."""
        return self.filter(state=CommendationState.APPROVED).exclude(
            member__erasure_requests__status="done"
        )

    def visible_to(self, user):
        """Nominations `user` may see: all for district staff (`services.change_commendation`),
        else those they nominated or that name a member in their organizer scope."""
        if not user.is_authenticated:
            return self.none()
        if user.has_perm("services.change_commendation"):
            return self
        return self.filter(Q(nominated_by=user) | Q(member__in=_members_in_scope(user)))


class Commendation(models.Model):
    """A nomination for an honour (骑士表彰, 最美快递员 ...): an organizer nominates, a district
    admin approves or declines; approved ones appear on the public honour roll with the name
    masked (王*明)."""

    title = models.CharField(_("荣誉名称"), max_length=100)
    year = models.PositiveSmallIntegerField(_("年度"))
    member = models.ForeignKey(
        "branches.Member",
        on_delete=models.PROTECT,
        related_name="commendations",
        verbose_name=_("人员"),
    )
    citation = models.TextField(
        _("事迹"), max_length=1000, help_text=_("将公开展示在荣誉榜上，请勿填写手机号等个人信息。")
    )
    state = models.CharField(
        _("状态"),
        max_length=20,
        choices=CommendationState.choices,
        default=CommendationState.NOMINATED,
    )
    nominated_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        related_name="+",
        verbose_name=_("提名人"),
    )
    nominated_at = models.DateTimeField(_("提名时间"), default=timezone.now)
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("审批人"),
    )
    decided_at = models.DateTimeField(_("审批时间"), null=True, blank=True)
    decision_note = models.CharField(_("审批意见"), max_length=500, blank=True)

    objects = CommendationQuerySet.as_manager()

    class Meta:
        verbose_name = _("表彰")
        verbose_name_plural = _("表彰")
        ordering = ["-year", "-decided_at", "-pk"]
        constraints = [
            models.CheckConstraint(
                condition=Q(state__in=CommendationState.values), name="commendation_state_valid"
            ),
            models.UniqueConstraint(
                fields=["title", "year", "member"], name="commendation_once_per_member"
            ),
            # Decided exactly when not nominated any more.
            models.CheckConstraint(
                condition=Q(state=CommendationState.NOMINATED, decided_at__isnull=True)
                | (~Q(state=CommendationState.NOMINATED) & Q(decided_at__isnull=False)),
                name="commendation_decided_when_not_nominated",
            ),
        ]
        indexes = [
            # The honour roll: approved ones by year.
            models.Index(fields=["state", "-year"], name="commendation_state_year_idx"),
        ]

    def __str__(self):
        return f"{self.year} {self.title} · {self.member}"


# --- Career plans ------------------------------------------------------------------------------


class CareerTrack(models.Model):
    """A development track (站长培养计划): ordered milestones, the same for every member on it."""

    name = models.CharField(_("名称"), max_length=100, unique=True)
    description = models.TextField(_("说明"), blank=True)

    class Meta:
        verbose_name = _("成长计划")
        verbose_name_plural = _("成长计划")
        ordering = ["name"]

    def __str__(self):
        return self.name


class CareerMilestone(models.Model):
    track = models.ForeignKey(
        CareerTrack, on_delete=models.CASCADE, related_name="milestones", verbose_name=_("成长计划")
    )
    order = models.PositiveSmallIntegerField(_("顺序"))
    title = models.CharField(_("里程碑"), max_length=100)
    description = models.TextField(_("说明"), blank=True)

    class Meta:
        verbose_name = _("里程碑")
        verbose_name_plural = _("里程碑")
        ordering = ["track", "order"]
        constraints = [
            models.UniqueConstraint(fields=["track", "order"], name="careermilestone_order_unique")
        ]

    def __str__(self):
        return f"{self.order}. {self.title}"


class CareerPlanQuerySet(models.QuerySet):
    def visible_to(self, user):
        """Plans `user` may read: all for district staff (`services.view_careerplan`), else
        their own and those of members in their organizer scope."""
        if not user.is_authenticated:
            return self.none()
        if user.has_perm("services.view_careerplan"):
            return self
        return self.filter(Q(member__user=user) | Q(member__in=_members_in_scope(user)))

    def managed_by(self, user):
        """Plans whose milestones `user` may tick: district staff's all, an organizer's in
        scope; never their own."""
        if not user.is_authenticated:
            return self.none()
        if user.has_perm("services.change_careerplan"):
            return self.exclude(member__user=user)
        return self.filter(member__in=_members_in_scope(user)).exclude(member__user=user)


class CareerPlan(models.Model):
    """One member on one track."""

    track = models.ForeignKey(
        CareerTrack, on_delete=models.PROTECT, related_name="plans", verbose_name=_("成长计划")
    )
    member = models.ForeignKey(
        "branches.Member",
        on_delete=models.PROTECT,
        related_name="career_plans",
        verbose_name=_("人员"),
    )
    started_on = models.DateField(_("开始日期"), default=timezone.localdate)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        related_name="+",
        verbose_name=_("创建人"),
    )

    objects = CareerPlanQuerySet.as_manager()

    class Meta:
        verbose_name = _("个人成长计划")
        verbose_name_plural = _("个人成长计划")
        ordering = ["-started_on", "-pk"]
        constraints = [
            models.UniqueConstraint(fields=["track", "member"], name="careerplan_once_per_member")
        ]

    def __str__(self):
        return f"{self.track} · {self.member}"


class MilestoneCompletion(models.Model):
    """A ticked milestone of a plan: who ticked it and when."""

    plan = models.ForeignKey(
        CareerPlan, on_delete=models.CASCADE, related_name="completions", verbose_name=_("计划")
    )
    milestone = models.ForeignKey(
        CareerMilestone, on_delete=models.CASCADE, related_name="+", verbose_name=_("里程碑")
    )
    completed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        related_name="+",
        verbose_name=_("确认人"),
    )
    completed_at = models.DateTimeField(_("完成时间"), default=timezone.now)
    note = models.CharField(_("备注"), max_length=200, blank=True)

    class Meta:
        verbose_name = _("里程碑完成记录")
        verbose_name_plural = _("里程碑完成记录")
        ordering = ["completed_at", "pk"]
        constraints = [
            models.UniqueConstraint(
                fields=["plan", "milestone"], name="milestonecompletion_once_per_plan"
            )
        ]

    def __str__(self):
        return f"{self.plan_id}: {self.milestone_id}"
