from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.shortcuts import get_object_or_404, render
from django.views.decorators.http import require_GET

from stations.forms import StationFilterForm
from stations.models import Station

PAGE_SIZE = 30


@require_GET
def station_list(request):
    """The public station finder: active stations, filterable by street and kind."""
    form = StationFilterForm(request.GET)
    stations = form.filter(Station.objects.active()).select_related("street")
    page = Paginator(stations, PAGE_SIZE).get_page(request.GET.get("page"))
    return render(request, "stations/station_list.html", {"form": form, "page": page})


@require_GET
def station_detail(request, pk):
    """A station's public page. Inactive stations are shown only to those who manage them."""
    station = (
        Station.objects.active().filter(pk=pk).select_related("street", "host_organization")
    ).first()
    if station is None:
        station = get_object_or_404(
            Station.objects.visible_to(request.user).select_related("street", "host_organization"),
            pk=pk,
        )
    return render(request, "stations/station_detail.html", {"station": station})


@login_required
@require_GET
def console(request):
    """The station console's start: the stations the user runs or manages. Nobody's: 403."""
    stations = Station.objects.visible_to(request.user).select_related("street")
    page = Paginator(stations, PAGE_SIZE).get_page(request.GET.get("page"))
    if not page.object_list:
        raise PermissionDenied
    return render(request, "stations/console.html", {"page": page})
