"""Activities and organizational life (issue 5): activities, sign-ups, attendance, leave
requests and the in-portal inbox. Depends on `stations` and `branches`, never the reverse.

Read paths are QuerySet methods (`visible_to`, `listed_for`, `at_station`, `upcoming`); every
write goes through `services.actions`."""

import uuid
from datetime import timedelta

from django.conf import settings
from django.core.validators import FileExtensionValidator
from django.db import models
from django.db.models import F, Q
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from branches.models import Member, Organization
from stations.models import (
    Program,
    Station,
)


class ActivityKind(models.TextChoices):
    # 三会一课 and 主题党日
    BRANCH_ASSEMBLY = "branch_assembly", _("支部党员大会")
    BRANCH_COMMITTEE = "branch_committee", _("支部委员会")
    GROUP_MEETING = "group_meeting", _("党小组会")
    PARTY_LECTURE = "party_lecture", _("党课")
    THEME_DAY = "theme_day", _("主题党日")
    # 五微行动
    MICRO_CARE = "micro_care", _("微关爱")
    MICRO_LECTURE = "micro_lecture", _("微党课")
    MICRO_CHARITY = "micro_charity", _("微公益")
    MICRO_PROJECT = "micro_project", _("微项目")
    MICRO_CONSULT = "micro_consult", _("微咨询")
    # Services
    SKILLS = "skills", _("技能培训")
    COUNSELLING = "counselling", _("心理疏导")
    HEALTH_CHECK = "health_check", _("健康体检")
    CARE = "care", _("关爱活动")
    VOLUNTEER = "volunteer", _("志愿服务")
    RECREATION = "recreation", _("文体活动")
    POLICY_TALK = "policy_talk", _("政策宣讲")


# The organizational-life meetings (三会一课) that keep minutes and count for compliance.
MEETING_KINDS = (
    ActivityKind.BRANCH_ASSEMBLY,
    ActivityKind.BRANCH_COMMITTEE,
    ActivityKind.GROUP_MEETING,
    ActivityKind.PARTY_LECTURE,
)


class Audience(models.TextChoices):
    ORGANIZATION = "organization", _("本组织党员")
    PARTY = "party", _("全体党员")
    WORKERS = "workers", _("全体新就业群体")
    PUBLIC = "public", _("公众")


class ActivityStatus(models.TextChoices):
    DRAFT = "draft", _("草稿")
    PUBLISHED = "published", _("已发布")
    CANCELLED = "cancelled", _("已取消")
    FINISHED = "finished", _("已结束")


def member_of(user) -> Member | None:
    """The member record linked to `user` (cached on the user object), or None."""
    if not user.is_authenticated:
        return None
    if not hasattr(user, "_services_member"):
        user._services_member = (
            Member.objects.filter(user=user).select_related("organization").first()
        )
    return user._services_member


