"""The permission matrix: for every URL name, the method it is tried with and the expected
answer for each persona, in the column order of PERSONAS:

    anonymous  member  station_staff  street_organizer  enterprise_organizer  outsider
    district_admin  auditor  system_admin  security_admin

"200", "403", "404", "405" are statuses; "L" is a redirect to a sign-in page (the portal's or
the admin's, which forwards to it); "302" any other redirect. For "POST" rows the status is
what GET answers before the method check (L for anonymous); every other persona must get 405
for GET, and everyone 403 for a POST without a CSRF token.

Unnamed patterns are keyed by their route. PARAMS gives each URL's parameters: a name of an
object of the security world (its pk is used), "object.attribute" for an attribute, or
"=literal".
"""

# The ten personas of the permission matrix, in the order of its columns.
PERSONAS = (
    "anonymous",
    "member",
    "station_staff",
    "street_organizer",
    "enterprise_organizer",
    "outsider",
    "district_admin",
    "auditor",
    "system_admin",
    "security_admin",
)

_MEMBER = {"pk": "member"}
_STATION = {"pk": "station_a"}
_MEETING = {"pk": "meeting"}
_MINUTES = {"pk": "past_meeting"}
_REPORT = {"pk": "report"}
PARAMS = {
    "account_confirm_email": {"key": "=unknown"},
    "account_reset_password_from_key": {"uidb36": "=0", "key": "=unknown"},
    "branches:organization-detail": {"pk": "organization"},
    "branches:member-export": {"fmt": "=csv"},
    "branches:member-detail": _MEMBER,
    "branches:member-edit": _MEMBER,
    "branches:member-status-advance": _MEMBER,
    "branches:member-status-correct": _MEMBER,
    "branches:transfer-create": _MEMBER,
    "branches:status-attachment": {"pk": "applicant", "change_pk": "status_change"},
    "branches:transfer-decide": {"pk": "transfer"},
    "stations:station-detail": _STATION,
    "stations:outlet-edit": {"pk": "outlet"},
    "stations:console-station": _STATION,
    "stations:station-poster": _STATION,
    "stations:hours-edit": _STATION,
    "stations:features-edit": _STATION,
    "stations:closure-add": _STATION,
    "stations:closure-remove": {"pk": "station_a", "closure_pk": "closure"},
    "stations:visitor-add": _STATION,
    "stations:visitor-remove": {"pk": "station_a", "entry_pk": "visitors"},
    "audit:event-export": {"fmt": "=csv"},
    "station-checkin": {"code": "station_a.code"},
    "services:activity-detail": _MEETING,
    "services:activity-edit": _MEETING,
    "services:activity-publish": _MEETING,
    "services:activity-cancel": _MEETING,
    "services:signup-create": _MEETING,
    "services:signup-cancel": _MEETING,
    "services:leave-create": _MEETING,
    "services:leave-decide": {"pk": "meeting", "leave_pk": "leave"},
    "services:attendance-sheet": _MEETING,
    "services:minutes": _MINUTES,
    "services:minutes-print": _MINUTES,
    "services:minutes-approve": _MINUTES,
    "services:minutes-amend": _MINUTES,
    "services:minutes-attach": _MINUTES,
    "services:checkin": {"code": "meeting.code"},
    "services:report-metoo": _REPORT,
    "services:report-confirm": _REPORT,
    "services:report-triage-detail": _REPORT,
    "admin/branches/organization/children/<str:parent_id>/": {"parent_id": "organization"},
}

MATRIX = {}
