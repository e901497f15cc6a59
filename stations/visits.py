"""What the branches visit pages read about visits to stations and outlets. `branches` may not
import this app (dependencies point one way), so it reaches these methods through the object
named by settings.BRANCHES_PLACE_VISITS; an empty setting turns place visits off there."""

import datetime
from dataclasses import dataclass

from django.db.models import F, Max, Q
from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from stations.models import Outlet, PlaceVisit, Station

# The coverage view lists at most this many unvisited places of each kind (never visited
# first), with the total beside them.
COVERAGE_LIMIT = 100


@dataclass(frozen=True)
class PlaceTarget:
    kind: str
    name: str
    url: str


@dataclass(frozen=True)
class CoverageRow:
    name: str
    street: str
    last_visit: datetime.date | None
    url: str


@dataclass(frozen=True)
class CoverageSection:
    key: str
    title: str
    rows: list[CoverageRow]
    total: int


class PlaceVisits:
    def describe(self, visit_ids) -> dict[int, PlaceTarget]:
        """The station or outlet of each of these place visits, by visit id. One query."""
        found = {}
        rows = PlaceVisit.objects.filter(visit_id__in=list(visit_ids)).select_related(
            "station", "outlet"
        )
        for row in rows:
            if row.station_id is not None:
                url = reverse("stations:station-detail", args=[row.station_id])
                found[row.visit_id] = PlaceTarget(str(_("服务阵地")), row.station.name, url)
            else:
                url = reverse("stations:outlet-edit", args=[row.outlet_id])
                found[row.visit_id] = PlaceTarget(str(_("快递外卖网点")), row.outlet.name, url)
        return found

    def coverage(self, *, since: datetime.date, user) -> list[CoverageSection]:
        """Active stations, and the outlets `user` may see, with no visit since `since`:
        never visited first, then the longest ago. Two queries per kind (count and rows)."""
        stations = Station.objects.filter(is_active=True)
        outlets = Outlet.objects.visible_to(user)
        return [
            self._section("stations", _("服务阵地"), stations, since, "stations:station-detail"),
            self._section("outlets", _("快递外卖网点"), outlets, since, "stations:outlet-edit"),
        ]

    def create_url(self) -> str:
        return reverse("stations:place-visit-create")

    def _section(self, key, title, queryset, since, url_name) -> CoverageSection:
        unvisited = (
            queryset.annotate(last_visit=Max("place_visits__visit__visited_on"))
            .filter(Q(last_visit__isnull=True) | Q(last_visit__lt=since))
            .order_by(F("last_visit").asc(nulls_first=True), "street__sort_order", "name", "pk")
        )
        rows = [
            CoverageRow(name, street, last_visit, reverse(url_name, args=[pk]))
            for pk, name, street, last_visit in unvisited.values_list(
                "pk", "name", "street__name", "last_visit"
            )[:COVERAGE_LIMIT]
        ]
        total = len(rows) if len(rows) < COVERAGE_LIMIT else unvisited.count()
        return CoverageSection(key, str(title), rows, total)


place_visits = PlaceVisits()
