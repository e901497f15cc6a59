"""Delivery and courier outlets (快递外卖网点) surveyed by full-time workers: organizers only."""

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from branches.models import Street
from stations.models.stations import validate_in_shanghai


class OutletQuerySet(models.QuerySet):
    def visible_to(self, user):
        """Outlets are never public. District staff (`stations.view_outlet`) see all; street
        organizers and full-time workers their streets' outlets; enterprise organizers their
        enterprises' outlets. One query when evaluated."""
        if not user.is_authenticated:
            return self.none()
        if user.has_perm("stations.view_outlet"):
            return self
        return self.filter(
            Q(street__in=Street.objects.organized_by(user))
            | Q(enterprise__organizations__organizer_assignments__user=user)
        ).distinct()


class Outlet(models.Model):
    """A delivery or courier outlet (快递外卖网点, e.g. a Meituan delivery station or an SF
    branch) that full-time workers survey: where it is and how many riders work from it.
    Organizer-only data, for planning stations where the riders are."""

    enterprise = models.ForeignKey(
        "branches.Enterprise",
        verbose_name=_("平台企业"),
        on_delete=models.PROTECT,
        related_name="outlets",
    )
    brand = models.CharField(_("品牌"), max_length=50, blank=True, help_text=_("例如：美团外卖"))
    name = models.CharField(_("网点名称"), max_length=100)
    street = models.ForeignKey(
        "branches.Street", verbose_name=_("所属街道"), on_delete=models.PROTECT, related_name="+"
    )
    address = models.CharField(_("地址"), max_length=200)
    latitude = models.FloatField(_("纬度"), help_text=_("WGS-84"))
    longitude = models.FloatField(_("经度"), help_text=_("WGS-84"))
    rider_count = models.PositiveIntegerField(_("骑手人数"))
    surveyed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("调查人"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )
    surveyed_at = models.DateField(_("调查日期"))
    notes = models.TextField(_("备注"), blank=True)
    created_at = models.DateTimeField(_("创建时间"), auto_now_add=True)
    updated_at = models.DateTimeField(_("更新时间"), auto_now=True)

    objects = OutletQuerySet.as_manager()

    class Meta:
        verbose_name = _("快递外卖网点")
        verbose_name_plural = _("快递外卖网点")
        ordering = ["street__sort_order", "name"]
        constraints = [
            models.UniqueConstraint(fields=["street", "name"], name="outlet_unique_name_street"),
            models.CheckConstraint(
                condition=Q(latitude__gte=-90, latitude__lte=90)
                & Q(longitude__gte=-180, longitude__lte=180),
                name="outlet_coordinates_valid",
            ),
            models.CheckConstraint(
                condition=Q(rider_count__lte=10000), name="outlet_rider_count_range"
            ),
        ]

    def __str__(self):
        return self.name

    def clean(self):
        validate_in_shanghai(self.latitude, self.longitude)
