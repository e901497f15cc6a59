"""The district-wide roles that are Django groups (yangpu_portal migrations 0002 and 0004).
Every other role is data: an `OrganizerAssignment`, a `stations.StationStaff` row or a
`Member.user` link.

Separation of duties (三员分立): the system admin manages accounts and configuration, the
security admin manages roles and assignments, the auditor reads the audit trail. No account
holds two of these three, and no day-to-day account (district admin, organizer, station staff,
member) is a superuser."""

DISTRICT_ADMIN_GROUP = "district admin"
AUDITOR_GROUP = "auditor"
SYSTEM_ADMIN_GROUP = "system admin"
SECURITY_ADMIN_GROUP = "security admin"
ADMINISTRATOR_GROUPS = (SYSTEM_ADMIN_GROUP, SECURITY_ADMIN_GROUP, AUDITOR_GROUP)

# App labels whose model permissions the district admin group holds, except the assignment
# models, which are the security admin's.
DISTRICT_ADMIN_APPS = ("branches", "stations", "services")
ASSIGNMENT_MODELS = (("branches", "organizerassignment"), ("stations", "stationstaff"))


def manages_people(user) -> bool:
    """Whether `user` may open the organization tree and the roster at all (their rows are
    still limited by `visible_to`). One query at most, cached permissions aside."""
    from branches.models import OrganizerAssignment

    if not user.is_authenticated:
        return False
    if user.has_perm("branches.view_member"):
        return True
    return OrganizerAssignment.objects.filter(user=user).exists()


def logs_visits(user) -> bool:
    """Whether `user` logs contact visits: full-time workers (an assignment with the worker
    role) and district staff. One query at most, cached permissions aside."""
    from branches.models import OrganizerAssignment, OrganizerRole

    if not user.is_authenticated:
        return False
    if user.has_perm("branches.add_contactvisit"):
        return True
    return OrganizerAssignment.objects.filter(user=user, role=OrganizerRole.WORKER).exists()
