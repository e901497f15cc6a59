import hashlib

from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.contrib.auth.views import redirect_to_login
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.db.models import Count, Prefetch, Q, Sum
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.module_loading import import_string
from django.utils.translation import get_language
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from branches.models import Member
from branches.roles import logs_visits, manages_people
from stations.actions import (
    checkin_record,
    outlet_survey,
    place_visit_create,
    station_closure_add,
    station_closure_remove,
    station_features_set,
    station_hours_set,
    visitor_count_add,
    visitor_count_remove,
)
from stations.forms import (
    ClosureForm,
    OutletSurveyForm,
    PlaceVisitForm,
    StationFeaturesForm,
    StationFilterForm,
    VisitorCountForm,
    WeekHoursForm,
)
from stations.maps import for_display
from stations.models import (
    CheckIn,
    Outlet,
    Station,
    StationClosure,
    VisitorCount,
    VisitorPurpose,
    station_local_now,
)
from stations.navigate import navigate_links
from stations.qr import qr_svg
from yangpu_portal import freshness
from yangpu_portal.pagecache import cached_page
from yangpu_portal.privacy import NOTICE_VERSION, consent_from_post, consent_state

PAGE_SIZE = 30
_URL_SENTINEL = 987654321


def _markers(rows, url_name, to_display, **extra):
    """Map markers for `rows` (dicts with pk, name, latitude, longitude), each with its page's
    URL and `extra` values read from the row (marker key -> row key). One reverse() in all."""
    url = reverse(url_name, args=[_URL_SENTINEL])
    markers = []
    for row in rows:
        lat, lng = to_display(row["latitude"], row["longitude"])
        markers.append(
            {
                "name": row["name"],
                "lat": round(lat, 6),
                "lng": round(lng, 6),
                "url": url.replace(str(_URL_SENTINEL), str(row["pk"])),
                **{key: row[column] for key, column in extra.items()},
            }
        )
    return markers


def map_data(stations, *, near=None, outlets=None) -> dict:
    """The map's data island: tile source and markers, in the tiles' coordinate system.
    `stations` are dicts with pk, name, latitude, longitude and open_now; `outlets` (the
    organizers' layer, never on a public page) dicts with pk, name, latitude, longitude and
    rider_count."""
    tiles, to_display = for_display(settings.STATIONS_MAP_TILES, settings.STATIONS_TIANDITU_KEY)
    data = {
        "tiles": tiles,
        "stations": _markers(stations, "stations:station-detail", to_display, open="open_now"),
        "you": list(to_display(*near)) if near else None,
        "labels": {"open": _("现在开放"), "closed": _("现在不开放"), "you": _("您的位置")},
    }
    if outlets is not None:
        data["outlets"] = _markers(
            outlets, "stations:outlet-edit", to_display, riders="rider_count"
        )
        data["labels"] |= {
            "stations": _("服务站点"),
            "outlets": _("快递外卖网点"),
            "riders": _("骑手人数"),
        }
    return data


@require_GET
@cached_page
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
    # The map's markers are every matching station with its "open now" (four EXISTS each):
    # cached per filter and minute until a station's data changes (issue 10).
    filters = request.GET.copy()
    filters.pop("page", None)
    key = f"station-map:{get_language()}:{station_local_now():%Y%m%d%H%M}:{_digest(filters)}"
    context = {
        "form": form,
        "page": page,
        "near": near,
        "map_data": freshness.cached(
            (freshness.STATIONS,), key, lambda: map_data(markers, near=near)
        ),
    }
    return render(request, "stations/station_list.html", context)


def _digest(query) -> str:
    return hashlib.sha256(query.urlencode().encode()).hexdigest()[:24]


def station_activities(station, user) -> list | None:
    """The station's upcoming activities from the app named by STATIONS_ACTIVITY_PROVIDER
    (`services`, which this app may not import), or None when none is configured."""
    if not settings.STATIONS_ACTIVITY_PROVIDER:
        return None
    return import_string(settings.STATIONS_ACTIVITY_PROVIDER)(station=station, user=user)


@require_GET
@cached_page
def station_detail(request, pk):
    """A station's public page. Inactive stations are shown only to those who manage them.
    The upcoming-activities section appears when an activity provider is configured."""
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
        "upcoming_activities": station_activities(station, request.user),
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


# --- The station console --------------------------------------------------------------------------


def _managed_station(request, pk) -> Station:
    """A station the user runs or manages (staff, street organizer, district): else 404."""
    return get_object_or_404(Station.objects.visible_to(request.user), pk=pk)


