from django.contrib import admin
from django.urls import include, path

from yangpu_portal import views

urlpatterns = [
    path("", views.home, name="home"),
    path("healthz", views.healthz, name="healthz"),
    path("accounts/", include("allauth.urls")),
    path("i18n/", include("django.conf.urls.i18n")),
    path("admin/", admin.site.urls),
    path("branches/", include("branches.urls")),
    path("stations/", include("stations.urls")),
    # Issue 5: /activities/, /a/<code>/, /notifications/, /compliance/ (paths in services.urls).
    path("", include("services.urls")),
]
