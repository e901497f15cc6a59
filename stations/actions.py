"""Every state change of the stations app. Views, admin, imports and commands call these."""

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date, time

from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from stations.models import (
    CheckIn,
    OpeningHours,
    Outlet,
    Station,
    StationAmenity,
    StationClosure,
    StationProgram,
    StationStaff,
    VisitorCount,
    station_local_now,
)
from yangpu_portal import freshness


@transaction.atomic
def station_create(*, by=None, **fields) -> Station:
    """Create a station after model validation. Raises ValidationError on bad input."""
    station = Station(**fields)
    station.full_clean()
    station.save()
    freshness.bump(freshness.STATIONS)  # the finder's cached map markers
    return station


@transaction.atomic
def staff_assign(*, station: Station, user, by=None) -> StationStaff:
    """Make `user` staff of `station`; assigning twice changes nothing."""
    staff, _ = StationStaff.objects.get_or_create(station=station, user=user)
    return staff


@dataclass(frozen=True)
class Shift:
    """One opening shift: `all_day`, or `opens`-`closes` (closes <= opens: ends next day)."""

    weekday: int
    opens: time | None = None
    closes: time | None = None
    all_day: bool = False


@transaction.atomic
def station_hours_set(*, station: Station, shifts: Iterable[Shift], by=None) -> list[OpeningHours]:
    """Replace the station's weekly opening hours with `shifts` (a weekday without a shift is
    closed). Raises ValidationError on a malformed shift; then nothing changes. Two queries."""
    rows = [
        OpeningHours(
            station=station,
            weekday=shift.weekday,
            all_day=shift.all_day,
            opens=shift.opens,
            closes=shift.closes,
        )
        for shift in shifts
    ]
    for row in rows:
        # clean() and the field choices cover what the constraints check, without a query.
        row.full_clean(exclude=["station"], validate_constraints=False)
    OpeningHours.objects.filter(station=station).delete()
    freshness.bump(freshness.STATIONS)  # the finder's cached map markers
    return OpeningHours.objects.bulk_create(rows)


@transaction.atomic
def station_features_set(
    *, station: Station, amenities: Iterable[str], programs: Iterable[str], by=None
) -> None:
    """Make the station's amenities and programs exactly these values (unknown values raise
    ValidationError). Rows not in the new sets are deleted, missing ones inserted."""
    for model, field, values in (
        (StationAmenity, "amenity", set(amenities)),
        (StationProgram, "program", set(programs)),
    ):
        rows = [model(station=station, **{field: value}) for value in sorted(values)]
        for row in rows:
            row.full_clean(exclude=["station"], validate_constraints=False)
        model.objects.filter(station=station).exclude(**{f"{field}__in": values}).delete()
        model.objects.bulk_create(rows, ignore_conflicts=True)
    freshness.bump(freshness.STATIONS)  # the finder's cached map markers


@transaction.atomic
def station_closure_add(*, station: Station, on: date, reason: str = "", by=None) -> StationClosure:
    """Close the station on the date `on`. Adding the same date again updates the reason."""
    closure = StationClosure.objects.filter(station=station, date=on).first() or StationClosure(
        station=station, date=on
    )
    closure.reason = reason
    closure.full_clean(validate_unique=False)
    closure.save()
    freshness.bump(freshness.STATIONS)  # the finder's cached map markers
    return closure


@transaction.atomic
def station_closure_remove(*, closure: StationClosure, by=None) -> None:
    """Open the station again on that date (its weekly hours apply)."""
    closure.delete()
    freshness.bump(freshness.STATIONS)  # the finder's cached map markers


@transaction.atomic
def checkin_record(*, member, station: Station, by, at=None) -> tuple[CheckIn, bool]:
    """Record that `member` checked in at `station` (default: now). At most one per member,
    station and Shanghai day: a second call that day writes nothing and returns the existing
    row with False. Safe under concurrency: the unique constraint decides, and the loser of a
    race gets the winner's row. Raises ValidationError for an inactive station."""
    if not station.is_active:
        raise ValidationError(_("此站点目前不对外开放，无法报到。"), code="inactive")
    checked_in_at = at or timezone.now()
    local_date = station_local_now(checked_in_at).date()
    try:
        with transaction.atomic():  # a savepoint: the outer transaction survives a duplicate
            checkin = CheckIn.objects.create(
                member=member, station=station, checked_in_at=checked_in_at, local_date=local_date
            )
    except IntegrityError:
        existing = CheckIn.objects.get(member=member, station=station, local_date=local_date)
        return existing, False
    return checkin, True


@transaction.atomic
def visitor_count_add(*, station: Station, purpose: str, count: int, by, on=None) -> VisitorCount:
    """Add `count` visitors who did not check in, for `purpose`, on `on` (default: today in
    Shanghai). Raises ValidationError on an unknown purpose or a count outside 1..500."""
    entry = VisitorCount(
        station=station,
        purpose=purpose,
        count=count,
        date=on or station_local_now().date(),
        recorded_by=by,
    )
    entry.full_clean()
    entry.save()
    return entry


@transaction.atomic
def visitor_count_remove(*, entry: VisitorCount, by) -> None:
    """Take back a mistaken tally entry."""
    entry.delete()


@transaction.atomic
def outlet_survey(*, by, outlet: Outlet | None = None, **fields) -> Outlet:
    """Record a survey of an outlet: a new outlet, or new figures for `outlet`. `surveyed_by`
    becomes `by`; `surveyed_at` defaults to today in Shanghai. Raises ValidationError (e.g.
    coordinates outside Shanghai, a duplicate name in the street) and then writes nothing."""
    outlet = outlet or Outlet()
    for name, value in fields.items():
        setattr(outlet, name, value)
    outlet.surveyed_by = by
    if not outlet.surveyed_at:
        outlet.surveyed_at = station_local_now().date()
    outlet.full_clean()
    outlet.save()
    return outlet