@login_required
@require_GET
def console(request):
    """The station console's start: the stations the user runs or manages, with today's
    check-ins. Nobody's: 403. Two queries (count, page)."""
    today = station_local_now().date()
    stations = (
        Station.objects.visible_to(request.user)
        .select_related("street")
        .annotate(
            today_checkins=Count("checkins", filter=Q(checkins__local_date=today), distinct=True)
        )
        .order_by("street__sort_order", "name")  # GROUP BY drops Meta.ordering
    )
    page = Paginator(stations, PAGE_SIZE).get_page(request.GET.get("page"))
    if not page.object_list:
        raise PermissionDenied
    return render(request, "stations/console.html", {"page": page})


@login_required
@require_GET
def console_station(request, pk):
    """One station's console: today's check-ins and visitor tally, upcoming closures, and the
    links to edit hours, amenities and closures and to print the poster. Constant queries."""
    station = get_object_or_404(
        Station.objects.visible_to(request.user).with_open_now().select_related("street"), pk=pk
    )
    today = station_local_now().date()
    checkins = CheckIn.objects.filter(station=station, local_date=today).select_related("member")
    entries = VisitorCount.objects.filter(station=station, date=today).select_related("recorded_by")
    totals = dict(entries.order_by().values_list("purpose").annotate(total=Sum("count")))
    context = {
        "station": station,
        "today": today,
        "checkins": checkins,
        "entries": entries,
        "tally": [(label, totals.get(value, 0)) for value, label in VisitorPurpose.choices],
        "visitor_total": sum(totals.values()),
        "visitor_form": VisitorCountForm(),
        "closure_form": ClosureForm(today=today),
        "closures": station.closures.filter(date__gte=today),
        "station_activities": station_activities(station, request.user),
    }
    return render(request, "stations/console_station.html", context)


@login_required
@require_POST
def visitor_add(request, pk):
    station = _managed_station(request, pk)
    form = VisitorCountForm(request.POST)
    if form.is_valid():
        visitor_count_add(station=station, by=request.user, **form.cleaned_data)
        messages.success(request, _("已记录来访人数。"))
    else:
        messages.error(request, _("人数应在 1 到 500 之间，并选择来访事由。"))
    return redirect("stations:console-station", pk=station.pk)


@login_required
@require_POST
def visitor_remove(request, pk, entry_pk):
    """Take back one of today's tally entries (older days are history: 404)."""
    station = _managed_station(request, pk)
    entry = get_object_or_404(
        VisitorCount, pk=entry_pk, station=station, date=station_local_now().date()
    )
    visitor_count_remove(entry=entry, by=request.user)
    messages.success(request, _("已撤销这条来访记录。"))
    return redirect("stations:console-station", pk=station.pk)


@login_required
@require_http_methods(["GET", "POST"])
def hours_edit(request, pk):
    station = _managed_station(request, pk)
    form = WeekHoursForm(request.POST or None, hours=station.hours.all())
    if request.method == "POST" and form.is_valid():
        station_hours_set(station=station, shifts=form.shifts, by=request.user)
        messages.success(request, _("开放时间已更新。"))
        return redirect("stations:console-station", pk=station.pk)
    return render(request, "stations/hours_form.html", {"station": station, "form": form})


@login_required
@require_http_methods(["GET", "POST"])
def features_edit(request, pk):
    station = _managed_station(request, pk)
    initial = {"amenities": station.amenities, "programs": station.programs}
    form = StationFeaturesForm(request.POST or None, initial=initial)
    if request.method == "POST" and form.is_valid():
        station_features_set(station=station, by=request.user, **form.cleaned_data)
        messages.success(request, _("站点设施和项目已更新。"))
        return redirect("stations:console-station", pk=station.pk)
    return render(request, "stations/features_form.html", {"station": station, "form": form})


@login_required
@require_POST
def closure_add(request, pk):
    station = _managed_station(request, pk)
    form = ClosureForm(request.POST, today=station_local_now().date())
    if form.is_valid():
        station_closure_add(
            station=station,
            on=form.cleaned_data["date"],
            reason=form.cleaned_data["reason"],
            by=request.user,
        )
        messages.success(request, _("已添加闭站日期。"))
    else:
        messages.error(request, " ".join(e for errors in form.errors.values() for e in errors))
    return redirect("stations:console-station", pk=station.pk)


@login_required
@require_POST
def closure_remove(request, pk, closure_pk):
    station = _managed_station(request, pk)
    closure = get_object_or_404(StationClosure, pk=closure_pk, station=station)
    station_closure_remove(closure=closure, by=request.user)
    messages.success(request, _("已取消闭站日期。"))
    return redirect("stations:console-station", pk=station.pk)


# --- Outlets (organizers only) ------------------------------------------------------------------


def _require_organizer(user) -> None:
    """Outlets are for district staff, organizers and full-time workers only: else 403."""
    if not manages_people(user):
        raise PermissionDenied


