from django.urls import path

from audit import views

app_name = "audit"

urlpatterns = [
    path("", views.event_list, name="event-list"),
    path("export.<str:fmt>", views.event_export, name="event-export"),
]
