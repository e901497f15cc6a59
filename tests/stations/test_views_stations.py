"""The public station finder, the station page and the console's start page."""

import pytest
from django.urls import reverse

from tests.conftest import make_station

LIST = reverse("stations:station-list")

CONSOLE = reverse("stations:console")


def listed(response):
    return [station.name for station in response.context["page"].object_list]


@pytest.mark.django_db
class TestFinder:
    def test_lists_active_stations_to_anyone(self, client, station_a, station_b, street_a):
        make_station(street=street_a, name="已关闭站点", is_active=False)
        response = client.get(LIST)
        assert sorted(listed(response)) == ["五角场HUI新屋", "殷行HUI新屋"]
        assert "已关闭站点" not in response.content.decode()

    def test_filters_by_street_and_kind(self, client, station_a, station_b, street_b):
        assert listed(client.get(LIST, {"street": street_b.pk})) == ["殷行HUI新屋"]
        assert listed(client.get(LIST, {"kind": "bank_relay"})) == []


@pytest.mark.django_db
class TestStationPage:
    def test_shows_the_station(self, client, station_a):
        html = client.get(reverse("stations:station-detail", args=[station_a.pk])).content.decode()
        assert "五角场HUI新屋" in html
        assert "国定路 1 号" in html

    def test_inactive_station_is_404_for_the_public(self, client, street_a):
        closed = make_station(street=street_a, name="闭站", is_active=False)
        assert client.get(reverse("stations:station-detail", args=[closed.pk])).status_code == 404

    def test_inactive_station_is_visible_to_its_street_organizer(
        self, client, street_a, street_organizer, outsider
    ):
        closed = make_station(street=street_a, name="闭站", is_active=False)
        url = reverse("stations:station-detail", args=[closed.pk])
        client.force_login(outsider)
        assert client.get(url).status_code == 404
        client.force_login(street_organizer)
        assert "此站点目前不对外开放" in client.get(url).content.decode()

    def test_unknown_station_is_404(self, client, db):
        assert client.get(reverse("stations:station-detail", args=[999999])).status_code == 404


@pytest.mark.django_db
class TestConsole:
    def test_staff_see_the_stations_they_run(self, client, station_staff, station_a, station_b):
        client.force_login(station_staff)
        assert listed(client.get(CONSOLE)) == ["五角场HUI新屋"]

    def test_street_organizer_sees_their_streets_stations(
        self, client, street_organizer, station_a, station_b
    ):
        client.force_login(street_organizer)
        assert listed(client.get(CONSOLE)) == ["五角场HUI新屋"]

    @pytest.mark.parametrize("persona", ["member", "enterprise_organizer", "auditor"])
    def test_people_without_a_station_are_refused(self, persona, as_persona, client, station_a):
        as_persona(persona)
        assert client.get(CONSOLE).status_code == 403
