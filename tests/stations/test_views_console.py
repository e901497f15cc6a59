"""The station console: each persona's access, today's check-ins and visitor tally, editing
hours, amenities and closures through actions, and the poster link."""

from datetime import date, datetime, time, timedelta
from zoneinfo import ZoneInfo

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from branches.models import Member
from stations.actions import (
    Shift,
    checkin_record,
    station_closure_add,
    station_hours_set,
    visitor_count_add,
)
from stations.models import CheckIn, StationClosure, VisitorCount
from stations.models.stations import station_local_now
from tests.conftest import make_member

SHANGHAI = ZoneInfo("Asia/Shanghai")
NOON = datetime(2026, 11, 23, 12, 0, tzinfo=SHANGHAI)  # a Monday
TODAY = NOON.date()


@pytest.fixture(autouse=True)
def clock(monkeypatch):
    monkeypatch.setattr("django.utils.timezone.now", lambda: NOON)


def console_url(station, name="console-station", *args):
    return reverse(f"stations:{name}", args=[station.pk, *args])


PAGES = ["console-station", "station-poster", "hours-edit", "features-edit"]


@pytest.mark.django_db
class TestAccess:
    @pytest.mark.parametrize("page", PAGES)
    @pytest.mark.parametrize("persona", ["station_staff", "street_organizer", "district_admin"])
    def test_people_who_run_the_station_open_every_page(
        self, client, as_persona, persona, page, station_a
    ):
        as_persona(persona)
        response = client.get(console_url(station_a, page))
        assert response.status_code == 200
        assert "五角场HUI新屋" in response.content.decode()

    @pytest.mark.parametrize("page", PAGES)
    @pytest.mark.parametrize(
        "persona", ["member", "outsider", "enterprise_organizer", "auditor", "station_staff"]
    )
    def test_others_get_404(self, client, as_persona, persona, page, station_a, station_b):
        as_persona(persona)
        # station_b is in street B: not the staff's station nor street A's organizer's.
        target = station_a if persona != "station_staff" else station_b
        assert client.get(console_url(target, page)).status_code == 404

    @pytest.mark.parametrize("page", PAGES)
    def test_anonymous_goes_to_sign_in(self, client, page, station_a):
        response = client.get(console_url(station_a, page))
        assert response.status_code == 302 and response["Location"].startswith("/accounts/")

    def test_writes_need_post(self, client, station_staff, station_a):
        client.force_login(station_staff)
        assert client.get(console_url(station_a, "visitor-add")).status_code == 405
        assert client.get(console_url(station_a, "closure-add")).status_code == 405

    def test_outsider_cannot_write_to_another_streets_station(self, client, outsider, station_a):
        client.force_login(outsider)
        response = client.post(
            console_url(station_a, "visitor-add"), {"purpose": "rest", "count": 3}
        )
        assert response.status_code == 404
        assert not VisitorCount.objects.exists()


@pytest.mark.django_db
class TestConsolePage:
    def test_index_lists_own_stations_with_todays_checkins(
        self, client, station_staff, station_a, station_b, member
    ):
        checkin_record(member=Member.objects.get(user=member), station=station_a, by=member)
        client.force_login(station_staff)
        html = client.get(reverse("stations:console")).content.decode()
        assert "五角场HUI新屋" in html and "殷行HUI新屋" not in html
        assert 'data-today-checkins="1"' in html
        assert console_url(station_a, "station-poster") in html

    def test_shows_todays_checkins_with_masked_phones(
        self, client, station_staff, station_a, member
    ):
        rider = Member.objects.get(user=member)
        checkin_record(member=rider, station=station_a, by=member)
        yesterday = NOON - timedelta(days=1)
        CheckIn.objects.create(
            member=rider, station=station_a, checked_in_at=yesterday, local_date=yesterday.date()
        )
        client.force_login(station_staff)
        response = client.get(console_url(station_a))
        assert [c.member.name for c in response.context["checkins"]] == ["李强"]
        html = response.content.decode()
        assert "李强" in html and rider.masked_phone in html and rider.phone not in html
        assert "12:00" in html

    def test_visitor_tally_by_purpose(self, client, station_staff, station_a):
        client.force_login(station_staff)
        for purpose, count in [("rest", 2), ("charging", 1), ("rest", 3)]:
            response = client.post(
                console_url(station_a, "visitor-add"), {"purpose": purpose, "count": count}
            )
            assert response.status_code == 302
        response = client.get(console_url(station_a))
        tally = dict(response.context["tally"])
        assert tally["休息"] == 5 and tally["充电"] == 1 and tally["咨询"] == 0
        assert response.context["visitor_total"] == 6
        assert VisitorCount.objects.filter(recorded_by=station_staff).count() == 3

    def test_entry_of_a_deleted_account_still_shows(self, client, station_staff, station_a):
        visitor_count_add(station=station_a, purpose="water", count=2, by=None)
        client.force_login(station_staff)
        html = client.get(console_url(station_a)).content.decode()
        assert "饮水 × 2" in html

    def test_bad_tally_is_refused(self, client, station_staff, station_a):
        client.force_login(station_staff)
        response = client.post(
            console_url(station_a, "visitor-add"), {"purpose": "rest", "count": 0}, follow=True
        )
        assert "人数应在 1 到 500 之间" in response.content.decode()
        assert not VisitorCount.objects.exists()

    def test_staff_take_back_todays_entry_but_not_older_ones(
        self, client, station_staff, station_a
    ):
        client.force_login(station_staff)
        entry = visitor_count_add(station=station_a, purpose="rest", count=9, by=station_staff)
        old = visitor_count_add(
            station=station_a, purpose="rest", count=2, by=station_staff, on=TODAY - timedelta(1)
        )
        assert client.post(console_url(station_a, "visitor-remove", entry.pk)).status_code == 302
        assert client.post(console_url(station_a, "visitor-remove", old.pk)).status_code == 404
        assert list(VisitorCount.objects.all()) == [old]

    def test_query_count_does_not_grow_with_checkins(
        self, client, station_staff, station_a, street_a, django_assert_num_queries
    ):
        client.force_login(station_staff)
        with CaptureQueriesContext(connection) as few:
            client.get(console_url(station_a))
        now = timezone.now()
        riders = [make_member(street=street_a, name=f"骑手{n}") for n in range(15)]
        # Rows written directly: these riders have no account, so no consent (issue 9).
        CheckIn.objects.bulk_create(
            CheckIn(
                member=rider,
                station=station_a,
                checked_in_at=now,
                local_date=station_local_now(now).date(),
            )
            for rider in riders
        )
        for _n in range(15):
            visitor_count_add(station=station_a, purpose="water", count=1, by=station_staff)
        with django_assert_num_queries(len(few.captured_queries)):
            response = client.get(console_url(station_a))
        assert len(response.context["checkins"]) == 15


