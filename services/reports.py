"""Sentinel reports (民情前哨, issue 7): riders report city hazards; the district routes,
tracks and resolves them. Imported from `services.models` so Django finds the models.

Every write goes through `services.report_actions`; reads are `ReportQuerySet` methods."""

import math
from datetime import timedelta

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

EARTH_RADIUS_M = 6_371_000
NEARBY_METRES = 50
NEARBY_DAYS = 30
DAILY_LIMIT = 20
MAX_PHOTOS = 3
PHOTO_MAX_BYTES = 10 * 1024 * 1024


def distance_m(lat1: float, lng1: float, lat2: float, lng2: float) -> float:
    """Great-circle distance in metres between two WGS-84 points (haversine)."""
    p1, p2 = math.radians(lat1), math.radians(lat2)
    dp, dl = p2 - p1, math.radians(lng2 - lng1)
    a = math.sin(dp / 2) ** 2 + math.cos(p1) * math.cos(p2) * math.sin(dl / 2) ** 2
    return 2 * EARTH_RADIUS_M * math.asin(math.sqrt(a))


class ReportState(models.TextChoices):
    SUBMITTED = "submitted", _("已提交")
    ACCEPTED = "accepted", _("已受理")
    DISPATCHED = "dispatched", _("已派单")
    IN_PROGRESS = "in_progress", _("处理中")
    RESOLVED = "resolved", _("已办结")
    REJECTED = "rejected", _("不予受理")
    DUPLICATE = "duplicate", _("重复")


OPEN_STATES = (
    ReportState.SUBMITTED,
    ReportState.ACCEPTED,
    ReportState.DISPATCHED,
    ReportState.IN_PROGRESS,
)
# States that carry a handling unit and a due date.
ASSIGNED_STATES = (ReportState.DISPATCHED, ReportState.IN_PROGRESS, ReportState.RESOLVED)


class ReportCategory(models.Model):
    """A kind of hazard (道路凹陷, 井盖破损或缺失, ...): data, seeded by a migration."""

    name = models.CharField(_("名称"), max_length=50, unique=True)
    guidance = models.TextField(_("填报指引"), blank=True)
    time_limit_days = models.PositiveSmallIntegerField(
        _("办理时限（天）"), default=7, help_text=_("派单后多少天内办结")
    )
    sort_order = models.PositiveSmallIntegerField(_("排序"), default=0)
    active = models.BooleanField(_("启用"), default=True)

    class Meta:
        verbose_name = _("事件类别")
        verbose_name_plural = _("事件类别")
        ordering = ["sort_order", "name"]
        constraints = [
            models.CheckConstraint(
                condition=Q(time_limit_days__gte=1), name="reportcategory_time_limit_positive"
            )
        ]

    def __str__(self):
        return self.name


class HandlingUnit(models.Model):
    """Who fixes things: a street office's team, a district bureau, a utility."""

    name = models.CharField(_("名称"), max_length=100, unique=True)
    contact = models.CharField(_("联系方式"), max_length=100, blank=True)

    class Meta:
        verbose_name = _("处置单位")
        verbose_name_plural = _("处置单位")
        ordering = ["name"]

    def __str__(self):
        return self.name


class RoutingRule(models.Model):
    """Category × street → handling unit: what the triage console proposes."""

    category = models.ForeignKey(
        ReportCategory,
        on_delete=models.CASCADE,
        related_name="routing_rules",
        verbose_name=_("事件类别"),
    )
    street = models.ForeignKey(
        "branches.Street",
        on_delete=models.CASCADE,
        related_name="routing_rules",
        verbose_name=_("街道"),
    )
    unit = models.ForeignKey(
        HandlingUnit,
        on_delete=models.PROTECT,
        related_name="routing_rules",
        verbose_name=_("处置单位"),
    )

    class Meta:
        verbose_name = _("派单规则")
        verbose_name_plural = _("派单规则")
        ordering = ["category", "street"]
        constraints = [
            models.UniqueConstraint(fields=["category", "street"], name="routingrule_unique")
        ]

    def __str__(self):
        return f"{self.category} · {self.street} → {self.unit}"


