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

# Issue 6: the vanguard passport (先锋护照), micro-courses (大家微讲堂), party-lesson routes.
from services import passport_views  # noqa: E402

urlpatterns += [
    path("passport/", passport_views.passport_page, name="passport"),
    path("passport/ledger/", passport_views.passport_ledger, name="passport-ledger"),
    path("passport/leaderboard/", passport_views.leaderboard, name="passport-leaderboard"),
    path("passport/leaderboard/opt-in/", passport_views.passport_optin, name="passport-optin"),
    path("passport/volunteer/", passport_views.volunteer_declare, name="volunteer-declare"),
    path("passport/volunteer/review/", passport_views.volunteer_review, name="volunteer-review"),
    path(
        "passport/volunteer/<int:pk>/decide/",
        passport_views.volunteer_decide,
        name="volunteer-decide",
    ),
    path("passport/card/<str:token>/", passport_views.passport_card, name="passport-card"),
    path("passport/entries/<int:pk>/reverse/", passport_views.entry_reverse, name="entry-reverse"),
    path("courses/", passport_views.course_list, name="course-list"),
    path("courses/lessons/<int:pk>/", passport_views.lesson_detail, name="lesson-detail"),
    path("courses/lessons/<int:pk>/finish/", passport_views.lesson_finish, name="lesson-finish"),
    path("routes/", passport_views.route_list, name="route-list"),
    path("routes/<int:pk>/", passport_views.route_detail, name="route-detail"),
    path("routes/stops/<int:pk>/checkin/", passport_views.stop_checkin, name="stop-checkin"),
    path("routes/stops/<int:pk>/poster/", passport_views.stop_poster, name="stop-poster"),
    path("routes/stop/<uuid:code>/", passport_views.stop_qr, name="stop-qr"),
]

# Issue 6 (part 2): benefits, aid applications, commendations and career plans.
from services import care_views  # noqa: E402

urlpatterns += [
    path("passport/benefits/", care_views.benefit_list, name="benefit-list"),
    path("passport/benefits/<int:pk>/claim/", care_views.benefit_claim, name="benefit-claim"),
    path("passport/benefits/redeem/", care_views.benefit_redeem, name="benefit-redeem"),
    path("aid/", care_views.aid_mine, name="aid-mine"),
    path("aid/new/", care_views.aid_new, name="aid-new"),
    path("aid/review/", care_views.aid_queue, name="aid-queue"),
    path("aid/<int:pk>/", care_views.aid_detail, name="aid-detail"),
    path("aid/<int:pk>/move/", care_views.aid_move, name="aid-move"),
    path("aid/attachments/<int:pk>/", care_views.aid_attachment, name="aid-attachment"),
    path("honours/", care_views.honour_roll, name="honour-roll"),
    path("honours/nominations/", care_views.nomination_list, name="nomination-list"),
    path("honours/nominations/new/", care_views.nomination_new, name="nomination-new"),
    path(
        "honours/nominations/<int:pk>/decide/",
        care_views.nomination_decide,
        name="nomination-decide",
    ),
    path("career/", care_views.career_list, name="career-list"),
    path("career/new/", care_views.career_new, name="career-new"),
    path("career/<int:pk>/", care_views.career_detail, name="career-detail"),
    path(
        "career/<int:pk>/milestones/<int:milestone_pk>/",
        care_views.career_tick,
        name="career-tick",
    ),
]

# Issue 9: PIPL, "my data" and the erasure requests' queue.
from services import privacy_views  # noqa: E402

urlpatterns += [
    path("me/data/", privacy_views.my_data, name="my-data"),
    path("me/data/download.json", privacy_views.my_data_download, name="my-data-download"),
    path("me/data/consent/", privacy_views.my_consent, name="my-consent"),
    path("me/data/erasure/", privacy_views.my_erasure_request, name="my-erasure-request"),
    path("privacy/requests/", privacy_views.erasure_queue, name="erasure-queue"),
    path("privacy/requests/<int:pk>/handle/", privacy_views.erasure_handle, name="erasure-handle"),
]
