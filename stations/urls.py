from django.urls import path

from stations import views

app_name = "stations"

urlpatterns = [
    path("", views.station_list, name="station-list"),
    path("<int:pk>/", views.station_detail, name="station-detail"),
    path("console/", views.console, name="console"),
    path("console/<int:pk>/poster/", views.poster, name="station-poster"),
]