class ReportQuerySet(models.QuerySet):
    def visible_to(self, user):
        """Reports `user` handles: all for holders of `services.change_report` (district
        staff), else those in the streets they organize. No query until evaluated."""
        if not user.is_authenticated:
            return self.none()
        if user.has_perm("services.change_report"):
            return self
        from branches.models import Street

        return self.filter(street__in=Street.objects.organized_by(user))

    def public(self):
        """What the public list shows: everything but refused reports and duplicates."""
        return self.exclude(state__in=[ReportState.REJECTED, ReportState.DUPLICATE])

    def open(self):
        return self.filter(state__in=OPEN_STATES)

    def of_user(self, user):
        if not user.is_authenticated:
            return self.none()
        return self.filter(reporter__user=user)

    def nearby(self, *, category, latitude: float, longitude: float, now=None):
        """Open reports of `category` within 50 m of the point from the last 30 days, nearest
        first, each with `.distance`. One query (a bounding box), filtered exactly in Python."""
        now = now or timezone.now()
        dlat = NEARBY_METRES / 111_320
        dlng = NEARBY_METRES / (111_320 * max(math.cos(math.radians(latitude)), 0.01))
        rows = list(
            self.open()
            .filter(
                category=category,
                submitted_at__gte=now - timedelta(days=NEARBY_DAYS),
                latitude__range=(latitude - dlat, latitude + dlat),
                longitude__range=(longitude - dlng, longitude + dlng),
            )
            .select_related("category", "street")
        )
        for row in rows:
            row.distance = distance_m(latitude, longitude, row.latitude, row.longitude)
        return sorted(
            (row for row in rows if row.distance <= NEARBY_METRES), key=lambda r: r.distance
        )


class Report(models.Model):
    category = models.ForeignKey(
        ReportCategory,
        on_delete=models.PROTECT,
        related_name="reports",
        verbose_name=_("事件类别"),
    )
    description = models.TextField(_("问题描述"), max_length=2000)
    latitude = models.FloatField(_("纬度"), help_text=_("WGS-84"))
    longitude = models.FloatField(_("经度"), help_text=_("WGS-84"))
    address = models.CharField(_("地址"), max_length=200, blank=True)
    street = models.ForeignKey(
        "branches.Street",
        on_delete=models.PROTECT,
        related_name="reports",
        verbose_name=_("街道"),
    )
    reporter = models.ForeignKey(
        "branches.Member",
        on_delete=models.PROTECT,
        related_name="reports",
        verbose_name=_("报告人"),
    )
    hide_identity = models.BooleanField(_("对公众隐藏身份"), default=True)
    state = models.CharField(
        _("状态"), max_length=20, choices=ReportState.choices, default=ReportState.SUBMITTED
    )
    unit = models.ForeignKey(
        HandlingUnit,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="reports",
        verbose_name=_("处置单位"),
    )
    due_date = models.DateField(_("办结期限"), null=True, blank=True)
    resolution_note = models.TextField(_("办结说明"), blank=True)
    reason = models.TextField(_("理由"), blank=True)
    duplicate_of = models.ForeignKey(
        "self",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="duplicates",
        verbose_name=_("重复于"),
    )
    me_too_count = models.PositiveIntegerField(_("附议数"), default=0)
    submitted_at = models.DateTimeField(_("提交时间"), default=timezone.now)
    resolved_at = models.DateTimeField(_("办结时间"), null=True, blank=True)
    confirmed_fixed = models.BooleanField(_("报告人确认已解决"), null=True, blank=True)

    objects = ReportQuerySet.as_manager()

    class Meta:
        verbose_name = _("民情前哨")
        verbose_name_plural = _("民情前哨")
        ordering = ["-submitted_at", "-pk"]
        constraints = [
            models.CheckConstraint(
                condition=Q(state__in=ReportState.values), name="report_state_valid"
            ),
            models.CheckConstraint(
                condition=Q(latitude__gte=-90, latitude__lte=90)
                & Q(longitude__gte=-180, longitude__lte=180),
                name="report_location_valid",
            ),
            models.CheckConstraint(
                condition=~Q(state__in=ASSIGNED_STATES)
                | (Q(unit__isnull=False) & Q(due_date__isnull=False)),
                name="report_assigned_has_unit",
            ),
            models.CheckConstraint(
                condition=~Q(state=ReportState.DUPLICATE) | Q(duplicate_of__isnull=False),
                name="report_duplicate_has_original",
            ),
        ]
        indexes = [
            # The triage queue: open reports of a street by state.
            models.Index(fields=["street", "state"], name="report_street_state_idx"),
            # "Same category nearby in the last 30 days" before submitting.
            models.Index(fields=["category", "submitted_at"], name="report_category_time_idx"),
            # The daily limit and "my reports".
            models.Index(fields=["reporter", "submitted_at"], name="report_reporter_time_idx"),
            # The public list (newest first) and the triage queue (oldest first) in their
            # order (submitted_at, pk): a page reads about 50 entries instead of sorting
            # 20,000 reports (issue 10).
            models.Index(fields=["submitted_at", "id"], name="report_submitted_id_idx"),
        ]

    def __str__(self):
        return f"{self.category} · {self.address or self.street}"

    @property
    def public_latitude(self) -> float:
        """Rounded to 3 decimals (about 100 m): what the public sees."""
        return round(self.latitude, 3)

    @property
    def public_longitude(self) -> float:
        return round(self.longitude, 3)

    def is_overdue(self, today=None) -> bool:
        today = today or timezone.localdate()
        return bool(self.due_date and self.state in OPEN_STATES and self.due_date < today)


