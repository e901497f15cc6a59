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
    path(
        "activities/<int:pk>/minutes/attachments/<int:attachment_pk>/",
        views.minutes_attachment,
        name="minutes-attachment",
    ),
    path("compliance/", views.compliance_board, name="compliance-board"),
    path("a/<uuid:code>/", views.checkin, name="checkin"),
    path("notifications/", views.inbox, name="inbox"),
    path("notifications/read/", views.inbox_read, name="inbox-read"),
]

# Issue 7: sentinel reports (民情前哨).
from services import report_views  # noqa: E402

urlpatterns += [
    path("reports/", report_views.report_list, name="report-list"),
    path("reports/new/", report_views.report_new, name="report-new"),
    path("reports/nearby/", report_views.report_nearby, name="report-nearby"),
    path("reports/mine/", report_views.report_mine, name="report-mine"),
    path("reports/<int:pk>/metoo/", report_views.report_me_too, name="report-metoo"),
    path("reports/<int:pk>/confirm/", report_views.report_confirm, name="report-confirm"),
    path("reports/triage/", report_views.triage, name="report-triage"),
    path("reports/triage/accept/", report_views.triage_bulk_accept, name="report-bulk-accept"),
    path("reports/triage/<int:pk>/", report_views.triage_detail, name="report-triage-detail"),
]
