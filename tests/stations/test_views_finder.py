"""The public finder's filters, distance ordering, map data and query count; the station page's
hours, badge, features, photo and navigate links."""

import json
import shutil
import tempfile
from datetime import datetime, time
from zoneinfo import ZoneInfo

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from stations.actions import Shift, station_closure_add, station_features_set, station_hours_set
from stations.geo import haversine_m, wgs84_to_gcj02
from stations.models import (
    Amenity,
    OpeningHours,
    Program,
    Station,
    StationAmenity,
    StationKind,
    StationProgram,
)
from tests.conftest import make_station
from yangpu_portal import freshness

LIST = reverse("stations:station-list")
SHANGHAI = ZoneInfo("Asia/Shanghai")
# Monday 2026-11-23, 12:00 in Shanghai.
NOON_MONDAY = datetime(2026, 11, 23, 12, 0, tzinfo=SHANGHAI)


def listed(response):
    return [station.name for station in response.context["page"].object_list]


def island(response) -> dict:
    html = response.content.decode()
    start = html.index('<script id="station-map-data" type="application/json">')
    body = html[start:].split(">", 1)[1].split("</script>", 1)[0]
    return json.loads(body)


@pytest.fixture
def clock(monkeypatch):
    """Freeze "now" (default: Monday noon in Shanghai); call it to move."""

    def set_now(when=NOON_MONDAY):
        monkeypatch.setattr("django.utils.timezone.now", lambda: when)

    set_now()
    return set_now


@pytest.fixture
def day_station(station_a):
    station_hours_set(station=station_a, shifts=[Shift(weekday=0, opens=time(9), closes=time(18))])
    station_features_set(
        station=station_a, amenities=[Amenity.WATER, Amenity.CHARGING], programs=[Program.HEALTH]
    )
    return station_a


@pytest.fixture
def night_station(station_b):
    station_hours_set(station=station_b, shifts=[Shift(weekday=0, opens=time(22), closes=time(6))])
    station_features_set(station=station_b, amenities=[Amenity.WATER], programs=[Program.CAREER])
    return station_b


@pytest.mark.django_db
class TestFilters:
    def test_anyone_sees_the_list_without_javascript(self, client, day_station, clock):
        html = client.get(LIST).content.decode()
        assert "五角场HUI新屋" in html and "国定路 1 号" in html
        # The map is an enhancement: hidden until the script draws it.
        assert 'data-station-map data-island="station-map-data" hidden' in html

    def test_program_filter(self, client, day_station, night_station, clock):
        assert listed(client.get(LIST, {"program": "health"})) == ["五角场HUI新屋"]
        assert listed(client.get(LIST, {"program": "career"})) == ["殷行HUI新屋"]

    def test_amenity_filter(self, client, day_station, night_station, clock):
        assert listed(client.get(LIST, {"amenity": "charging"})) == ["五角场HUI新屋"]
        assert sorted(listed(client.get(LIST, {"amenity": "water"}))) == [
            "五角场HUI新屋",
            "殷行HUI新屋",
        ]

    def test_street_and_program_together(self, client, day_station, night_station, street_b):
        assert listed(client.get(LIST, {"street": street_b.pk, "program": "health"})) == []

    def test_open_now_at_noon_and_at_night(self, client, day_station, night_station, clock):
        response = client.get(LIST, {"open": "now"})
        assert listed(response) == ["五角场HUI新屋"]
        assert 'data-open-now="yes"' in response.content.decode()
        clock(datetime(2026, 11, 24, 2, 0, tzinfo=SHANGHAI))  # Tuesday 02:00
        assert listed(client.get(LIST, {"open": "now"})) == ["殷行HUI新屋"]

    def test_open_now_respects_closures(self, client, day_station, clock):
        station_closure_add(station=day_station, on=NOON_MONDAY.date(), reason="装修")
        assert listed(client.get(LIST, {"open": "now"})) == []
        assert 'data-open-now="no"' in client.get(LIST).content.decode()

    def test_near_orders_by_distance_and_shows_metres(self, client, street_a, clock):
        here = (31.3000, 121.5100)
        for name, lat in [("远站", 31.3200), ("近站", 31.3010), ("中站", 31.3080)]:
            make_station(street=street_a, name=name, latitude=lat, longitude=121.5100)
        response = client.get(LIST, {"near": "31.3000,121.5100"})
        assert listed(response) == ["近站", "中站", "远站"]
        distances = [s.distance for s in response.context["page"].object_list]
        expected = [haversine_m(*here, lat, 121.51) for lat in (31.3010, 31.3080, 31.3200)]
        assert distances == pytest.approx(expected, rel=1e-3)
        html = response.content.decode()
        assert f"{round(expected[0])} 米" in html  # about 111 m
        assert island(response)["you"] == [31.3, 121.51]

    @pytest.mark.parametrize("near", ["abc", "91,121", "31.3", "nan,1", "31.3,121.5,7"])
    def test_malformed_near_is_ignored(self, client, day_station, near, clock):
        response = client.get(LIST, {"near": near})
        assert listed(response) == ["五角场HUI新屋"]
        assert response.context["near"] is None
        assert "位置格式应为" in response.content.decode()

    def test_unknown_program_is_ignored(self, client, day_station, clock):
        assert listed(client.get(LIST, {"program": "sauna"})) == ["五角场HUI新屋"]

    def test_each_station_has_a_navigate_link(self, client, day_station, clock):
        html = client.get(LIST).content.decode()
        assert "https://uri.amap.com/marker?position=121.5145%2C31.2995" in html


