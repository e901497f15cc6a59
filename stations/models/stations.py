"""Stations, their weekly hours, closures, amenities, programs and staff."""

import uuid
from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import models
from django.db.models import Exists, F, OuterRef, Q
from django.db.models.functions import Sqrt
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from branches.models import Street
from stations.geo import SHANGHAI_BOUNDS, in_shanghai, metres_per_degree

# Opening hours, "open now" and check-in days are Shanghai wall-clock time, whatever the server's
# or the visitor's time zone.
STATION_TIME_ZONE = ZoneInfo("Asia/Shanghai")


def station_local_now(at: datetime | None = None) -> datetime:
    """`at` (default: now) as a Shanghai wall-clock time."""
    return timezone.localtime(at or timezone.now(), STATION_TIME_ZONE)


class StationKind(models.TextChoices):
    PARTY_SERVICE = "party_service", _("党群服务站")
    RIDER = "rider", _("骑手服务站/驿站")
    BANK_RELAY = "bank_relay", _("爱心接力站")
    UNION = "union", _("工会驿站")
    COMMUNITY = "community", _("社区站点")
    ENTERPRISE = "enterprise", _("企业站点")


class Weekday(models.IntegerChoices):
    """`date.weekday()` numbering."""

    MONDAY = 0, _("星期一")
    TUESDAY = 1, _("星期二")
    WEDNESDAY = 2, _("星期三")
    THURSDAY = 3, _("星期四")
    FRIDAY = 4, _("星期五")
    SATURDAY = 5, _("星期六")
    SUNDAY = 6, _("星期日")


class Amenity(models.TextChoices):
    WATER = "water", _("饮水")
    REST = "rest", _("歇脚")
    CHARGING = "charging", _("充电")
    MEAL_HEATING = "meal_heating", _("加热餐食")
    TOILET = "toilet", _("卫生间")
    FIRST_AID = "first_aid", _("药箱")
    WIFI = "wifi", _("无线网络")
    RAIN_GEAR = "rain_gear", _("雨具")
    READING = "reading", _("阅读")
    REPAIR = "repair", _("打气/维修")


class Program(models.TextChoices):
    """The ten programs (十大项目). Activities (`services`) name theirs with these values too."""

    IDEOLOGY = "ideology", _("思想引领")
    RED_POSITION = "red_position", _("红色阵地")
    REST_STOP = "rest_stop", _("休憩驿站")
    DEVELOPMENT = "development", _("发展护航")
    HEALTH = "health", _("健康守护")
    CULTURE = "culture", _("特色文娱")
    ASSISTANCE = "assistance", _("援助帮扶")
    CAREER = "career", _("职业成长")
    POLICY = "policy", _("政策培训")
    PASSPORT = "passport", _("先锋护照")


