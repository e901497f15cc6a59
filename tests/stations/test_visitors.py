"""Visitor counts by purpose, recorded by staff: an append-only tally."""

from datetime import date

import pytest
from django.core.exceptions import ValidationError
from django.db.models import Sum

from stations.actions import visitor_count_add, visitor_count_remove
from stations.models import VisitorCount, VisitorPurpose


@pytest.mark.django_db
class TestVisitorCounts:
    def test_entries_add_up_by_purpose(self, station_a, station_staff):
        day = date(2026, 11, 23)
        for purpose, count in [("rest", 3), ("water", 2), ("rest", 1)]:
            visitor_count_add(
                station=station_a, purpose=purpose, count=count, by=station_staff, on=day
            )
        totals = dict(
            VisitorCount.objects.filter(station=station_a, date=day)
            .values_list("purpose")
            .annotate(Sum("count"))
        )
        assert totals == {"rest": 4, "water": 2}
        assert VisitorCount.objects.filter(recorded_by=station_staff).count() == 3

    def test_six_purposes(self):
        assert [label for _, label in VisitorPurpose.choices] == [
            "休息", "饮水", "充电", "参加活动", "咨询", "其他",
        ]  # fmt: skip

    @pytest.mark.parametrize(("purpose", "count"), [("sauna", 1), ("rest", 0), ("rest", 501)])
    def test_bad_entries_are_refused(self, station_a, station_staff, purpose, count):
        with pytest.raises(ValidationError):
            visitor_count_add(station=station_a, purpose=purpose, count=count, by=station_staff)
        assert not VisitorCount.objects.exists()

    def test_default_day_is_today_in_shanghai(self, station_a, station_staff, monkeypatch):
        from datetime import datetime
        from zoneinfo import ZoneInfo

        # 17:00 UTC on the 23rd is 01:00 on the 24th in Shanghai.
        monkeypatch.setattr(
            "django.utils.timezone.now",
            lambda: datetime(2026, 11, 23, 17, 0, tzinfo=ZoneInfo("UTC")),
        )
        entry = visitor_count_add(station=station_a, purpose="rest", count=1, by=station_staff)
        assert entry.date == date(2026, 11, 24)

    def test_remove_takes_an_entry_back(self, station_a, station_staff):
        entry = visitor_count_add(station=station_a, purpose="rest", count=5, by=station_staff)
        visitor_count_remove(entry=entry, by=station_staff)
        assert not VisitorCount.objects.exists()
