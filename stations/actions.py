"""Every state change of the stations app. Views, admin, imports and commands call these."""

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date, time

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.module_loading import import_string
from django.utils.translation import gettext as _

from audit.changes import record_change
from audit.models import Event
from audit.record import record_event
from stations.models import (
    CheckIn,
    OpeningHours,
    Outlet,
    PlaceVisit,
    Station,
    StationAmenity,
    StationClosure,
    StationProgram,
    StationStaff,
    VisitorCount,
    station_local_now,
)
from yangpu_portal import freshness
from yangpu_portal.dashboard.refresh import refresh_soon
from yangpu_portal.privacy import require_consent


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
    closed). Raises ValidationError on a malformed shift; then nothing changes. An audit record
    when the hours change (bulk writes send no signal)."""
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
    before = _hours_text(OpeningHours.objects.filter(station=station).order_by("weekday", "opens"))
    OpeningHours.objects.filter(station=station).delete()
    freshness.bump(freshness.STATIONS)  # the finder's cached map markers
    created = OpeningHours.objects.bulk_create(rows)
    after = _hours_text(sorted(rows, key=lambda r: (r.weekday, r.opens or time.min)))
    if before != after:  # bulk writes send no signal: recorded here (audit/changes.py)
        record_change(event=Event.UPDATE, obj=station, changes={"hours": [before, after]})
    return created


def _hours_text(rows) -> list[str]:
    return [
        f"{r.weekday}:all_day" if r.all_day else f"{r.weekday}:{r.opens:%H:%M}-{r.closes:%H:%M}"
        for r in rows
    ]


@transaction.atomic
def station_features_set(
    *, station: Station, amenities: Iterable[str], programs: Iterable[str], by=None
) -> None:
    """Make the station's amenities and programs exactly these values (unknown values raise
    ValidationError). Rows not in the new sets are deleted, missing ones inserted."""
    changes = {}
    for model, field, values in (
        (StationAmenity, "amenity", set(amenities)),
        (StationProgram, "program", set(programs)),
    ):
        rows = [model(station=station, **{field: value}) for value in sorted(values)]
        for row in rows:
            row.full_clean(exclude=["station"], validate_constraints=False)
        before = sorted(model.objects.filter(station=station).values_list(field, flat=True))
        model.objects.filter(station=station).exclude(**{f"{field}__in": values}).delete()
        model.objects.bulk_create(rows, ignore_conflicts=True)
        if before != sorted(values):
            changes[f"{field}s"] = [before, sorted(values)]
    if changes:  # bulk writes send no signal: recorded here (audit/changes.py)
        record_change(event=Event.UPDATE, obj=station, changes=changes)
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
    race gets the winner's row. Raises ValidationError for an inactive station, and when the
    member has not consented to the privacy notice (or withdrew), before anything is written.
    A new check-in is passed to the callable named by settings.STATIONS_CHECKIN_HOOK (the
    vanguard passport's stamp), in the same transaction."""
    refresh_soon()  # the dashboard's figures (debounced, at commit)
    if not station.is_active:
        raise ValidationError(_("此站点目前不对外开放，无法报到。"), code="inactive")
    # PIPL: nothing about the member's visits is stored without their consent in force.
    require_consent(member.user_id)
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
    if settings.STATIONS_CHECKIN_HOOK:
        import_string(settings.STATIONS_CHECKIN_HOOK)(checkin=checkin)
    return checkin, True


@transaction.atomic
def visitor_count_add(*, station: Station, purpose: str, count: int, by, on=None) -> VisitorCount:
    """Add `count` visitors who did not check in, for `purpose`, on `on` (default: today in
    Shanghai). Raises ValidationError on an unknown purpose or a count outside 1..500."""
    refresh_soon()  # the dashboard's figures (debounced, at commit)
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


@transaction.atomic
def personal_data_prune(*, checkins_before: date, visitors_before: date, by=None) -> dict:
    """Delete check-ins and visitor tallies dated before the given Shanghai dates (retention,
    PIPL), with one audit record of the counts."""
    checkins = CheckIn.objects.filter(local_date__lt=checkins_before).delete()[0]
    visitors = VisitorCount.objects.filter(date__lt=visitors_before).delete()[0]
    counts = {"checkins": checkins, "visitor_counts": visitors}
    if checkins or visitors:
        record_event(
            event=Event.DELETE,
            actor=by,
            detail={
                "what": "retention",
                "checkins_before": checkins_before.isoformat(),
                "visitors_before": visitors_before.isoformat(),
                **counts,
            },
        )
    return counts


def place_visit_create(
    *,
    by,
    visited_on: date,
    notes: str,
    station: Station | None = None,
    outlet: Outlet | None = None,
    follow_up: str = "",
    follow_up_due: date | None = None,
) -> PlaceVisit:
    """Log a contact visit by `by` to exactly one station or outlet: a `branches.ContactVisit`
    of the "place" kind (in the place's street) and the `PlaceVisit` saying which place, in one
    transaction. Raises ValidationError on bad input (no or two places, and what
    `branches.actions.visit_create` refuses)."""
    from branches.actions import visit_create

    if (station is None) == (outlet is None):
        raise ValidationError(_("请选择一个走访的阵地或网点。"), code="one_place")
    place = station or outlet
    visit = visit_create(
        by=by,
        visited_on=visited_on,
        notes=notes,
        place_street=place.street,
        follow_up=follow_up,
        follow_up_due=follow_up_due,
    )
    place_visit = PlaceVisit(visit=visit, station=station, outlet=outlet)
    place_visit.full_clean()
    place_visit.save()
    return place_visit