@pytest.mark.django_db
class TestMap:
    def test_no_tiles_in_tests_markers_on_a_plain_background(self, client, day_station, clock):
        data = island(client.get(LIST))
        assert data["tiles"] is None
        assert data["stations"] == [
            {
                "name": "五角场HUI新屋",
                "lat": 31.2995,
                "lng": 121.5145,
                "open": True,
                "url": reverse("stations:station-detail", args=[day_station.pk]),
            }
        ]

    def test_map_shows_every_match_not_only_the_page(self, client, street_a, clock):
        Station.objects.bulk_create(
            make_rows(street_a, 45)  # more than a page
        )
        response = client.get(LIST)
        assert len(listed(response)) == 30
        assert len(island(response)["stations"]) == 45

    def test_gcj02_tiles_get_converted_markers(self, client, day_station, clock, settings):
        settings.STATIONS_MAP_TILES = "amap"
        data = island(client.get(LIST, {"near": "31.30,121.51"}))
        assert data["tiles"]["url"].startswith("https://webrd0{s}.is.autonavi.com/")
        lat, lng = wgs84_to_gcj02(31.2995, 121.5145)
        assert (data["stations"][0]["lat"], data["stations"][0]["lng"]) == (
            round(lat, 6),
            round(lng, 6),
        )
        assert data["you"] == list(wgs84_to_gcj02(31.30, 121.51))

    def test_osm_tiles_keep_wgs84(self, client, day_station, clock, settings):
        settings.STATIONS_MAP_TILES = "osm"
        data = island(client.get(LIST))
        assert data["tiles"]["url"] == "https://tile.openstreetmap.org/{z}/{x}/{y}.png"
        assert (data["stations"][0]["lat"], data["stations"][0]["lng"]) == (31.2995, 121.5145)

    def test_station_names_cannot_break_out_of_the_data_island(self, client, street_a, clock):
        make_station(street=street_a, name="</script><script>alert(1)</script>")
        html = client.get(LIST).content.decode()
        assert "<script>alert(1)" not in html

    def test_csp_allows_no_tile_host_when_none_is_configured(self, client, day_station, clock):
        policy = client.get(LIST)["Content-Security-Policy"]
        img_src = next(part for part in policy.split(";") if "img-src" in part)
        assert img_src.split() == ["img-src", "'self'", "data:"]


def make_rows(street, count, start=0):
    return [
        Station(
            name=f"站点{n:03d}",
            kind=StationKind.RIDER,
            street=street,
            address=f"政通路{n}号",
            latitude=31.29 + n / 10000,
            longitude=121.50 + n / 10000,
        )
        for n in range(start, start + count)
    ]


def add_details(stations):
    OpeningHours.objects.bulk_create(
        OpeningHours(station=s, weekday=0, opens=time(9), closes=time(21)) for s in stations
    )
    StationAmenity.objects.bulk_create(
        StationAmenity(station=s, amenity=a) for s in stations for a in ("water", "charging")
    )
    StationProgram.objects.bulk_create(
        StationProgram(station=s, program=p) for s in stations for p in ("health", "passport")
    )


