"""The two district-wide roles that are Django groups (created by migration 0002). Every other
role is data: an `OrganizerAssignment`, a `stations.StationStaff` row or a `Member.user` link."""

DISTRICT_ADMIN_GROUP = "district admin"
AUDITOR_GROUP = "auditor"

# App labels whose every model permission the district admin group holds.
DISTRICT_ADMIN_APPS = ("branches", "stations", "services")


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
