import logging
from datetime import date

from django.conf import settings
from django.db import DatabaseError, connection
from django.db.models import Count, Q, Sum
from django.http import Http404, HttpResponse, HttpResponsePermanentRedirect
from django.shortcuts import redirect, render
from django.templatetags.static import static
from django.urls import reverse
from django.utils import timezone
from django.utils.http import url_has_allowed_host_and_scheme
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET, require_POST

from branches.models import Street
from services.models import AttendanceStatus
from stations.models import Station
from yangpu_portal.actions import large_text_set
from yangpu_portal.models import DashboardFigure, DashboardRefresh, Metric
from yangpu_portal.navigation import LARGE_TEXT_SESSION_KEY
from yangpu_portal.pagecache import cached_page
from yangpu_portal.privacy import NOTICE_VERSION

log = logging.getLogger(__name__)


@require_GET
@cached_page
def home(request):
    """What the portal is, with public counters only (no personal data): open stations, streets
    with one, and, from the dashboard's figures, activities held and services delivered this
    year (check-ins, visitor counts and attendance). Four queries."""
    this_year = date(timezone.localdate().year, 1, 1)
    year = Q(month__gte=this_year)
    figures = DashboardFigure.objects.aggregate(
        activities=Sum("value", filter=year & Q(metric=Metric.ACTIVITIES)),
        served=Sum(
            "value",
            filter=year
            & (
                Q(metric__in=[Metric.CHECKINS, Metric.VISITORS])
                | Q(metric=Metric.ATTENDANCE, key=AttendanceStatus.PRESENT)
            ),
        ),
    )
    counters = {
        "stations": Station.objects.active().count(),
        "streets": Street.objects.aggregate(
            covered=Count("pk", filter=Q(stations__is_active=True), distinct=True)
        )["covered"],
        "activities": figures["activities"] or 0,
        "served": figures["served"] or 0,
    }
    refreshed = DashboardRefresh.objects.filter(pk=1).first()
    return render(request, "home.html", {"counters": counters, "refreshed": refreshed})


@require_POST
def text_size(request):
    """Turn the large-text mode on (`large=on`) or off, then go back to `next` (a local URL
    only). Signed in: saved on the account, so every device follows; otherwise the session."""
    large = request.POST.get("large") == "on"
    if request.user.is_authenticated:
        large_text_set(user=request.user, large=large)
    else:
        request.session[LARGE_TEXT_SESSION_KEY] = large
    target = request.POST.get("next", "")
    if not url_has_allowed_host_and_scheme(
        target, allowed_hosts={request.get_host()}, require_https=request.is_secure()
    ):
        target = reverse("home")
    return redirect(target)


@require_GET
def privacy_notice(request):
    """The privacy notice (PIPL), public: the current version's text."""
    return render(request, "privacy/notice.html", {"notice_version": NOTICE_VERSION})


@require_GET
def favicon(request):
    """A permanent redirect to the static icon (hashed name in production, so it caches)."""
    return HttpResponsePermanentRedirect(static("img/favicon.svg"))


@never_cache
@require_GET
def healthz(request):
    """200 when the app and its database answer, 503 otherwise. The body never says why."""
    try:
        with connection.cursor() as cursor:
            cursor.execute("SELECT 1")
            cursor.fetchone()
    except DatabaseError:
        log.exception("healthz: database check failed")
        return HttpResponse("unavailable\n", status=503, content_type="text/plain")
    return HttpResponse("ok\n", content_type="text/plain")


@require_GET
def bench_floor(request):
    """The framework floor for `make bench`: the whole middleware stack, no query, no template.
    Exists only while the DJANGO_BENCH setting is on; a 404 otherwise."""
    if not settings.BENCH:
        raise Http404
    return HttpResponse("ok\n", content_type="text/plain")
