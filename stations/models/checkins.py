"""QR check-ins (报到) and the visitor tally of people who do not check in."""

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from stations.models.stations import Station


class CheckInQuerySet(models.QuerySet):
    def on(self, day):
        """Check-ins of one Shanghai calendar day."""
        return self.filter(local_date=day)


class CheckIn(models.Model):
    """A member checked in (报到) at a station by scanning its QR code: at most once per member,
    station and Shanghai calendar day, which the database enforces. Written only by
    `stations.actions.checkin_record`; the vanguard passport (`services`) reads these rows."""

    member = models.ForeignKey(
        "branches.Member",
        verbose_name=_("人员"),
        on_delete=models.CASCADE,
        related_name="station_checkins",
    )
    station = models.ForeignKey(
        Station, verbose_name=_("站点"), on_delete=models.PROTECT, related_name="checkins"
    )
    checked_in_at = models.DateTimeField(_("报到时间"))
    local_date = models.DateField(_("报到日期"), help_text=_("北京时间的日期"))

    objects = CheckInQuerySet.as_manager()

    class Meta:
        verbose_name = _("报到记录")
        verbose_name_plural = _("报到记录")
        ordering = ["-checked_in_at"]
        constraints = [
            # One per member, station and day, also when two scans race.
            models.UniqueConstraint(
                fields=["member", "station", "local_date"], name="checkin_once_a_day"
            ),
        ]
        indexes = [
            # The console: a station's check-ins of one day, latest first.
            models.Index(fields=["station", "local_date"], name="checkin_station_day_idx"),
        ]

    def __str__(self):
        return f"{self.member} · {self.station} · {self.local_date:%Y-%m-%d}"


class VisitorPurpose(models.TextChoices):
    REST = "rest", _("休息")
    WATER = "water", _("饮水")
    CHARGING = "charging", _("充电")
    ACTIVITY = "activity", _("参加活动")
    CONSULTATION = "consultation", _("咨询")
    OTHER = "other", _("其他")


class VisitorCount(models.Model):
    """Staff counted `count` visitors who did not check in, for one purpose, on a Shanghai
    date. An append-only tally: each entry is kept with who recorded it; a day's figure is the
    sum, and a mistaken entry is removed (`visitor_count_remove`), never edited."""

    station = models.ForeignKey(
        Station, verbose_name=_("站点"), on_delete=models.PROTECT, related_name="visitor_counts"
    )
    date = models.DateField(_("日期"))
    purpose = models.CharField(_("来访事由"), max_length=20, choices=VisitorPurpose.choices)
    count = models.PositiveSmallIntegerField(_("人数"))
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("记录人"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )
    recorded_at = models.DateTimeField(_("记录时间"), auto_now_add=True)

    class Meta:
        verbose_name = _("来访人数")
        verbose_name_plural = _("来访人数")
        ordering = ["-recorded_at"]
        constraints = [
            models.CheckConstraint(
                condition=Q(purpose__in=VisitorPurpose.values), name="visitor_purpose_valid"
            ),
            models.CheckConstraint(
                condition=Q(count__gte=1, count__lte=500), name="visitor_count_range"
            ),
        ]
        indexes = [
            # The console: a station's tally of one day, summed by purpose.
            models.Index(fields=["station", "date"], name="visitor_station_day_idx"),
        ]

    def __str__(self):
        return f"{self.station} · {self.date:%Y-%m-%d} · {self.get_purpose_display()} {self.count}"
