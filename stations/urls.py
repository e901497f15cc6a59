from django.urls import path

from stations import views

app_name = "stations"

urlpatterns = [
    path("", views.station_list, name="station-list"),
    path("<int:pk>/", views.station_detail, name="station-detail"),
    path("console/", views.console, name="console"),
    path("outlets/", views.outlet_list, name="outlet-list"),
    path("outlets/new/", views.outlet_survey_view, name="outlet-create"),
    path("outlets/<int:pk>/", views.outlet_survey_view, name="outlet-edit"),
    path("visits/new/", views.place_visit_create_view, name="place-visit-create"),
    path("console/<int:pk>/", views.console_station, name="console-station"),
    path("console/<int:pk>/poster/", views.poster, name="station-poster"),
    path("console/<int:pk>/hours/", views.hours_edit, name="hours-edit"),
    path("console/<int:pk>/features/", views.features_edit, name="features-edit"),
    path("console/<int:pk>/closures/", views.closure_add, name="closure-add"),
    path(
        "console/<int:pk>/closures/<int:closure_pk>/delete/",
        views.closure_remove,
        name="closure-remove",
    ),
    path("console/<int:pk>/visitors/", views.visitor_add, name="visitor-add"),
    path(
        "console/<int:pk>/visitors/<int:entry_pk>/delete/",
        views.visitor_remove,
        name="visitor-remove",
    ),
]
