"""The vanguard passport (先锋护照, issue 6): stamps, the points ledger and its rules, volunteer
hours, stamp goals, and the two programs that feed it: micro-courses (大家微讲堂) and
party-lesson walking routes.

Every write goes through `services.passport` (award, caps, corrections) and
`services.passport_actions`; the database makes a second award for one source impossible
(`stamp_once_per_source`, `pointentry_once_per_source`)."""

import uuid

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models import F, Q, Sum
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from branches.models import Member


class SourceKind(models.TextChoices):
    """What earned a stamp or a points entry. `source_id` is the id of that row (a check-in,
    an attendance, a lesson, a stop, a route, a report, a volunteer record)."""

    STATION_CHECKIN = "station_checkin", _("站点报到")
    ACTIVITY = "activity", _("参加活动")
    LESSON = "lesson", _("微讲堂学习")
    ROUTE_STOP = "route_stop", _("党课路线打卡")
    ROUTE = "route", _("走完党课路线")
    REPORT = "report", _("民情上报")
    VOLUNTEER = "volunteer", _("志愿服务")


class LedgerKind(models.TextChoices):
    """A points entry is an award for one source, or a correction reversing an earlier entry."""

    AWARD = "award", _("获得")
    CORRECTION = "correction", _("更正")


class CapPeriod(models.TextChoices):
    MONTH = "month", _("每月")
    QUARTER = "quarter", _("每季度")
    YEAR = "year", _("每年")


# --- Stamps -------------------------------------------------------------------------------------


class StampType(models.Model):
    """A kind of stamp and its icon (data, edited in the admin). `award` uses the first active
    type of the source kind unless the caller names one (a route's own badge)."""

    code = models.SlugField(_("代码"), max_length=40, unique=True)
    name = models.CharField(_("名称"), max_length=50)
    icon = models.CharField(
        _("图标"), max_length=8, help_text=_("一个表情符号或一两个字，显示在护照印章格中")
    )
    source_kind = models.CharField(_("来源"), max_length=20, choices=SourceKind.choices)
    sort_order = models.PositiveSmallIntegerField(_("排序"), default=0)
    is_active = models.BooleanField(_("启用"), default=True)

    class Meta:
        verbose_name = _("印章类型")
        verbose_name_plural = _("印章类型")
        ordering = ["sort_order", "pk"]
        constraints = [
            models.CheckConstraint(
                condition=Q(source_kind__in=SourceKind.values), name="stamptype_source_kind_valid"
            ),
        ]

    def __str__(self):
        return self.name


class StampQuerySet(models.QuerySet):
    def of(self, member):
        return self.filter(member=member)


class Stamp(models.Model):
    """One stamp in a member's passport, for one source. The unique constraint makes a second
    stamp for the same source impossible, also when two requests race."""

    member = models.ForeignKey(
        "branches.Member", verbose_name=_("人员"), on_delete=models.CASCADE, related_name="stamps"
    )
    type = models.ForeignKey(
        StampType, verbose_name=_("印章类型"), on_delete=models.PROTECT, related_name="stamps"
    )
    source_kind = models.CharField(_("来源"), max_length=20, choices=SourceKind.choices)
    source_id = models.PositiveBigIntegerField(_("来源编号"))
    label = models.CharField(_("说明"), max_length=100, blank=True)
    awarded_at = models.DateTimeField(_("获得时间"), default=timezone.now)

    objects = StampQuerySet.as_manager()

    class Meta:
        verbose_name = _("印章")
        verbose_name_plural = _("印章")
        ordering = ["-awarded_at", "-pk"]
        constraints = [
            models.CheckConstraint(
                condition=Q(source_kind__in=SourceKind.values), name="stamp_source_kind_valid"
            ),
            models.UniqueConstraint(
                fields=["member", "source_kind", "source_id"], name="stamp_once_per_source"
            ),
        ]
        indexes = [
            # The passport's stamp grid: a member's stamps, newest first.
            models.Index(fields=["member", "-awarded_at"], name="stamp_member_awarded_idx"),
        ]

    def __str__(self):
        return f"{self.member} · {self.type}"


# --- Points -------------------------------------------------------------------------------------