class StationQuerySet(models.QuerySet):
    def active(self):
        """What the public finder lists."""
        return self.filter(is_active=True)

    def with_open_now(self, at: datetime | None = None):
        """Annotate `open_now` (bool): open at `at` (default now) in Shanghai time. In SQL, so
        the finder can filter on it: no extra query, four correlated EXISTS per row.

        A shift belongs to the weekday it starts on; `closes <= opens` means it ends the next
        day (22:00-06:00); `all_day` is the whole day. A closure date shuts the station for
        that whole calendar day and cancels the shift that starts on it (its overnight tail
        too); the previous evening's overnight shift is cut at midnight."""
        local = station_local_now(at)
        today = local.date()
        yesterday = today - timedelta(days=1)
        moment = local.time().replace(microsecond=0)
        hours = OpeningHours.objects.filter(station=OuterRef("pk"))
        overnight = Q(closes__lte=F("opens"))
        started_today = hours.filter(
            Q(weekday=today.weekday())
            & (Q(all_day=True) | Q(opens__lte=moment) & (Q(closes__gt=moment) | overnight))
        )
        from_yesterday = hours.filter(overnight, weekday=yesterday.weekday(), closes__gt=moment)
        closures = StationClosure.objects.filter(station=OuterRef("pk"))
        return self.annotate(
            open_now=~Exists(closures.filter(date=today))
            & (
                Exists(started_today)
                | Exists(from_yesterday) & ~Exists(closures.filter(date=yesterday))
            )
        )

    def with_distance_from(self, latitude: float, longitude: float):
        """Annotate `distance` in metres from a WGS-84 point, computed by the database in the
        same query. Equirectangular approximation (`geo.approx_distance_m`): within a city
        it is within 0.1 % of the great-circle distance and needs only a square root."""
        per_lat, per_lng = metres_per_degree(latitude)
        d_lat = (F("latitude") - latitude) * per_lat
        d_lng = (F("longitude") - longitude) * per_lng
        return self.annotate(
            distance=Sqrt(d_lat * d_lat + d_lng * d_lng, output_field=models.FloatField())
        )

    def with_features(self):
        """Prefetch amenities and programs: two queries whatever the number of stations."""
        return self.prefetch_related("amenity_rows", "program_rows")

    def visible_to(self, user):
        """Stations `user` manages: all for district staff; a street organizer's streets; the
        stations a staff member is assigned to. The public finder uses `active()` instead."""
        if not user.is_authenticated:
            return self.none()
        if user.has_perm("stations.view_station"):
            return self
        return self.filter(
            Q(street__in=Street.objects.organized_by(user)) | Q(staff__user=user)
        ).distinct()


def station_photo_path(station, filename: str) -> str:
    """An unguessable name in the configured storage (local media or object storage)."""
    suffix = filename.rsplit(".", 1)[-1].lower() if "." in filename else "jpg"
    return f"stations/photos/{uuid.uuid4().hex}.{suffix[:5]}"


