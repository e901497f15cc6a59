"""Pairings (结对): an enterprise party organization paired with a residential community."""

from django.core.exceptions import ValidationError
from django.db import models
from django.utils.translation import gettext_lazy as _

from branches.models.core import Organization, Street


class PairingQuerySet(models.QuerySet):
    def visible_to(self, user):
        """Pairings of the organizations `user` may see (one subquery, no extra round trip
        beyond the one `Organization.visible_to` needs for its roots)."""
        return self.filter(organization__in=Organization.objects.visible_to(user))


class Pairing(models.Model):
    """An enterprise organization (one with a platform enterprise) paired with a residential
    community (居民区) of a street: joint activities, shared service positions. The community
    is a name, not a model, as `Member.reported_community` is."""

    organization = models.ForeignKey(
        Organization,
        verbose_name=_("企业党组织"),
        on_delete=models.PROTECT,
        related_name="pairings",
    )
    community = models.CharField(_("居民区"), max_length=100)
    street = models.ForeignKey(
        Street,
        verbose_name=_("居民区所在街道"),
        on_delete=models.PROTECT,
        related_name="pairings",
    )
    started_on = models.DateField(_("结对日期"))
    notes = models.TextField(_("备注"), blank=True)
    created_at = models.DateTimeField(_("创建时间"), auto_now_add=True)

    objects = PairingQuerySet.as_manager()

    class Meta:
        verbose_name = _("结对")
        verbose_name_plural = _("结对")
        ordering = ["-started_on", "community"]
        constraints = [
            models.UniqueConstraint(
                fields=["organization", "street", "community"],
                name="pairing_unique_organization_community",
            ),
        ]

    def __str__(self):
        return f"{self.organization} ↔ {self.community}"

    def clean(self):
        organization = getattr(self, "organization", None)
        if organization is not None and organization.enterprise_id is None:
            raise ValidationError(
                {"organization": _("只有平台企业的党组织可以与居民区结对。")},
                code="not_enterprise",
            )
