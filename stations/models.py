"""Service positions (阵地): the HUI新屋 stations, rider stations and bank relay stations, and the
staff who run them. Depends on `branches`; `services` depends on this app."""

import uuid

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from branches.models import Street


class StationKind(models.TextChoices):
    PARTY_SERVICE = "party_service", _("党群服务站")
    RIDER = "rider", _("骑手服务站/驿站")
    BANK_RELAY = "bank_relay", _("爱心接力站")
    UNION = "union", _("工会驿站")
    COMMUNITY = "community", _("社区站点")
    ENTERPRISE = "enterprise", _("企业站点")


class StationQuerySet(models.QuerySet):
    def active(self):
        """What the public finder lists."""
        return self.filter(is_active=True)

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
