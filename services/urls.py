"""Included at the site root: the paths are fixed by DESIGN.md (`/activities/`, `/a/<code>/`)."""

from django.urls import path

from services import views

app_name = "services"

urlpatterns = [
    path("activities/", views.activity_list, name="activity-list"),
    path("activities/mine/", views.my_activities, name="my-activities"),
    path("activities/new/", views.activity_create, name="activity-create"),
    path("activities/<int:pk>/", views.activity_detail, name="activity-detail"),
    path("activities/<int:pk>/edit/", views.activity_edit, name="activity-edit"),
    path("activities/<int:pk>/publish/", views.activity_publish, name="activity-publish"),
    path("activities/<int:pk>/cancel/", views.activity_cancel, name="activity-cancel"),
    path("activities/<int:pk>/signup/", views.signup_create, name="signup-create"),
    path("activities/<int:pk>/signup/cancel/", views.signup_cancel, name="signup-cancel"),
    path("activities/<int:pk>/leave/", views.leave_create, name="leave-create"),
    path(
        "activities/<int:pk>/leave/<int:leave_pk>/decide/",
        views.leave_decide,
        name="leave-decide",
    ),
    path("activities/<int:pk>/attendance/", views.attendance_sheet, name="attendance-sheet"),
    path("activities/<int:pk>/minutes/", views.minutes_edit, name="minutes"),
    path("activities/<int:pk>/minutes/print/", views.minutes_print, name="minutes-print"),
    path("activities/<int:pk>/minutes/approve/", views.minutes_approve, name="minutes-approve"),
    path("activities/<int:pk>/minutes/amend/", views.minutes_amend, name="minutes-amend"),
    path("activities/<int:pk>/minutes/attach/", views.minutes_attach, name="minutes-attach"),
    path("compliance/", views.compliance_board, name="compliance-board"),
    path("a/<uuid:code>/", views.checkin, name="checkin"),
    path("notifications/", views.inbox, name="inbox"),
    path("notifications/read/", views.inbox_read, name="inbox-read"),
]