@pytest.mark.django_db
class TestEditing:
    def test_edit_hours_with_overnight_and_24_hours(self, client, station_staff, station_a):
        client.force_login(station_staff)
        data = {f"d{d}-mode": "closed" for d in range(7)}
        data |= {
            "d0-mode": "hours",
            "d0-opens1": "09:00",
            "d0-closes1": "12:00",
            "d0-opens2": "22:00",
            "d0-closes2": "06:00",
            "d6-mode": "all_day",
        }
        response = client.post(console_url(station_a, "hours-edit"), data)
        assert response.status_code == 302
        assert [(h.weekday, h.label) for h in station_a.hours.all()] == [
            (0, "09:00-12:00"),
            (0, "22:00-次日06:00"),
            (6, "24小时"),
        ]

    def test_edit_form_starts_from_the_current_hours(self, client, station_staff, station_a):
        station_hours_set(
            station=station_a,
            shifts=[Shift(weekday=2, opens=time(8), closes=time(17)), Shift(5, all_day=True)],
        )
        client.force_login(station_staff)
        html = client.get(console_url(station_a, "hours-edit")).content.decode()
        assert 'name="d2-opens1" value="08:00"' in html
        assert 'name="d2-mode" value="hours" id="id_d2-mode_1" required checked' in html
        assert 'name="d5-mode" value="all_day" id="id_d5-mode_2" required checked' in html

    def test_shift_without_closing_time_changes_nothing(self, client, station_staff, station_a):
        station_hours_set(station=station_a, shifts=[Shift(0, time(9), time(18))])
        client.force_login(station_staff)
        data = {f"d{d}-mode": "closed" for d in range(7)} | {
            "d1-mode": "hours",
            "d1-opens1": "09:00",
        }
        response = client.post(console_url(station_a, "hours-edit"), data)
        assert response.status_code == 200
        assert "每个时段都要有不同的开门和关门时间" in response.content.decode()
        assert [h.weekday for h in station_a.hours.all()] == [0]

    def test_edit_amenities_and_programs(self, client, station_staff, station_a):
        client.force_login(station_staff)
        response = client.post(
            console_url(station_a, "features-edit"),
            {"amenities": ["water", "repair"], "programs": ["passport"]},
        )
        assert response.status_code == 302
        assert station_a.amenities == ["water", "repair"]
        assert station_a.programs == ["passport"]

    def test_add_and_remove_a_closure(self, client, station_staff, station_a):
        client.force_login(station_staff)
        response = client.post(
            console_url(station_a, "closure-add"), {"date": "2026-12-31", "reason": "跨年"}
        )
        assert response.status_code == 302
        closure = StationClosure.objects.get()
        assert (closure.date, closure.reason) == (date(2026, 12, 31), "跨年")
        assert "2026-12-31（跨年）" in client.get(console_url(station_a)).content.decode()
        client.post(console_url(station_a, "closure-remove", closure.pk))
        assert not StationClosure.objects.exists()

    def test_closure_in_the_past_is_refused(self, client, station_staff, station_a):
        client.force_login(station_staff)
        response = client.post(
            console_url(station_a, "closure-add"), {"date": "2026-11-01"}, follow=True
        )
        assert "闭站日期不能早于今天" in response.content.decode()
        assert not StationClosure.objects.exists()

    def test_cannot_remove_another_stations_closure(
        self, client, station_staff, station_a, station_b
    ):
        other = station_closure_add(station=station_b, on=date(2026, 12, 31))
        client.force_login(station_staff)
        url = console_url(station_a, "closure-remove", other.pk)
        assert client.post(url).status_code == 404
        assert StationClosure.objects.filter(pk=other.pk).exists()