@pytest.mark.django_db
@pytest.mark.parametrize(
    "query",
    [
        {},
        {"open": "now", "amenity": "water", "program": "health", "near": "31.30,121.51"},
    ],
)
def test_query_count_is_the_same_for_3_and_400_stations(
    client, street_a, clock, django_assert_num_queries, query
):
    query = {**query, "street": street_a.pk} if query else query
    add_details(Station.objects.bulk_create(make_rows(street_a, 3)))
    # Street choices, count, page, amenities, programs (+ the street lookup); the cached map
    # markers (issue 10) on a miss: the generation, the entry, the markers and storing the
    # entry (5). Rows bulk-created here bypass the actions, so the test bumps as they do.
    expected = 14 if query else 13
    freshness.bump(freshness.STATIONS)
    with django_assert_num_queries(expected):
        small = client.get(LIST, query)
    add_details(Station.objects.bulk_create(make_rows(street_a, 397, start=3)))
    freshness.bump(freshness.STATIONS)
    with django_assert_num_queries(expected):
        response = client.get(LIST, query)
    with django_assert_num_queries(expected - 6):  # a hit: the generation and the entry
        assert island(client.get(LIST, query)) == island(response)
    assert len(listed(small)) == 3
    assert response.context["page"].paginator.count == 400
    assert len(island(response)["stations"]) == 400
    assert listed(response)[0] == ("站点100" if query else "站点000")  # nearest, or by name


@pytest.mark.django_db
class TestStationPage:
    def url(self, station):
        return reverse("stations:station-detail", args=[station.pk])

    def test_hours_badge_features_and_no_activities_yet(self, client, day_station, clock):
        station_hours_set(
            station=day_station,
            shifts=[
                Shift(weekday=0, opens=time(9), closes=time(18)),
                Shift(weekday=5, opens=time(22), closes=time(6)),
                Shift(weekday=6, all_day=True),
            ],
        )
        station_closure_add(station=day_station, on=datetime(2026, 12, 25).date(), reason="检修")
        html = client.get(self.url(day_station)).content.decode()
        assert 'data-open-now="yes"' in html
        assert "星期一" in html and "09:00-18:00" in html
        assert "22:00-次日06:00" in html and "24小时" in html
        assert "星期二" not in html  # closed days are not listed
        assert "2026-12-25（检修）" in html
        assert "饮水" in html and "充电" in html and "健康守护" in html
        assert "暂无近期活动" in html  # the section from the activity provider, still empty

    def test_badge_says_closed_at_night(self, client, day_station, clock):
        clock(datetime(2026, 11, 23, 20, 0, tzinfo=SHANGHAI))
        assert 'data-open-now="no"' in client.get(self.url(day_station)).content.decode()

    def test_navigate_links(self, client, day_station, clock):
        html = client.get(self.url(day_station)).content.decode()
        assert (
            'href="https://uri.amap.com/marker?position=121.5145%2C31.2995'
            "&amp;name=%E4%BA%94%E8%A7%92%E5%9C%BAHUI%E6%96%B0%E5%B1%8B"
            '&amp;coordinate=wgs84&amp;callnative=1&amp;src=yangpu.portal"'
        ) in html
        assert 'href="https://maps.apple.com/?daddr=31.2995,121.5145"' in html
        assert 'href="baidumap://map/marker?location=31.2995%2C121.5145' in html
        assert (
            'href="https://api.map.baidu.com/marker?location=31.2995%2C121.5145' in html
            and "coord_type=wgs84" in html
            and "output=html" in html
        )

    def test_photo_from_storage(self, client, day_station, clock, settings):
        media = tempfile.mkdtemp()
        settings.MEDIA_ROOT = media
        try:
            gif = (
                b"GIF89a\x01\x00\x01\x00\x80\x00\x00\x00\x00\x00\xff\xff\xff!\xf9\x04\x01\x00"
                b"\x00\x00\x00,\x00\x00\x00\x00\x01\x00\x01\x00\x00\x02\x02D\x01\x00;"
            )
            day_station.photo.save("front.gif", SimpleUploadedFile("front.gif", gif))
            html = client.get(self.url(day_station)).content.decode()
            assert f'src="{day_station.photo.url}"' in html
            assert day_station.photo.name.startswith("stations/photos/")
            assert "front" not in day_station.photo.name  # the name is not guessable
        finally:
            shutil.rmtree(media)

    def test_station_page_map_has_one_marker(self, client, day_station, clock):
        data = island(client.get(self.url(day_station)))
        assert [m["name"] for m in data["stations"]] == ["五角场HUI新屋"]