class ActivityQuerySet(models.QuerySet):
    def visible_to(self, user):
        """Activities `user` manages: all for holders of `services.view_activity` (district
        staff); else those hosted by an organization in their scope, held at a station they
        manage or run, or created by them. A few small queries to build the scope."""
        if not user.is_authenticated:
            return self.none()
        if user.has_perm("services.view_activity"):
            return self
        return self.filter(self._managed_q(user))

    @staticmethod
    def _managed_q(user) -> Q:
        # The scope's ids are read once per user object (that is, once per request).
        cached = getattr(user, "_services_scope", None)
        if cached is None:
            cached = user._services_scope = (
                list(Organization.objects.visible_to(user).values_list("pk", flat=True)),
                list(Station.objects.visible_to(user).values_list("pk", flat=True)),
            )
        organizations, stations = cached
        return Q(host_organization__in=organizations) | Q(station__in=stations) | Q(created_by=user)

    def published(self):
        """Published or finished: what anyone may ever be shown."""
        return self.filter(status__in=[ActivityStatus.PUBLISHED, ActivityStatus.FINISHED])

    def for_audience(self, user):
        """Published activities whose audience includes `user`: public ones for everyone;
        all-workers ones for anyone with a member record; all-party ones for party members;
        organization ones for members of the host organization or an organization under it."""
        member = member_of(user)
        audience = Q(audience=Audience.PUBLIC)
        if member is not None:
            audience |= Q(audience=Audience.WORKERS)
            if member.is_party_member:
                audience |= Q(audience=Audience.PARTY)
            if member.organization is not None:
                # The host is the member's organization or one of its ancestors.
                path = member.organization.path
                steps = Organization.steplen
                ancestor_paths = [path[:i] for i in range(steps, len(path) + 1, steps)]
                audience |= Q(
                    audience=Audience.ORGANIZATION, host_organization__path__in=ancestor_paths
                )
        return self.published().filter(audience)

    def listed_for(self, user):
        """The calendar: what `user` may attend, plus (for managers) what they manage,
        drafts included."""
        published = self.for_audience(user)
        if not user.is_authenticated:
            return published
        return (published | self.visible_to(user)).distinct()

    def at_station(self, station):
        return self.filter(station=station)

    def upcoming(self):
        """Published activities not yet over, soonest first (for the station page/console)."""
        return (
            self.filter(status=ActivityStatus.PUBLISHED, end__gte=timezone.now())
            .select_related("station", "host_organization")
            .order_by("start", "pk")
        )

    def with_counts(self):
        """Annotate `signed_up` and `waitlisted`: one GROUP BY, no query per row."""
        return self.annotate(
            signed_up=models.Count("signups", filter=Q(signups__status=SignupStatus.CONFIRMED)),
            waitlisted=models.Count("signups", filter=Q(signups__status=SignupStatus.WAITLISTED)),
        )