class ReportAction(models.Model):
    """One move of a report: who, when, from which state to which, and a note."""

    report = models.ForeignKey(
        Report, on_delete=models.CASCADE, related_name="actions", verbose_name=_("事件")
    )
    by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        related_name="+",
        verbose_name=_("操作人"),
    )
    at = models.DateTimeField(_("时间"), default=timezone.now)
    from_state = models.CharField(_("原状态"), max_length=20, blank=True)
    to_state = models.CharField(_("新状态"), max_length=20, choices=ReportState.choices)
    note = models.TextField(_("备注"), blank=True)

    class Meta:
        verbose_name = _("处置记录")
        verbose_name_plural = _("处置记录")
        ordering = ["at", "pk"]

    def __str__(self):
        return f"{self.report_id}: {self.from_state} → {self.to_state}"


class ReportPhoto(models.Model):
    """A photo, re-encoded as JPEG without EXIF before it reaches storage."""

    report = models.ForeignKey(
        Report, on_delete=models.CASCADE, related_name="photos", verbose_name=_("事件")
    )
    image = models.FileField(_("照片"), upload_to="reports/%Y/%m/")
    # False: the reporter's photo; True: the handler's photo of the fix, added at 已办结.
    at_resolution = models.BooleanField(_("办结照片"), default=False)
    uploaded_at = models.DateTimeField(_("上传时间"), default=timezone.now)

    class Meta:
        verbose_name = _("事件照片")
        verbose_name_plural = _("事件照片")
        ordering = ["pk"]

    def __str__(self):
        return self.image.name


class MeToo(models.Model):
    """A member says "me too" to an open report instead of filing a duplicate."""

    report = models.ForeignKey(
        Report, on_delete=models.CASCADE, related_name="me_toos", verbose_name=_("事件")
    )
    member = models.ForeignKey(
        "branches.Member", on_delete=models.CASCADE, related_name="+", verbose_name=_("成员")
    )
    created_at = models.DateTimeField(_("时间"), default=timezone.now)

    class Meta:
        verbose_name = _("附议")
        verbose_name_plural = _("附议")
        constraints = [
            models.UniqueConstraint(fields=["report", "member"], name="metoo_once_per_member")
        ]

    def __str__(self):
        return f"{self.member_id} → {self.report_id}"