@login_required
@require_GET
def outlet_list(request):
    """Outlets in the user's scope with the riders counted there, on a list and a map layer
    beside the stations. Queries: count, page, rider total, map outlets, map stations."""
    _require_organizer(request.user)
    outlets = Outlet.objects.visible_to(request.user)
    page = Paginator(
        outlets.select_related("enterprise", "street", "surveyed_by"), PAGE_SIZE
    ).get_page(request.GET.get("page"))
    context = {
        "page": page,
        "riders": outlets.order_by().aggregate(total=Sum("rider_count"))["total"] or 0,
        "map_data": map_data(
            Station.objects.active()
            .with_open_now()
            .values("pk", "name", "latitude", "longitude", "open_now"),
            outlets=outlets.values("pk", "name", "latitude", "longitude", "rider_count"),
        ),
    }
    return render(request, "stations/outlet_list.html", context)


@login_required
@require_http_methods(["GET", "POST"])
def outlet_survey_view(request, pk=None):
    """Survey a new outlet, or survey an existing one again (404 outside the user's scope)."""
    _require_organizer(request.user)
    outlet = get_object_or_404(Outlet.objects.visible_to(request.user), pk=pk) if pk else None
    form = OutletSurveyForm(
        request.POST or None,
        instance=outlet,
        user=request.user,
        today=station_local_now().date(),
    )
    if request.method == "POST" and form.is_valid():
        fields = {name: form.cleaned_data[name] for name in form.Meta.fields}
        try:
            outlet_survey(by=request.user, outlet=outlet, **fields)
        except ValidationError as error:
            form.add_error(None, error)
        else:
            messages.success(request, _("网点调查已保存。"))
            return redirect("stations:outlet-list")
    return render(request, "stations/outlet_form.html", {"form": form, "outlet": outlet})


@login_required
@require_http_methods(["GET", "POST"])
def place_visit_create_view(request):
    """Log a contact visit to a station or an outlet (full-time workers and district staff,
    else 403). `?station=<id>` or `?outlet=<id>` preselects the place. The visit then shows in
    the worker's list at `branches:visit-list`."""
    if not logs_visits(request.user):
        raise PermissionDenied
    initial = {"visited_on": station_local_now().date()}
    for key in ("station", "outlet"):
        if request.GET.get(key, "").isdigit():
            initial.update(target=key, **{key: int(request.GET[key])})
    form = PlaceVisitForm(request.POST or None, user=request.user, initial=initial)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            place_visit_create(
                by=request.user,
                visited_on=data["visited_on"],
                notes=data["notes"],
                station=data["station"],
                outlet=data["outlet"],
                follow_up=data["follow_up"],
                follow_up_due=data["follow_up_due"],
            )
        except ValidationError as error:
            form.add_error(None, error)
        else:
            messages.success(request, _("已记录走访。"))
            return redirect("branches:visit-list")
    return render(request, "stations/place_visit_form.html", {"form": form})


# --- QR check-in ----------------------------------------------------------------------------------


@require_http_methods(["GET", "POST"])
def checkin(request, code):
    """The QR landing page (`/s/<code>/`). GET shows the station and, for a signed-in member, a
    one-tap confirm button or "already checked in today"; only the POST writes, through
    `checkin_record`. Visitors who are not signed in go to sign in and come back here.
    A member without consent in force to the privacy notice sees it and ticks consent with the
    confirm (recorded first); one who withdrew is told check-ins are stopped."""
    station = get_object_or_404(Station.objects.select_related("street"), code=code)
    if not request.user.is_authenticated:
        return redirect_to_login(request.get_full_path())
    member = Member.objects.filter(user=request.user).first()
    if request.method == "POST" and member is not None:
        consent_from_post(request)
        try:
            record, created = checkin_record(member=member, station=station, by=request.user)
        except ValidationError as error:
            messages.error(request, error.messages[0])
        else:
            when = station_local_now(record.checked_in_at).strftime("%H:%M")
            if created:
                messages.success(
                    request, _("报到成功！欢迎来到%(station)s。") % {"station": station}
                )
            else:
                messages.info(request, _("您今天已经在本站报到过了（%(time)s）。") % {"time": when})
        return redirect(request.path)
    today = station_local_now().date()
    existing = (
        CheckIn.objects.filter(member=member, station=station, local_date=today).first()
        if member
        else None
    )
    context = {
        "station": station,
        "member": member,
        "existing": existing,
        "consent": consent_state(request.user),
        "notice_version": NOTICE_VERSION,
    }
    return render(request, "stations/checkin.html", context, status=200 if member else 403)


@login_required
@require_GET
def poster(request, pk):
    """The printable A4 poster of a station: its name, the QR code of its landing page as an
    inline SVG, short instructions and the landing address as text."""
    station = _managed_station(request, pk)
    landing = request.build_absolute_uri(reverse("station-checkin", args=[station.code]))
    context = {"station": station, "landing": landing, "qr": qr_svg(landing)}
    return render(request, "stations/poster.html", context)
