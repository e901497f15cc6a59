import logging

from django.db import DatabaseError, connection
from django.db.models import Count, Q
from django.http import HttpResponse, HttpResponsePermanentRedirect
from django.shortcuts import render
from django.templatetags.static import static
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET

from branches.models import Enterprise, Organization, Street
from stations.models import Station

log = logging.getLogger(__name__)


@require_GET
def home(request):
    """What the portal is, with public counters (one aggregate query per model)."""
    counters = {
        "stations": Station.objects.active().count(),
        "streets": Street.objects.aggregate(
            covered=Count("pk", filter=Q(stations__is_active=True), distinct=True)
        )["covered"],
        "enterprises": Enterprise.objects.count(),
        "organizations": Organization.objects.count(),
    }
    return render(request, "home.html", {"counters": counters})


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