class Activity(models.Model):
    """Something organized for or by the groups: a 三会一课 meeting, a 主题党日, a 五微 action, a
    training. `code` is the unguessable token of its QR landing `/a/<code>/`."""

    title = models.CharField(_("标题"), max_length=100)
    kind = models.CharField(_("类型"), max_length=30, choices=ActivityKind.choices)
    program = models.CharField(_("所属项目"), max_length=20, choices=Program.choices)
    host_organization = models.ForeignKey(
        "branches.Organization",
        verbose_name=_("主办党组织"),
        on_delete=models.PROTECT,
        related_name="activities",
    )
    street = models.ForeignKey(
        "branches.Street",
        verbose_name=_("所属街道"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="activities",
        help_text=_("由活动地点或主办组织自动确定"),
    )
    station = models.ForeignKey(
        "stations.Station",
        verbose_name=_("活动站点"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="activities",
    )
    address = models.CharField(_("其他地址"), max_length=200, blank=True)
    online_url = models.URLField(_("线上链接"), blank=True)
    start = models.DateTimeField(_("开始时间"))
    end = models.DateTimeField(_("结束时间"))
    capacity = models.PositiveIntegerField(
        _("名额"), null=True, blank=True, help_text=_("留空表示不限")
    )
    audience = models.CharField(
        _("参加对象"), max_length=20, choices=Audience.choices, default=Audience.ORGANIZATION
    )
    status = models.CharField(
        _("状态"), max_length=20, choices=ActivityStatus.choices, default=ActivityStatus.DRAFT
    )
    description = models.TextField(_("活动介绍"), blank=True)
    series = models.UUIDField(_("系列标识"), null=True, blank=True, editable=False)
    code = models.UUIDField(_("签到码"), default=uuid.uuid4, unique=True, editable=False)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("创建人"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )
    created_at = models.DateTimeField(_("创建时间"), auto_now_add=True)
    updated_at = models.DateTimeField(_("更新时间"), auto_now=True)

    objects = ActivityQuerySet.as_manager()

    class Meta:
        verbose_name = _("活动")
        verbose_name_plural = _("活动")
        ordering = ["start", "pk"]
        constraints = [
            models.CheckConstraint(
                condition=Q(kind__in=ActivityKind.values), name="activity_kind_valid"
            ),
            models.CheckConstraint(
                condition=Q(program__in=Program.values), name="activity_program_valid"
            ),
            models.CheckConstraint(
                condition=Q(audience__in=Audience.values), name="activity_audience_valid"
            ),
            models.CheckConstraint(
                condition=Q(status__in=ActivityStatus.values), name="activity_status_valid"
            ),
            models.CheckConstraint(
                condition=Q(end__gt=F("start")), name="activity_ends_after_start"
            ),
            # Exactly one venue: a station, another address, or an online link.
            models.CheckConstraint(
                condition=(Q(station__isnull=False) & Q(address="") & Q(online_url=""))
                | (Q(station__isnull=True) & ~Q(address="") & Q(online_url=""))
                | (Q(station__isnull=True) & Q(address="") & ~Q(online_url="")),
                name="activity_one_venue",
            ),
            models.CheckConstraint(
                condition=Q(capacity__isnull=True) | Q(capacity__gt=0),
                name="activity_capacity_positive",
            ),
        ]
        indexes = [
            # The calendar: a month of published activities, in order.
            models.Index(fields=["status", "start"], name="activity_status_start_idx"),
            # The district's calendar (every activity of a month, whatever its status), in
            # its order: a range scan of about 2,000 rows of 50,000 (issue 10).
            models.Index(fields=["start", "id"], name="activity_start_id_idx"),
            # Station page and console: a station's upcoming activities.
            models.Index(fields=["station", "start"], name="activity_station_start_idx"),
            # The compliance board: a branch's meetings of one kind in a period.
            models.Index(
                fields=["host_organization", "kind", "start"], name="activity_host_kind_idx"
            ),
        ]

    def __str__(self):
        return self.title

    def get_absolute_url(self):
        return reverse("services:activity-detail", args=[self.pk])

    def clean(self):
        from django.core.exceptions import ValidationError

        errors = {}
        if self.start and self.end and self.end <= self.start:
            errors["end"] = _("结束时间必须晚于开始时间。")
        venues = sum(bool(v) for v in (self.station_id, self.address, self.online_url))
        if venues != 1:
            errors["address"] = _("请在站点、其他地址和线上链接中选择且只选择一种活动地点。")
        if errors:
            raise ValidationError(errors)

    @property
    def is_meeting(self) -> bool:
        return self.kind in MEETING_KINDS

    @property
    def venue_display(self) -> str:
        if self.station_id:
            return self.station.name
        return self.address or self.online_url

    def checkin_window(self):
        """Check-in opens 30 minutes before the start and closes at the end."""
        return self.start - CHECKIN_OPENS_BEFORE, self.end


CHECKIN_OPENS_BEFORE = timedelta(minutes=30)


class SignupStatus(models.TextChoices):
    CONFIRMED = "confirmed", _("已报名")
    WAITLISTED = "waitlisted", _("候补")
    CANCELLED = "cancelled", _("已取消")


class Signup(models.Model):
    """`member` signed up for `activity`. One row per pair: cancelling and signing up again
    reuse it. Waitlisted rows are promoted in `queued_at` order."""

    activity = models.ForeignKey(
        Activity, verbose_name=_("活动"), on_delete=models.CASCADE, related_name="signups"
    )
    member = models.ForeignKey(
        "branches.Member", verbose_name=_("人员"), on_delete=models.CASCADE, related_name="signups"
    )
    status = models.CharField(_("状态"), max_length=20, choices=SignupStatus.choices)
    queued_at = models.DateTimeField(_("报名时间"), default=timezone.now)
    updated_at = models.DateTimeField(_("更新时间"), auto_now=True)

    class Meta:
        verbose_name = _("报名")
        verbose_name_plural = _("报名")
        ordering = ["queued_at", "pk"]
        constraints = [
            models.CheckConstraint(
                condition=Q(status__in=SignupStatus.values), name="signup_status_valid"
            ),
            models.UniqueConstraint(fields=["activity", "member"], name="signup_unique_member"),
        ]
        indexes = [
            # Capacity checks and waitlist promotion: an activity's sign-ups by status, in order.
            models.Index(fields=["activity", "status", "queued_at"], name="signup_queue_idx"),
        ]

    def __str__(self):
        return f"{self.member} · {self.activity}"


class AttendanceStatus(models.TextChoices):
    PRESENT = "present", _("出席")
    ABSENT = "absent", _("缺席")


class Attendance(models.Model):
    """Whether `member` attended `activity`: by QR check-in or marked by staff. Lateness and
    early leaving are recorded next to presence."""

    activity = models.ForeignKey(
        Activity, verbose_name=_("活动"), on_delete=models.CASCADE, related_name="attendances"
    )
    member = models.ForeignKey(
        "branches.Member",
        verbose_name=_("人员"),
        on_delete=models.CASCADE,
        related_name="attendances",
    )
    status = models.CharField(_("出勤"), max_length=20, choices=AttendanceStatus.choices)
    late = models.BooleanField(_("迟到"), default=False)
    left_early = models.BooleanField(_("早退"), default=False)
    checked_in_at = models.DateTimeField(_("签到时间"), null=True, blank=True)
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("记录人"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )
    updated_at = models.DateTimeField(_("更新时间"), auto_now=True)

    class Meta:
        verbose_name = _("出勤记录")
        verbose_name_plural = _("出勤记录")
        ordering = ["activity", "member__name"]
        constraints = [
            models.CheckConstraint(
                condition=Q(status__in=AttendanceStatus.values), name="attendance_status_valid"
            ),
            models.UniqueConstraint(fields=["activity", "member"], name="attendance_unique_member"),
            models.CheckConstraint(
                condition=Q(status=AttendanceStatus.PRESENT) | Q(late=False, left_early=False),
                name="attendance_absent_not_late",
            ),
        ]

    def __str__(self):
        return f"{self.member} · {self.activity}"


class LeaveStatus(models.TextChoices):
    PENDING = "pending", _("待审批")
    APPROVED = "approved", _("已准假")
    REFUSED = "refused", _("未准假")


class LeaveRequest(models.Model):
    """A member's request for leave (请假) from a meeting. Approved leave counts as excused."""

    activity = models.ForeignKey(
        Activity, verbose_name=_("活动"), on_delete=models.CASCADE, related_name="leave_requests"
    )
    member = models.ForeignKey(
        "branches.Member",
        verbose_name=_("人员"),
        on_delete=models.CASCADE,
        related_name="leave_requests",
    )
    reason = models.CharField(_("请假事由"), max_length=200)
    status = models.CharField(
        _("状态"), max_length=20, choices=LeaveStatus.choices, default=LeaveStatus.PENDING
    )
    requested_at = models.DateTimeField(_("申请时间"), auto_now_add=True)
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("审批人"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )
    decided_at = models.DateTimeField(_("审批时间"), null=True, blank=True)

    class Meta:
        verbose_name = _("请假申请")
        verbose_name_plural = _("请假申请")
        ordering = ["requested_at", "pk"]
        constraints = [
            models.CheckConstraint(
                condition=Q(status__in=LeaveStatus.values), name="leave_status_valid"
            ),
            models.UniqueConstraint(fields=["activity", "member"], name="leave_unique_member"),
        ]

    def __str__(self):
        return f"{self.member} · {self.activity}"


# --- Notifications ------------------------------------------------------------------------------


class NotificationQuerySet(models.QuerySet):
    def unread(self):
        return self.filter(read_at__isnull=True)


class Notification(models.Model):
    """One message in a user's in-portal inbox; e-mail and SMS copies are sent after commit.
    `dedupe_key` (unique when set) makes a reminder impossible to send twice."""

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("收件人"),
        on_delete=models.CASCADE,
        related_name="notifications",
    )
    title = models.CharField(_("标题"), max_length=200)
    body = models.TextField(_("内容"), blank=True)
    url = models.CharField(_("链接"), max_length=200, blank=True)
    activity = models.ForeignKey(
        Activity,
        verbose_name=_("活动"),
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="notifications",
    )
    # `title` and `body` hold source strings; `params` fills their %(name)s placeholders when
    # they are shown, in the reader's language (see `rendered`).
    params = models.JSONField(_("参数"), default=dict, blank=True)
    dedupe_key = models.CharField(_("去重键"), max_length=100, blank=True)
    created_at = models.DateTimeField(_("创建时间"), default=timezone.now)
    read_at = models.DateTimeField(_("已读时间"), null=True, blank=True)
    delivered_at = models.DateTimeField(_("外发时间"), null=True, blank=True)

    objects = NotificationQuerySet.as_manager()

    class Meta:
        verbose_name = _("通知")
        verbose_name_plural = _("通知")
        ordering = ["-created_at", "-pk"]
        constraints = [
            models.UniqueConstraint(
                fields=["dedupe_key"],
                condition=~Q(dedupe_key=""),
                name="notification_unique_dedupe_key",
            ),
        ]
        indexes = [
            # The bell's unread count and the inbox, newest first.
            models.Index(fields=["user", "read_at"], name="notification_user_unread_idx"),
        ]

    def __str__(self):
        return self.title

    def rendered(self, text: str) -> str:
        """`text` (title or body) translated into the active language and filled in. Free
        text (a cancellation reason) comes back as written."""
        if not text:
            return ""
        translated = gettext(text)
        if not self.params:
            return translated
        try:
            return translated % self.params
        except (KeyError, TypeError, ValueError):
            return translated

    @property
    def display_title(self) -> str:
        return self.rendered(self.title)

    @property
    def display_body(self) -> str:
        return self.rendered(self.body)


# --- Minutes of organizational-life meetings ----------------------------------------------------


class MinutesStatus(models.TextChoices):
    DRAFT = "draft", _("草稿")
    APPROVED = "approved", _("已审定")


class Minutes(models.Model):
    """The record of a 三会一课 meeting. Approved minutes are locked: later corrections are
    `MinutesAmendment` rows, never edits. Attendance figures are computed, not stored."""

    activity = models.OneToOneField(
        Activity, verbose_name=_("活动"), on_delete=models.CASCADE, related_name="minutes"
    )
    chair = models.CharField(_("主持人"), max_length=50)
    recorder = models.CharField(_("记录人"), max_length=50)
    topic = models.CharField(_("议题"), max_length=200)
    content = models.TextField(_("会议内容"))
    resolutions = models.TextField(_("会议决议"), blank=True)
    status = models.CharField(
        _("状态"), max_length=20, choices=MinutesStatus.choices, default=MinutesStatus.DRAFT
    )
    approved_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("审定人"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
    )
    approved_at = models.DateTimeField(_("审定时间"), null=True, blank=True)
    written_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("填写人"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )
    updated_at = models.DateTimeField(_("更新时间"), auto_now=True)

    class Meta:
        verbose_name = _("会议记录")
        verbose_name_plural = _("会议记录")
        constraints = [
            models.CheckConstraint(
                condition=Q(status__in=MinutesStatus.values), name="minutes_status_valid"
            ),
            models.CheckConstraint(
                condition=Q(status=MinutesStatus.DRAFT, approved_at__isnull=True)
                | Q(status=MinutesStatus.APPROVED, approved_at__isnull=False),
                name="minutes_approval_consistent",
            ),
        ]

    def __str__(self):
        return self.topic

    @property
    def is_locked(self) -> bool:
        return self.status == MinutesStatus.APPROVED


class AttachmentKind(models.TextChoices):
    SIGNIN_SHEET = "signin_sheet", _("签到表")
    PHOTO = "photo", _("照片")
    DOCUMENT = "document", _("文件")


ATTACHMENT_EXTENSIONS = ["jpg", "jpeg", "png", "webp", "pdf", "doc", "docx", "xls", "xlsx"]
ATTACHMENT_MAX_BYTES = 10 * 1024 * 1024


class MinutesAttachment(models.Model):
    """A file attached to minutes, kept in the default storage (S3-compatible in production)."""

    minutes = models.ForeignKey(
        Minutes, verbose_name=_("会议记录"), on_delete=models.CASCADE, related_name="attachments"
    )
    kind = models.CharField(_("类型"), max_length=20, choices=AttachmentKind.choices)
    file = models.FileField(
        _("文件"),
        upload_to="minutes/%Y/%m/",
        validators=[FileExtensionValidator(ATTACHMENT_EXTENSIONS)],
    )
    caption = models.CharField(_("说明"), max_length=100, blank=True)
    uploaded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("上传人"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )
    uploaded_at = models.DateTimeField(_("上传时间"), auto_now_add=True)

    class Meta:
        verbose_name = _("会议记录附件")
        verbose_name_plural = _("会议记录附件")
        ordering = ["uploaded_at", "pk"]
        constraints = [
            models.CheckConstraint(
                condition=Q(kind__in=AttachmentKind.values), name="attachment_kind_valid"
            ),
        ]

    def __str__(self):
        return self.caption or self.file.name


class MinutesAmendment(models.Model):
    """A correction to approved minutes, kept next to them with who and when."""

    minutes = models.ForeignKey(
        Minutes, verbose_name=_("会议记录"), on_delete=models.CASCADE, related_name="amendments"
    )
    text = models.TextField(_("更正内容"))
    made_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("更正人"),
        on_delete=models.PROTECT,
        related_name="+",
    )
    made_at = models.DateTimeField(_("更正时间"), auto_now_add=True)

    class Meta:
        verbose_name = _("会议记录更正")
        verbose_name_plural = _("会议记录更正")
        ordering = ["made_at", "pk"]

    def __str__(self):
        return self.text[:30]


