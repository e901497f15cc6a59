"""Who may host activities where. Organizers host for organizations in their scope; station
staff host at the stations they run (for any organization, typically the station's host)."""

from branches.models import Organization
from stations.models import Station


def may_host(user, organization, station) -> bool:
    """Whether `user` may create or edit an activity of `organization` at `station` (None for
    other venues). Two small queries at most."""
    if not user.is_authenticated:
        return False
    if user.has_perm("services.add_activity"):
        return True
    if station is not None and Station.objects.visible_to(user).filter(pk=station.pk).exists():
        return True
    return (
        organization is not None
        and Organization.objects.visible_to(user).filter(pk=organization.pk).exists()
    )


def hostable_organizations(user):
    """The organizations `user` may pick as host: their organization scope plus the host
    organizations of the stations they run."""
    if user.has_perm("services.add_activity"):
        return Organization.objects.all()
    station_hosts = Station.objects.visible_to(user).values("host_organization")
    return Organization.objects.filter(
        pk__in=Organization.objects.visible_to(user).values("pk")
    ) | Organization.objects.filter(pk__in=station_hosts)


def may_manage_anything(user) -> bool:
    """Whether the "new activity" button makes sense for `user`."""
    if not user.is_authenticated:
        return False
    from yangpu_portal.navigation import roles_of

    roles = roles_of(user)
    return user.has_perm("services.add_activity") or roles.organizer or roles.station_staff