class Station(models.Model):
    """A place new-employment workers can walk into: water, rest, charging, activities.
    `code` is the unguessable token printed in the station's QR poster (`/s/<code>/`)."""

    name = models.CharField(_("名称"), max_length=100)
    brand = models.CharField(_("品牌"), max_length=50, default="HUI新屋", blank=True)
    kind = models.CharField(_("类型"), max_length=20, choices=StationKind.choices)
    host_organization = models.ForeignKey(
        "branches.Organization",
        verbose_name=_("依托党组织"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="stations",
    )
    host_name = models.CharField(
        _("依托单位"), max_length=100, blank=True, help_text=_("例如银行网点名称")
    )
    street = models.ForeignKey(
        "branches.Street",
        verbose_name=_("所属街道"),
        on_delete=models.PROTECT,
        related_name="stations",
    )
    address = models.CharField(_("地址"), max_length=200)
    latitude = models.FloatField(_("纬度"), help_text=_("WGS-84"))
    longitude = models.FloatField(_("经度"), help_text=_("WGS-84"))
    phone = models.CharField(_("联系电话"), max_length=20, blank=True)
    capacity = models.PositiveSmallIntegerField(_("容纳人数"), null=True, blank=True)
    description = models.TextField(_("简介"), blank=True)
    directions = models.TextField(
        _("到达方式"), blank=True, help_text=_("例如：地铁10号线江湾体育场站3号口，步行200米")
    )
    photo = models.ImageField(_("照片"), upload_to=station_photo_path, blank=True, max_length=200)
    is_active = models.BooleanField(_("开放中"), default=True)
    code = models.UUIDField(_("二维码标识"), default=uuid.uuid4, unique=True, editable=False)
    created_at = models.DateTimeField(_("创建时间"), auto_now_add=True)
    updated_at = models.DateTimeField(_("更新时间"), auto_now=True)

    objects = StationQuerySet.as_manager()

    class Meta:
        verbose_name = _("服务站点")
        verbose_name_plural = _("服务站点")
        ordering = ["street__sort_order", "name"]
        constraints = [
            models.CheckConstraint(
                condition=Q(kind__in=StationKind.values), name="station_kind_valid"
            ),
            models.CheckConstraint(
                condition=Q(latitude__gte=-90, latitude__lte=90)
                & Q(longitude__gte=-180, longitude__lte=180),
                name="station_coordinates_valid",
            ),
            models.UniqueConstraint(fields=["street", "name"], name="station_unique_name_street"),
        ]
        indexes = [
            # The public finder: active stations of a street.
            models.Index(fields=["is_active", "street"], name="station_active_street_idx"),
        ]

    def __str__(self):
        return self.name

    def clean(self):
        validate_in_shanghai(self.latitude, self.longitude)

    @property
    def amenities(self) -> list[str]:
        """Amenity values in the order of `Amenity` (from prefetched rows when prefetched)."""
        chosen = {row.amenity for row in self.amenity_rows.all()}
        return [value for value in Amenity.values if value in chosen]

    @property
    def programs(self) -> list[str]:
        chosen = {row.program for row in self.program_rows.all()}
        return [value for value in Program.values if value in chosen]

    @property
    def amenity_labels(self) -> list[str]:
        return [Amenity(value).label for value in self.amenities]

    @property
    def program_labels(self) -> list[str]:
        return [Program(value).label for value in self.programs]


class OpeningHours(models.Model):
    """One opening shift of a station on a weekday. Several shifts a day are allowed
    (09:00-12:00 and 14:00-18:00); a weekday without a shift is closed. `closes <= opens` is an
    overnight shift that ends the next morning; `all_day` means open 24 hours."""

    station = models.ForeignKey(
        Station, verbose_name=_("站点"), on_delete=models.CASCADE, related_name="hours"
    )
    weekday = models.PositiveSmallIntegerField(_("星期"), choices=Weekday.choices)
    all_day = models.BooleanField(_("24小时开放"), default=False)
    opens = models.TimeField(_("开门"), null=True, blank=True)
    closes = models.TimeField(
        _("关门"), null=True, blank=True, help_text=_("早于开门时间表示次日关门（如 22:00-06:00）")
    )

    class Meta:
        verbose_name = _("开放时间")
        verbose_name_plural = _("开放时间")
        ordering = ["weekday", "all_day", "opens"]
        constraints = [
            models.CheckConstraint(
                condition=Q(weekday__in=Weekday.values), name="hours_weekday_valid"
            ),
            # All day: no times. Otherwise both times, and a shift of some length.
            models.CheckConstraint(
                condition=Q(all_day=True, opens__isnull=True, closes__isnull=True)
                | (
                    Q(all_day=False, opens__isnull=False, closes__isnull=False)
                    & ~Q(opens=F("closes"))
                ),
                name="hours_times_valid",
            ),
        ]
        indexes = [
            # "Open now": the shifts of one station on one weekday (a correlated EXISTS).
            models.Index(fields=["station", "weekday"], name="hours_station_weekday_idx"),
        ]

    def __str__(self):
        return f"{self.get_weekday_display()} {self.label}"

    def clean(self):
        if self.all_day:
            self.opens = self.closes = None
        elif self.opens is None or self.closes is None:
            raise ValidationError(_("请填写开门和关门时间，或选择24小时开放。"), code="times")
        elif self.opens == self.closes:
            raise ValidationError(
                _("开门和关门时间不能相同；全天开放请选择24小时开放。"), code="same_time"
            )

    @property
    def is_overnight(self) -> bool:
        return not self.all_day and self.closes <= self.opens

    @property
    def label(self) -> str:
        if self.all_day:
            return str(_("24小时"))
        closes = self.closes.strftime("%H:%M")
        if self.is_overnight:
            closes = _("次日%(time)s") % {"time": closes}
        return f"{self.opens:%H:%M}-{closes}"


class StationClosure(models.Model):
    """The station is closed on `date` (a holiday, a renovation), whatever its hours say."""

    station = models.ForeignKey(
        Station, verbose_name=_("站点"), on_delete=models.CASCADE, related_name="closures"
    )
    date = models.DateField(_("日期"))
    reason = models.CharField(_("原因"), max_length=100, blank=True)

    class Meta:
        verbose_name = _("闭站日期")
        verbose_name_plural = _("闭站日期")
        ordering = ["date"]
        constraints = [
            # Also the index of "is it closed on this date" (a correlated EXISTS).
            models.UniqueConstraint(fields=["station", "date"], name="closure_unique_date"),
        ]

    def __str__(self):
        return f"{self.station} · {self.date:%Y-%m-%d}"


class StationAmenity(models.Model):
    """`station` offers `amenity`. Rows rather than a list column, so that the finder filters
    in SQL on SQLite and PostgreSQL alike."""

    station = models.ForeignKey(
        Station, verbose_name=_("站点"), on_delete=models.CASCADE, related_name="amenity_rows"
    )
    amenity = models.CharField(_("设施"), max_length=20, choices=Amenity.choices)

    class Meta:
        verbose_name = _("站点设施")
        verbose_name_plural = _("站点设施")
        constraints = [
            models.CheckConstraint(
                condition=Q(amenity__in=Amenity.values), name="station_amenity_valid"
            ),
            models.UniqueConstraint(fields=["station", "amenity"], name="station_amenity_unique"),
        ]
        indexes = [
            # The finder's amenity filter: stations offering one amenity.
            models.Index(fields=["amenity", "station"], name="station_amenity_idx"),
        ]

    def __str__(self):
        return self.get_amenity_display()


class StationProgram(models.Model):
    """`station` takes part in `program` (十大项目)."""

    station = models.ForeignKey(
        Station, verbose_name=_("站点"), on_delete=models.CASCADE, related_name="program_rows"
    )
    program = models.CharField(_("项目"), max_length=20, choices=Program.choices)

    class Meta:
        verbose_name = _("站点项目")
        verbose_name_plural = _("站点项目")
        constraints = [
            models.CheckConstraint(
                condition=Q(program__in=Program.values), name="station_program_valid"
            ),
            models.UniqueConstraint(fields=["station", "program"], name="station_program_unique"),
        ]
        indexes = [
            # The finder's program filter: stations offering one program.
            models.Index(fields=["program", "station"], name="station_program_idx"),
        ]

    def __str__(self):
        return self.get_program_display()


class StationStaff(models.Model):
    """`user` runs `station`: they log its activities, attendance and visitor counts."""

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("账户"),
        on_delete=models.CASCADE,
        related_name="station_assignments",
    )
    station = models.ForeignKey(
        Station, verbose_name=_("站点"), on_delete=models.CASCADE, related_name="staff"
    )
    since = models.DateField(_("起始日期"), null=True, blank=True)

    class Meta:
        verbose_name = _("站点工作人员")
        verbose_name_plural = _("站点工作人员")
        ordering = ["station__name", "user__username"]
        constraints = [
            models.UniqueConstraint(fields=["user", "station"], name="station_staff_unique"),
        ]

    def __str__(self):
        return f"{self.user} · {self.station}"


def validate_in_shanghai(latitude, longitude):
    """Raise ValidationError unless the WGS-84 point lies in Shanghai."""
    if latitude is None or longitude is None or in_shanghai(latitude, longitude):
        return
    south, north, west, east = SHANGHAI_BOUNDS
    raise ValidationError(
        _(
            "坐标（%(lat)s, %(lng)s）不在上海市范围内：纬度应在 %(south)s–%(north)s，"
            "经度应在 %(west)s–%(east)s 之间（WGS-84）。"
        )
        % {
            "lat": latitude,
            "lng": longitude,
            "south": south,
            "north": north,
            "west": west,
            "east": east,
        },
        code="outside_shanghai",
    )