# --- The 三会一课 compliance rules -------------------------------------------------------------


class RulePeriod(models.TextChoices):
    MONTH = "month", _("每月")
    QUARTER = "quarter", _("每季度")


class ComplianceRule(models.Model):
    """How often every branch must hold a kind of meeting (三会一课). Data, edited in the admin;
    seeded by migration with the party's rules."""

    kind = models.CharField(
        _("会议类型"),
        max_length=30,
        unique=True,
        choices=[(k.value, k.label) for k in MEETING_KINDS],
    )
    period = models.CharField(_("周期"), max_length=10, choices=RulePeriod.choices)
    required = models.PositiveSmallIntegerField(_("每周期至少次数"), default=1)
    is_active = models.BooleanField(_("启用"), default=True)

    class Meta:
        verbose_name = _("三会一课规则")
        verbose_name_plural = _("三会一课规则")
        ordering = ["pk"]
        constraints = [
            models.CheckConstraint(
                condition=Q(kind__in=[k.value for k in MEETING_KINDS]),
                name="compliance_rule_kind_valid",
            ),
            models.CheckConstraint(
                condition=Q(period__in=RulePeriod.values), name="compliance_rule_period_valid"
            ),
            models.CheckConstraint(
                condition=Q(required__gte=1), name="compliance_rule_required_positive"
            ),
        ]

    def __str__(self):
        return f"{self.get_kind_display()} · {self.get_period_display()}"