class PointRule(models.Model):
    """How many points one source of `action` earns, with an optional cap per Shanghai day and
    per period (month, quarter, year). Data: seeded by migration, edited in the admin."""

    action = models.CharField(_("行为"), max_length=20, choices=SourceKind.choices, unique=True)
    points = models.PositiveSmallIntegerField(_("积分"), validators=[MinValueValidator(1)])
    daily_cap = models.PositiveIntegerField(
        _("每日上限"), null=True, blank=True, help_text=_("该行为每天最多获得的积分；留空不限")
    )
    period = models.CharField(
        _("周期"), max_length=10, choices=CapPeriod.choices, default=CapPeriod.MONTH
    )
    period_cap = models.PositiveIntegerField(
        _("周期上限"), null=True, blank=True, help_text=_("该行为每周期最多获得的积分；留空不限")
    )
    is_active = models.BooleanField(_("启用"), default=True)

    class Meta:
        verbose_name = _("积分规则")
        verbose_name_plural = _("积分规则")
        ordering = ["pk"]
        constraints = [
            models.CheckConstraint(
                condition=Q(action__in=SourceKind.values), name="pointrule_action_valid"
            ),
            models.CheckConstraint(
                condition=Q(period__in=CapPeriod.values), name="pointrule_period_valid"
            ),
            models.CheckConstraint(condition=Q(points__gte=1), name="pointrule_points_positive"),
            models.CheckConstraint(
                condition=Q(daily_cap__isnull=True) | Q(daily_cap__gte=1),
                name="pointrule_daily_cap_positive",
            ),
            models.CheckConstraint(
                condition=Q(period_cap__isnull=True) | Q(period_cap__gte=1),
                name="pointrule_period_cap_positive",
            ),
        ]

    def __str__(self):
        return f"{self.get_action_display()} +{self.points}"


class PointEntryQuerySet(models.QuerySet):
    def of(self, member):
        return self.filter(member=member)

    def balance(self) -> int:
        """The sum of the entries (corrections included): one aggregate query."""
        return self.aggregate(total=Sum("points"))["total"] or 0


