"""Every state change of the stations app."""

from django.db import transaction

from stations.models import Station, StationStaff


@transaction.atomic
def station_create(*, by=None, **fields) -> Station:
    """Create a station after model validation. Raises ValidationError on bad input."""
    station = Station(**fields)
    station.full_clean()
    station.save()
    return station


@transaction.atomic
def staff_assign(*, station: Station, user, by=None) -> StationStaff:
    """Make `user` staff of `station`; assigning twice changes nothing."""
    staff, _ = StationStaff.objects.get_or_create(station=station, user=user)
    return staff