# Issue 7: sentinel reports live in their own module; imported here so Django registers them.
# Issue 6 (part 2): benefits and care programs live in their own modules.
from services.benefits import Benefit, BenefitClaim, BenefitProvider  # noqa: E402, F401
from services.care import (  # noqa: E402, F401
    AidAction,
    AidApplication,
    AidAttachment,
    AidProgram,
    CareerMilestone,
    CareerPlan,
    CareerTrack,
    Commendation,
    MilestoneCompletion,
)

# Issue 6: the vanguard passport, micro-courses and party-lesson routes.
from services.models.passport import (  # noqa: E402, F401
    STOP_RADIUS_M,
    CapPeriod,
    CourseSeries,
    LedgerKind,
    Lesson,
    LessonCompletion,
    PassportSettings,
    PointEntry,
    PointRule,
    Route,
    RouteStop,
    RouteStopVisit,
    SourceKind,
    Stamp,
    StampGoal,
    StampType,
    StopMethod,
    VolunteerService,
    VolunteerStatus,
)

# Issue 9: erasure requests (PIPL) live with "my data" in their own module.
from services.privacy import ErasureRequest  # noqa: E402, F401
from services.reports import (  # noqa: E402, F401
    HandlingUnit,
    MeToo,
    Report,
    ReportAction,
    ReportCategory,
    ReportPhoto,
    RoutingRule,
)
