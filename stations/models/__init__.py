"""Service positions (阵地): the HUI新屋 stations, rider stations and bank relay stations, the
staff who run them, check-ins and visitor counts, and the outlets workers survey. Depends on
`branches`; `services` depends on this app. One module per concept; import from here."""

from stations.models.checkins import CheckIn, CheckInQuerySet, VisitorCount, VisitorPurpose
from stations.models.outlets import Outlet, OutletQuerySet
from stations.models.stations import (
    STATION_TIME_ZONE,
    Amenity,
    OpeningHours,
    Program,
    Station,
    StationAmenity,
    StationClosure,
    StationKind,
    StationProgram,
    StationQuerySet,
    StationStaff,
    Weekday,
    station_local_now,
    station_photo_path,
    validate_in_shanghai,
)
from stations.models.visits import PlaceVisit

__all__ = [
    "STATION_TIME_ZONE",
    "Amenity",
    "CheckIn",
    "CheckInQuerySet",
    "OpeningHours",
    "Outlet",
    "OutletQuerySet",
    "PlaceVisit",
    "Program",
    "Station",
    "StationAmenity",
    "StationClosure",
    "StationKind",
    "StationProgram",
    "StationQuerySet",
    "StationStaff",
    "VisitorCount",
    "VisitorPurpose",
    "Weekday",
    "station_local_now",
    "station_photo_path",
    "validate_in_shanghai",
]
