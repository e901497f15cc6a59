from django.conf import settings
from django.conf.urls.static import static
from django.contrib import admin
from django.urls import include, path

from stations import views as station_views
from yangpu_portal import views
from yangpu_portal.dashboard import views as dashboard_views

# A database outage gets the 503 page (and opens the circuit breaker); anything else the 500 page.
handler500 = "yangpu_portal.outage.server_error"

urlpatterns = [
    path("", views.home, name="home"),
    path("healthz", views.healthz, name="healthz"),
    # The framework floor of `make bench`: 404 unless DJANGO_BENCH is on.
    path("bench/floor", views.bench_floor, name="bench-floor"),
    # Browsers ask for /favicon.ico on pages that name no icon (the admin's): the portal's.
    path("favicon.ico", views.favicon, name="favicon"),
    # 适老化: the large-text switch in the footer (POST, like the language switch).
    path("text-size/", views.text_size, name="text-size"),
    # Issue 9: the privacy notice (PIPL); "my data" and the erasure queue are in services.urls.
    path("privacy/", views.privacy_notice, name="privacy-notice"),
    # Issue 8: the district and street dashboards.
    path("dashboard/", dashboard_views.dashboard, name="dashboard"),
    path("dashboard/refresh/", dashboard_views.dashboard_refresh_now, name="dashboard-refresh"),
    path("dashboard/monthly/", dashboard_views.monthly, name="dashboard-monthly"),
    path(
        "dashboard/export/<slug:slug>.<str:fmt>",
        dashboard_views.dashboard_export,
        name="dashboard-export",
    ),
    path("accounts/", include("allauth.urls")),
    path("i18n/", include("django.conf.urls.i18n")),
    path("admin/", admin.site.urls),
    path("branches/", include("branches.urls")),
    path("stations/", include("stations.urls")),
    path("audit/", include("audit.urls")),
    # Printed on station posters: never change this path.
    path("s/<uuid:code>/", station_views.checkin, name="station-checkin"),
    # Issue 5: /activities/, /a/<code>/, /notifications/, /compliance/ (paths in services.urls).
    path("", include("services.urls")),
]

# Uploaded files (station photos) from the development server only; in production the storage
# backend or the reverse proxy serves MEDIA_URL.
if settings.DEBUG:
    urlpatterns += static(settings.MEDIA_URL, document_root=settings.MEDIA_ROOT)
