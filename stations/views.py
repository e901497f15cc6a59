from django.conf import settings
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.db.models import Prefetch
from django.shortcuts import get_object_or_404, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET

from stations.forms import StationFilterForm
from stations.geo import wgs84_to_gcj02
from stations.maps import tile_source
from stations.models import Station, StationClosure, station_local_now
from stations.navigate import navigate_links

PAGE_SIZE = 30


def map_data(stations, *, near=None) -> dict:
    """The map's data island: tile source and markers, in the tiles' coordinate system.
    `stations` are dicts with pk, name, latitude, longitude and open_now."""
    source = tile_source(settings.STATIONS_MAP_TILES)
    to_display = wgs84_to_gcj02 if source and source.gcj02 else (lambda lat, lng: (lat, lng))
    markers = []
    for row in stations:
        lat, lng = to_display(row["latitude"], row["longitude"])
        markers.append(
            {
                "name": row["name"],
                "lat": round(lat, 6),
                "lng": round(lng, 6),
                "open": row["open_now"],
                "url": reverse("stations:station-detail", args=[row["pk"]]),
            }
        )
    return {
        "tiles": source.client_config(settings.STATIONS_TIANDITU_KEY) if source else None,
        "stations": markers,
        "you": list(to_display(*near)) if near else None,
        "labels": {"open": _("现在开放"), "closed": _("现在不开放"), "you": _("您的位置")},
    }


@require_GET
def station_list(request):
    """The public station finder: active stations filtered by street, program, amenity, kind
    and open now, nearest first with `near=lat,lng`. Queries, whatever the number of stations:
    street choices, count, page, amenities, programs and the map's markers (plus the street
    lookup when filtering by street)."""
    form = StationFilterForm(request.GET)
    stations = form.filter(Station.objects.active().with_open_now())
    page = Paginator(stations.select_related("street").with_features(), PAGE_SIZE).get_page(
        request.GET.get("page")
    )
    for station in page.object_list:
        station.navigate_url = navigate_links(station)[0].url
    near = form.value("near")
    markers = stations.values("pk", "name", "latitude", "longitude", "open_now")
    context = {
        "form": form,
        "page": page,
        "near": near,
        "map_data": map_data(markers, near=near),
    }
    return render(request, "stations/station_list.html", context)


@require_GET
def station_detail(request, pk):
    """A station's public page. Inactive stations are shown only to those who manage them.
    `upcoming_activities` stays unset until activities exist: the template shows that section
    only when a view provides it."""
    today = station_local_now().date()
    stations = (
        Station.objects.with_open_now()
        .with_features()
        .select_related("street", "host_organization")
        .prefetch_related(
            "hours",
            Prefetch(
                "closures",
                queryset=StationClosure.objects.filter(date__gte=today)[:10],
                to_attr="upcoming_closures",
            ),
        )
    )
    station = stations.active().filter(pk=pk).first()
    if station is None:
        station = get_object_or_404(stations.visible_to(request.user), pk=pk)
    context = {
        "station": station,
        "today_weekday": today.weekday(),
        "navigate_links": navigate_links(station),
        "map_data": map_data(
            [
                {
                    "pk": station.pk,
                    "name": station.name,
                    "latitude": station.latitude,
                    "longitude": station.longitude,
                    "open_now": station.open_now,
                }
            ]
        ),
    }
    return render(request, "stations/station_detail.html", context)


@login_required
@require_GET
def console(request):
    """The station console's start: the stations the user runs or manages. Nobody's: 403."""
    stations = Station.objects.visible_to(request.user).select_related("street")
    page = Paginator(stations, PAGE_SIZE).get_page(request.GET.get("page"))
    if not page.object_list:
        raise PermissionDenied
    return render(request, "stations/console.html", {"page": page})
