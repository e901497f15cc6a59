"""Contact visits (联系走访) to a station or an outlet.

A visit is one `branches.ContactVisit` row (who, when, notes, follow-up; its target kind is
"place") plus this row, which says which station or outlet. The split keeps the dependency one
way: `branches` never names a station, and this app points at `branches`. The pair is made in
one transaction by `stations.actions.place_visit_create`; the branches pages read place targets
through `stations.visits` (settings.BRANCHES_PLACE_VISITS)."""

from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from stations.models.outlets import Outlet
from stations.models.stations import Station


class PlaceVisit(models.Model):
    """Which station or outlet a place visit went to (exactly one)."""

    visit = models.OneToOneField(
        "branches.ContactVisit",
        verbose_name=_("联系走访"),
        on_delete=models.CASCADE,
        primary_key=True,
        related_name="place",
    )
    station = models.ForeignKey(
        Station,
        verbose_name=_("走访阵地"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="place_visits",
    )
    outlet = models.ForeignKey(
        Outlet,
        verbose_name=_("走访网点"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="place_visits",
    )

    class Meta:
        verbose_name = _("阵地网点走访")
        verbose_name_plural = _("阵地网点走访")
        constraints = [
            models.CheckConstraint(
                condition=(Q(station__isnull=False) & Q(outlet__isnull=True))
                | (Q(station__isnull=True) & Q(outlet__isnull=False)),
                name="place_visit_exactly_one_place",
            ),
        ]
        # The foreign keys' own indexes serve the coverage view's last visit per station and
        # per outlet (a join to the visit's date).

    def __str__(self):
        return str(self.station or self.outlet)

    @property
    def place(self):
        return self.station or self.outlet
