"""Stations: opening hours, closures and "open now" in Shanghai time; amenities and programs."""

from datetime import date, datetime, time
from zoneinfo import ZoneInfo

import pytest
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction

from stations.actions import Shift, station_closure_add, station_features_set, station_hours_set
from stations.models import Amenity, OpeningHours, Program, Station, Weekday
from tests.conftest import make_station

SHANGHAI = ZoneInfo("Asia/Shanghai")
MON, TUE, WED, THU, FRI, SAT, SUN = range(7)
# 2026-11-23 is a Monday.
MONDAY = date(2026, 11, 23)


def at(day: int, hour: int, minute: int = 0, second: int = 0) -> datetime:
    """Shanghai wall-clock time on the `day`-th day after Monday 2026-11-23."""
    return datetime(2026, 11, 23 + day, hour, minute, second, tzinfo=SHANGHAI)


def is_open(station, when) -> bool:
    return Station.objects.with_open_now(when).get(pk=station.pk).open_now


def shift(weekday, opens, closes):
    return Shift(weekday=weekday, opens=time(*opens), closes=time(*closes))


@pytest.fixture
def station(street_a):
    return make_station(street=street_a)


@pytest.mark.django_db
class TestOpenNow:
    def test_day_shift_opens_at_the_hour_and_closes_at_the_hour(self, station):
        station_hours_set(station=station, shifts=[shift(MON, (9, 0), (18, 0))])
        assert not is_open(station, at(MON, 8, 59, 59))
        assert is_open(station, at(MON, 9, 0))
        assert is_open(station, at(MON, 17, 59, 59))
        assert not is_open(station, at(MON, 18, 0))
        assert not is_open(station, at(TUE, 10, 0))  # no shift on Tuesday

    def test_overnight_shift_runs_into_the_next_morning(self, station):
        station_hours_set(station=station, shifts=[shift(MON, (22, 0), (6, 0))])
        assert not is_open(station, at(MON, 3, 0))  # Sunday night has no shift
        assert not is_open(station, at(MON, 21, 59))
        assert is_open(station, at(MON, 22, 0))
        assert is_open(station, at(MON, 23, 59, 59))
        assert is_open(station, at(TUE, 0, 0))
        assert is_open(station, at(TUE, 5, 59, 59))
        assert not is_open(station, at(TUE, 6, 0))
        assert not is_open(station, at(TUE, 22, 30))  # Tuesday has no shift of its own

    def test_sunday_night_shift_runs_into_monday(self, station):
        station_hours_set(station=station, shifts=[shift(SUN, (22, 0), (6, 0))])
        assert is_open(station, at(MON, 5, 0))  # Monday 23rd: from Sunday the 22nd
        assert is_open(station, at(SUN, 23, 0))
        assert is_open(station, at(SUN + 1, 1, 0))  # the next Monday, 30th

    def test_shift_ending_at_midnight(self, station):
        station_hours_set(station=station, shifts=[shift(FRI, (18, 0), (0, 0))])
        assert is_open(station, at(FRI, 23, 59, 59))
        assert not is_open(station, at(SAT, 0, 0))

    def test_open_24_hours(self, station):
        station_hours_set(station=station, shifts=[Shift(weekday=WED, all_day=True)])
        assert is_open(station, at(WED, 0, 0))
        assert is_open(station, at(WED, 12, 0))
        assert is_open(station, at(WED, 23, 59, 59))
        assert not is_open(station, at(THU, 0, 0))
        assert not is_open(station, at(TUE, 23, 59))

    def test_open_every_day_around_the_clock(self, station):
        station_hours_set(
            station=station, shifts=[Shift(weekday=day, all_day=True) for day in Weekday.values]
        )
        assert all(is_open(station, at(day, hour)) for day in range(7) for hour in (0, 7, 23))

    def test_split_shifts(self, station):
        station_hours_set(
            station=station, shifts=[shift(TUE, (9, 0), (12, 0)), shift(TUE, (14, 0), (18, 0))]
        )
        assert is_open(station, at(TUE, 11, 0))
        assert not is_open(station, at(TUE, 13, 0))
        assert is_open(station, at(TUE, 15, 0))

    def test_no_hours_means_closed(self, station):
        assert not is_open(station, at(MON, 12, 0))

    def test_closure_shuts_a_day_shift(self, station):
        station_hours_set(station=station, shifts=[shift(MON, (9, 0), (18, 0))])
        station_closure_add(station=station, on=MONDAY, reason="国庆")
        assert not is_open(station, at(MON, 12, 0))
        assert is_open(station, at(MON + 7, 12, 0))  # a week later it is open again

    def test_closure_cancels_the_overnight_shift_that_starts_on_it(self, station):
        station_hours_set(station=station, shifts=[shift(MON, (22, 0), (6, 0))])
        station_closure_add(station=station, on=MONDAY)
        assert not is_open(station, at(MON, 23, 0))
        assert not is_open(station, at(TUE, 3, 0))

    def test_closure_cuts_the_previous_evenings_shift_at_midnight(self, station):
        station_hours_set(station=station, shifts=[shift(MON, (22, 0), (6, 0))])
        station_closure_add(station=station, on=date(2026, 11, 24))  # Tuesday
        assert is_open(station, at(MON, 23, 0))
        assert not is_open(station, at(TUE, 3, 0))

    def test_closure_shuts_a_24_hour_day(self, station):
        station_hours_set(station=station, shifts=[Shift(weekday=MON, all_day=True)])
        station_closure_add(station=station, on=MONDAY)
        assert not is_open(station, at(MON, 0, 0))
        assert not is_open(station, at(MON, 23, 0))

    def test_time_is_shanghai_time_whatever_the_instant_or_server_zone(self, station, settings):
        settings.TIME_ZONE = "America/New_York"
        station_hours_set(station=station, shifts=[shift(MON, (9, 0), (10, 0))])
        # 01:30 UTC on Monday is 09:30 in Shanghai (and Sunday evening in New York).
        assert is_open(station, datetime(2026, 11, 23, 1, 30, tzinfo=ZoneInfo("UTC")))
        assert not is_open(station, datetime(2026, 11, 23, 9, 30, tzinfo=ZoneInfo("UTC")))

    def test_filtering_on_open_now_keeps_only_open_stations(self, station, street_a):
        night = make_station(street=street_a, name="夜间驿站")
        station_hours_set(station=station, shifts=[shift(MON, (9, 0), (18, 0))])
        station_hours_set(station=night, shifts=[shift(MON, (22, 0), (6, 0))])
        names = lambda when: list(  # noqa: E731
            Station.objects.with_open_now(when).filter(open_now=True).values_list("name", flat=True)
        )
        assert names(at(MON, 12, 0)) == ["五角场HUI新屋"]
        assert names(at(TUE, 2, 0)) == ["夜间驿站"]