class PointEntry(models.Model):
    """One line of a member's points ledger. Append-only: never edited or deleted. An award
    names its source (`source_kind`, `source_id`, unique per member); a correction reverses one
    earlier entry (`reverses`, at most once) with a reason and who made it."""

    member = models.ForeignKey(
        "branches.Member",
        verbose_name=_("人员"),
        on_delete=models.CASCADE,
        related_name="point_entries",
    )
    kind = models.CharField(
        _("类型"), max_length=20, choices=LedgerKind.choices, default=LedgerKind.AWARD
    )
    points = models.IntegerField(_("积分"))
    source_kind = models.CharField(_("来源"), max_length=20, choices=SourceKind.choices)
    source_id = models.PositiveBigIntegerField(_("来源编号"))
    label = models.CharField(_("说明"), max_length=100, blank=True)
    local_date = models.DateField(_("日期"), help_text=_("北京时间的日期，用于每日和周期上限"))
    reverses = models.OneToOneField(
        "self",
        verbose_name=_("冲正的记录"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="reversed_by",
    )
    reason = models.CharField(_("更正原因"), max_length=200, blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("记录人"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
    )
    created_at = models.DateTimeField(_("记录时间"), default=timezone.now)

    objects = PointEntryQuerySet.as_manager()

    class Meta:
        verbose_name = _("积分记录")
        verbose_name_plural = _("积分记录")
        ordering = ["-created_at", "-pk"]
        constraints = [
            models.CheckConstraint(
                condition=Q(kind__in=LedgerKind.values), name="pointentry_kind_valid"
            ),
            models.CheckConstraint(
                condition=Q(source_kind__in=SourceKind.values), name="pointentry_source_kind_valid"
            ),
            models.CheckConstraint(condition=~Q(points=0), name="pointentry_points_nonzero"),
            # An award is positive and reverses nothing; a correction reverses one entry, with
            # a reason and who made it.
            models.CheckConstraint(
                condition=Q(kind=LedgerKind.AWARD, reverses__isnull=True, points__gt=0)
                | (
                    Q(kind=LedgerKind.CORRECTION, reverses__isnull=False, created_by__isnull=False)
                    & ~Q(reason="")
                ),
                name="pointentry_award_or_correction",
            ),
            models.UniqueConstraint(
                fields=["member", "source_kind", "source_id"],
                condition=Q(kind=LedgerKind.AWARD),
                name="pointentry_once_per_source",
            ),
        ]
        indexes = [
            # The ledger page, newest first; the balance.
            models.Index(fields=["member", "-created_at"], name="pointentry_member_idx"),
            # Caps: a member's points of one action since a date.
            models.Index(fields=["member", "source_kind", "local_date"], name="pointentry_cap_idx"),
        ]

    def __str__(self):
        return f"{self.member} {self.points:+d} · {self.get_source_kind_display()}"


# --- Volunteer hours ----------------------------------------------------------------------------


class VolunteerStatus(models.TextChoices):
    PENDING = "pending", _("待审核")
    APPROVED = "approved", _("已认定")
    REFUSED = "refused", _("未认定")


class VolunteerServiceQuerySet(models.QuerySet):
    def approved(self):
        return self.filter(status=VolunteerStatus.APPROVED)

    def reviewable_by(self, user):
        """Declarations `user` may approve or refuse: those of members in their scope (all for
        district staff), never their own."""
        if not user.is_authenticated:
            return self.none()
        return self.filter(
            activity__isnull=True, member__in=Member.objects.visible_to(user).values("pk")
        ).exclude(member__user=user)


class VolunteerService(models.Model):
    """Volunteer hours of a member: counted automatically from attendance at a volunteer
    activity (`activity` set, approved at once), or declared by the member and approved or
    refused by an organizer whose scope covers them."""

    member = models.ForeignKey(
        "branches.Member",
        verbose_name=_("人员"),
        on_delete=models.CASCADE,
        related_name="volunteer_services",
    )
    activity = models.ForeignKey(
        "services.Activity",
        verbose_name=_("志愿活动"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="volunteer_services",
    )
    description = models.CharField(_("服务内容"), max_length=200)
    served_on = models.DateField(_("服务日期"))
    hours = models.DecimalField(
        _("时长（小时）"),
        max_digits=4,
        decimal_places=1,
        validators=[MinValueValidator(0.5), MaxValueValidator(24)],
    )
    status = models.CharField(
        _("状态"), max_length=20, choices=VolunteerStatus.choices, default=VolunteerStatus.PENDING
    )
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("审核人"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )
    decided_at = models.DateTimeField(_("审核时间"), null=True, blank=True)
    refusal_reason = models.CharField(_("未认定原因"), max_length=200, blank=True)
    created_at = models.DateTimeField(_("登记时间"), auto_now_add=True)

    objects = VolunteerServiceQuerySet.as_manager()

    class Meta:
        verbose_name = _("志愿服务时长")
        verbose_name_plural = _("志愿服务时长")
        ordering = ["-served_on", "-pk"]
        constraints = [
            models.CheckConstraint(
                condition=Q(status__in=VolunteerStatus.values), name="volunteer_status_valid"
            ),
            models.CheckConstraint(
                condition=Q(hours__gte=0.5, hours__lte=24), name="volunteer_hours_range"
            ),
            # One record per member and volunteer activity: attending twice counts once.
            models.UniqueConstraint(
                fields=["member", "activity"],
                condition=Q(activity__isnull=False),
                name="volunteer_once_per_activity",
            ),
            models.CheckConstraint(
                condition=Q(status=VolunteerStatus.PENDING) | Q(decided_at__isnull=False),
                name="volunteer_decided_has_time",
            ),
        ]
        indexes = [
            # The organizer's queue of pending declarations.
            models.Index(fields=["status", "served_on"], name="volunteer_status_idx"),
        ]

    def __str__(self):
        return f"{self.member} · {self.hours} h"


# --- Goals and preferences ----------------------------------------------------------------------


class StampGoal(models.Model):
    """ "N stamps unlock a benefit" (e.g. 6 stamps → a 300-yuan entitlement). Configurable in the
    admin. The benefit is a label and an amount for now: the Benefit model (issue 6, benefits
    part) may link it later."""

    name = models.CharField(_("名称"), max_length=100)
    stamps_required = models.PositiveSmallIntegerField(
        _("所需印章数"), validators=[MinValueValidator(1)]
    )
    benefit_label = models.CharField(_("解锁权益"), max_length=100)
    benefit_amount = models.DecimalField(
        _("权益金额（元）"), max_digits=8, decimal_places=2, null=True, blank=True
    )
    is_active = models.BooleanField(_("启用"), default=True)

    class Meta:
        verbose_name = _("印章目标")
        verbose_name_plural = _("印章目标")
        ordering = ["stamps_required", "pk"]
        constraints = [
            models.CheckConstraint(
                condition=Q(stamps_required__gte=1), name="stampgoal_required_positive"
            ),
            models.CheckConstraint(
                condition=Q(benefit_amount__isnull=True) | Q(benefit_amount__gte=0),
                name="stampgoal_amount_not_negative",
            ),
        ]

    def __str__(self):
        return self.name


class PassportSettings(models.Model):
    """A member's passport choices. Written only by `passport_leaderboard_opt`; a member
    without a row has not opted in to the leaderboards."""

    member = models.OneToOneField(
        "branches.Member",
        verbose_name=_("人员"),
        on_delete=models.CASCADE,
        related_name="passport_settings",
    )
    leaderboard_opt_in = models.BooleanField(_("参加排行榜"), default=False)
    updated_at = models.DateTimeField(_("更新时间"), auto_now=True)

    class Meta:
        verbose_name = _("护照设置")
        verbose_name_plural = _("护照设置")

    def __str__(self):
        return str(self.member)


# --- Micro-courses (大家微讲堂) ------------------------------------------------------------------


class CourseQuerySet(models.QuerySet):
    def published(self):
        return self.filter(is_published=True)


class CourseSeries(models.Model):
    title = models.CharField(_("标题"), max_length=100)
    description = models.TextField(_("简介"), blank=True)
    is_published = models.BooleanField(_("已发布"), default=False)
    sort_order = models.PositiveSmallIntegerField(_("排序"), default=0)

    objects = CourseQuerySet.as_manager()

    class Meta:
        verbose_name = _("微讲堂系列")
        verbose_name_plural = _("微讲堂系列")
        ordering = ["sort_order", "pk"]

    def __str__(self):
        return self.title


class Lesson(models.Model):
    """One lesson of a series: a video link or a text. A member may mark it finished only
    once `duration_minutes` have passed since they opened it."""

    series = models.ForeignKey(
        CourseSeries, verbose_name=_("系列"), on_delete=models.CASCADE, related_name="lessons"
    )
    title = models.CharField(_("标题"), max_length=100)
    order = models.PositiveSmallIntegerField(_("顺序"))
    duration_minutes = models.PositiveSmallIntegerField(
        _("时长（分钟）"), validators=[MinValueValidator(1), MaxValueValidator(240)]
    )
    video_url = models.URLField(_("视频链接"), blank=True)
    text = models.TextField(_("正文"), blank=True)
    is_published = models.BooleanField(_("已发布"), default=True)

    objects = CourseQuerySet.as_manager()

    class Meta:
        verbose_name = _("微讲堂课程")
        verbose_name_plural = _("微讲堂课程")
        ordering = ["series", "order", "pk"]
        constraints = [
            models.UniqueConstraint(fields=["series", "order"], name="lesson_unique_order"),
            models.CheckConstraint(
                condition=Q(duration_minutes__gte=1, duration_minutes__lte=240),
                name="lesson_duration_range",
            ),
            models.CheckConstraint(
                condition=~Q(video_url="") | ~Q(text=""), name="lesson_video_or_text"
            ),
        ]

    def __str__(self):
        return self.title

    def clean(self):
        if not self.video_url and not self.text:
            raise ValidationError(_("请填写视频链接或正文。"))


class LessonCompletion(models.Model):
    member = models.ForeignKey(
        "branches.Member",
        verbose_name=_("人员"),
        on_delete=models.CASCADE,
        related_name="lesson_completions",
    )
    lesson = models.ForeignKey(
        Lesson, verbose_name=_("课程"), on_delete=models.PROTECT, related_name="completions"
    )
    opened_at = models.DateTimeField(_("开始学习时间"))
    finished_at = models.DateTimeField(_("完成时间"))

    class Meta:
        verbose_name = _("课程完成记录")
        verbose_name_plural = _("课程完成记录")
        ordering = ["-finished_at"]
        constraints = [
            models.UniqueConstraint(fields=["member", "lesson"], name="lesson_finished_once"),
            models.CheckConstraint(
                condition=Q(finished_at__gt=F("opened_at")), name="lesson_finished_after_opened"
            ),
        ]

    def __str__(self):
        return f"{self.member} · {self.lesson}"


# --- Party-lesson routes (e.g. 杨浦滨江秀带线) ------------------------------------------------


class RouteQuerySet(models.QuerySet):
    def published(self):
        return self.filter(is_published=True)


class Route(models.Model):
    """A walking route of ordered stops. Checking in at every stop awards the route badge:
    `badge` if set, else the first active stamp type of source kind "route"."""

    name = models.CharField(_("名称"), max_length=100)
    description = models.TextField(_("简介"), blank=True)
    badge = models.ForeignKey(
        StampType,
        verbose_name=_("路线徽章"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="routes",
        limit_choices_to={"source_kind": SourceKind.ROUTE},
    )
    is_published = models.BooleanField(_("已发布"), default=False)
    sort_order = models.PositiveSmallIntegerField(_("排序"), default=0)

    objects = RouteQuerySet.as_manager()

    class Meta:
        verbose_name = _("党课路线")
        verbose_name_plural = _("党课路线")
        ordering = ["sort_order", "pk"]

    def __str__(self):
        return self.name


# Within this distance of a stop, the phone's location counts as being there.
STOP_RADIUS_M = 100


class RouteStop(models.Model):
    """A stop of a route. `code` is the unguessable token of its QR sign
    (`/routes/stop/<code>/`)."""

    route = models.ForeignKey(
        Route, verbose_name=_("路线"), on_delete=models.CASCADE, related_name="stops"
    )
    order = models.PositiveSmallIntegerField(_("顺序"))
    name = models.CharField(_("名称"), max_length=100)
    description = models.TextField(_("介绍"), blank=True)
    latitude = models.FloatField(
        _("纬度"), help_text=_("WGS-84"), validators=[MinValueValidator(-90), MaxValueValidator(90)]
    )
    longitude = models.FloatField(
        _("经度"),
        help_text=_("WGS-84"),
        validators=[MinValueValidator(-180), MaxValueValidator(180)],
    )
    code = models.UUIDField(_("打卡码"), default=uuid.uuid4, unique=True, editable=False)

    class Meta:
        verbose_name = _("路线站点")
        verbose_name_plural = _("路线站点")
        ordering = ["route", "order", "pk"]
        constraints = [
            models.UniqueConstraint(fields=["route", "order"], name="routestop_unique_order"),
            models.CheckConstraint(
                condition=Q(latitude__gte=-90, latitude__lte=90, longitude__gte=-180)
                & Q(longitude__lte=180),
                name="routestop_coordinates_valid",
            ),
        ]

    def __str__(self):
        return f"{self.route} · {self.order}. {self.name}"


class StopMethod(models.TextChoices):
    QR = "qr", _("扫码")
    LOCATION = "location", _("定位")


class RouteStopVisit(models.Model):
    """A member checked in at a stop (once per member and stop)."""

    member = models.ForeignKey(
        "branches.Member",
        verbose_name=_("人员"),
        on_delete=models.CASCADE,
        related_name="route_stop_visits",
    )
    stop = models.ForeignKey(
        RouteStop, verbose_name=_("站点"), on_delete=models.PROTECT, related_name="visits"
    )
    method = models.CharField(_("方式"), max_length=10, choices=StopMethod.choices)
    visited_at = models.DateTimeField(_("打卡时间"))

    class Meta:
        verbose_name = _("路线打卡")
        verbose_name_plural = _("路线打卡")
        ordering = ["-visited_at"]
        constraints = [
            models.CheckConstraint(
                condition=Q(method__in=StopMethod.values), name="routestopvisit_method_valid"
            ),
            models.UniqueConstraint(fields=["member", "stop"], name="routestop_visited_once"),
        ]

    def __str__(self):
        return f"{self.member} · {self.stop}"
