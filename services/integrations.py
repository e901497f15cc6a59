"""What `services` offers the apps below it without them importing it: they name these
callables in settings (STATIONS_ACTIVITY_PROVIDER) and call them through `import_string`."""

from services.models import Activity

UPCOMING_AT_STATION = 10


def station_activities(*, station, user) -> list:
    """A station's next activities that `user` may see (its public page and its console).
    One query, host and station loaded."""
    return list(
        Activity.objects.listed_for(user)
        .at_station(station)
        .upcoming()
        .select_related("station", "host_organization")[:UPCOMING_AT_STATION]
    )