@pytest.mark.django_db
class TestHours:
    def test_setting_hours_replaces_the_week(self, station):
        station_hours_set(station=station, shifts=[shift(MON, (9, 0), (18, 0))])
        station_hours_set(station=station, shifts=[shift(TUE, (8, 0), (12, 0))])
        assert [(h.weekday, h.label) for h in station.hours.all()] == [(TUE, "08:00-12:00")]

    def test_overnight_label_says_next_day(self, station):
        (row,) = station_hours_set(station=station, shifts=[shift(MON, (22, 0), (6, 0))])
        assert row.is_overnight
        assert row.label == "22:00-次日06:00"

    def test_bad_shift_changes_nothing(self, station):
        station_hours_set(station=station, shifts=[shift(MON, (9, 0), (18, 0))])
        with pytest.raises(ValidationError):
            station_hours_set(
                station=station,
                shifts=[shift(TUE, (8, 0), (12, 0)), shift(WED, (9, 0), (9, 0))],
            )
        assert [h.weekday for h in station.hours.all()] == [MON]

    def test_shift_needs_both_times_unless_all_day(self, station):
        with pytest.raises(ValidationError):
            station_hours_set(station=station, shifts=[Shift(weekday=MON, opens=time(9))])

    def test_database_refuses_times_on_an_all_day_row(self, station):
        with pytest.raises(IntegrityError), transaction.atomic():
            OpeningHours.objects.create(
                station=station, weekday=MON, all_day=True, opens=time(9), closes=time(10)
            )

    def test_database_refuses_an_unknown_weekday(self, station):
        with pytest.raises(IntegrityError), transaction.atomic():
            OpeningHours.objects.create(station=station, weekday=7, opens=time(9), closes=time(10))

    def test_closing_the_same_date_twice_keeps_one_row(self, station):
        station_closure_add(station=station, on=MONDAY, reason="装修")
        station_closure_add(station=station, on=MONDAY, reason="节假日")
        assert list(station.closures.values_list("reason", flat=True)) == ["节假日"]


@pytest.mark.django_db
class TestFeatures:
    def test_set_amenities_and_programs_in_display_order(self, station):
        station_features_set(
            station=station,
            amenities=[Amenity.CHARGING, Amenity.WATER],
            programs=[Program.PASSPORT, Program.REST_STOP],
        )
        station = Station.objects.with_features().get(pk=station.pk)
        assert station.amenity_labels == ["饮水", "充电"]
        assert station.program_labels == ["休憩驿站", "先锋护照"]

    def test_setting_again_replaces(self, station):
        station_features_set(station=station, amenities=["water", "wifi"], programs=["health"])
        station_features_set(station=station, amenities=["wifi", "toilet"], programs=[])
        assert station.amenities == ["toilet", "wifi"]
        assert station.programs == []

    def test_unknown_amenity_is_refused_and_changes_nothing(self, station):
        station_features_set(station=station, amenities=["water"], programs=[])
        with pytest.raises(ValidationError):
            station_features_set(station=station, amenities=["sauna"], programs=[])
        assert station.amenities == ["water"]

    def test_ten_programs_and_ten_amenities(self):
        assert len(Program.values) == 10
        assert len(Amenity.values) == 10
